import Fluent
import KorpusCore
import Vapor

/// A finished self-assessment: the radar chart compared with the previous result (and a table with the
/// same numbers), an interpretation of each area, the evidence behind it, suggestions for the weaker
/// areas, a PDF summary, and links through which the volunteer shows the result to someone (revocable).
struct ResultsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.sharedResult("").components, use: shared).publicAccess()
        let signedIn = routes.grouped(SignedInGuard())
        signedIn.get(SitePath.competenceResult("").components, use: result)
        signedIn.get(SitePath.competencePDF("").components, use: pdf)
        signedIn.post(SitePath.shareResult("").components, use: share)
        signedIn.post(SitePath.revokeShare("").components, use: revoke)
    }

    // MARK: The result, as shown on every page and in the PDF

    struct Axis: Encodable {
        let number: Int
        let x2: Double
        let y2: Double
        let labelX: Double
        let labelY: Double
    }

    struct Chart: Encodable {
        let size: Int
        let rings: [String]
        let axes: [Axis]
        let current: String
        let previous: String?
    }

    struct Row: Encodable {
        let number: Int
        let name: String
        let keyCompetence: String
        let score: String
        let previous: String?
        let change: String?
        let interpretation: String
        let hours: String?
        let trainings: String?
        let certificates: String?
        let noEvidence: Bool
    }

    struct Result: Encodable {
        let person: String
        let date: String
        let previousDate: String?
        let intro: String
        let caption: String
        let version: String
        let chart: Chart
        let rows: [Row]
        let basis: String
    }

    /// A finished assessment with its scores.
    struct Scored {
        let assessment: CompetenceAssessment
        let model: CompetenceModel
        let scores: CompetenceScores
    }

    static func scored(_ assessments: [CompetenceAssessment], _ app: Application, on db: any Database) async throws -> [Scored] {
        let answers = try await AssessmentController.answers(of: assessments.compactMap(\.id), on: db)
        return assessments.map { assessment in
            let model = AssessmentController.model(of: assessment, app)
            return Scored(assessment: assessment, model: model, scores: CompetenceScores(model: model, answers: answers[assessment.id ?? UUID()] ?? [:]))
        }
    }

    /// The finished assessment and the one finished before it, if any (itself left out by its id: a time read
    /// back from the database may differ from the stored one in the last bit).
    static func withPrevious(_ assessment: CompetenceAssessment, _ req: Request) async throws -> (Scored, Scored?) {
        let finished = assessment.completedAt ?? assessment.startedAt
        let earlier = try await CompetenceAssessment.query(on: req.db).filter(\.$volunteer.$id == assessment.$volunteer.id)
            .filter(\.$status == CompetenceAssessment.Status.completed.rawValue).filter(\.$id != assessment.requireID())
            .filter(\.$completedAt <= finished)
            .sort(\.$completedAt, .descending).first()
        let scored = try await Self.scored([assessment] + (earlier.map { [$0] } ?? []), req.application, on: req.db)
        return (scored[0], scored.count > 1 ? scored[1] : nil)
    }

    static func scoreText(_ score: Double?, _ language: Language) -> String? {
        score.map { NumberFormat.decimal($0, fractionDigits: 1, in: language) }
    }

    static func build(_ current: Scored, previous: Scored?, evidence: CompetenceEvidence, person: String, catalogue: Catalogue,
                      language: Language) -> Result {
        let dates = DateFormat(catalogue: catalogue)
        let model = current.model
        let size = 360.0, centre = 180.0, radius = 130.0
        let maximum = Double(CompetenceModel.scale.upperBound)
        let values = model.areas.map { current.scores.score($0.code) ?? 0 }
        let previousValues = previous.map { earlier in model.areas.map { earlier.scores.score($0.code) } }
        let rings = CompetenceModel.scale.map { level in
            RadarChart.points(Array(repeating: Double(level), count: model.areas.count), maximum: maximum, radius: radius, centre: centre)
        }
        let axes = model.areas.indices.map { index in
            let end = RadarChart.axisEnd(index: index, of: model.areas.count, radius: radius, centre: centre)
            let label = RadarChart.axisEnd(index: index, of: model.areas.count, radius: radius + 16, centre: centre)
            return Axis(number: index + 1, x2: end.x, y2: end.y, labelX: label.x, labelY: label.y + 4)
        }
        let rows = model.areas.enumerated().map { index, area in
            let score = current.scores.score(area.code)
            let before = previous?.scores.score(area.code)
            var change: String?
            if let score, let before {
                let difference = ((score - before) * 10).rounded() / 10
                change = difference == 0 ? catalogue.text("competence.no_change")
                    : (difference > 0 ? "+" : "") + NumberFormat.decimal(difference, fractionDigits: 1, in: language)
            }
            let band = score.map(CompetenceScores.band) ?? CompetenceModel.scale.lowerBound
            return Row(
                number: index + 1, name: catalogue.text(area.nameKey), keyCompetence: catalogue.text(area.keyCompetence.catalogueKey),
                score: scoreText(score, language) ?? "—", previous: previous == nil ? nil : (scoreText(before, language) ?? "—"), change: change,
                interpretation: catalogue.text("competence.band.\(band)"),
                hours: evidence.quarters[area.code].map { Membership.hoursText($0, in: language) },
                trainings: evidence.trainings[area.code]?.joined(separator: "; "),
                certificates: evidence.certificates[area.code]?.joined(separator: "; "),
                noEvidence: evidence.quarters[area.code] == nil && evidence.trainings[area.code] == nil && evidence.certificates[area.code] == nil)
        }
        let date = dates.longDate(current.assessment.completedAt ?? current.assessment.startedAt)
        let previousDate = previous.map { dates.longDate($0.assessment.completedAt ?? $0.assessment.startedAt) }
        return Result(
            person: person, date: date, previousDate: previousDate,
            intro: catalogue.text("competence.result_for", ["name": person, "date": date])
                + (previousDate.map { " " + catalogue.text("competence.compared_with", ["date": $0]) } ?? ""),
            caption: catalogue.text("competence.chart_caption") + (previousDate.map { " " + catalogue.text("competence.chart_previous", ["date": $0]) } ?? ""),
            version: catalogue.text("competence.version", ["version": model.version]),
            chart: Chart(size: Int(size), rings: rings, axes: axes,
                         current: RadarChart.points(values, maximum: maximum, radius: radius, centre: centre),
                         previous: previousValues.map { RadarChart.points($0.map { $0 ?? 0 }, maximum: maximum, radius: radius, centre: centre) }),
            rows: rows, basis: catalogue.text("competence.model_basis"))
    }

    // MARK: The volunteer's own result

    struct ResultPage: Encodable {
        let result: Result
        let suggestions: [CompetenceSuggestions.ForArea]
        let pdfHref: String
        let shareAction: String
        let sharedLink: String?
        let overviewHref: String
        let repeatAction: String
    }

    /// The signed-in volunteer's finished assessment of the path.
    static func ownFinished(_ req: Request) async throws -> CompetenceAssessment {
        let assessment = try await AssessmentController.own(req)
        guard assessment.isCompleted else { throw LocalizedAbort(.conflict, key: "competence.error.not_finished") }
        return assessment
    }

    func renderResult(_ req: Request, _ assessment: CompetenceAssessment, sharedLink: String? = nil) async throws -> Response {
        let user = try req.requireUser()
        let (current, previous) = try await Self.withPrevious(assessment, req)
        let evidence = try await CompetenceEvidence.load(for: try user.requireID(), on: req.db)
        let weak = current.scores.weakest(3).filter { (current.scores.score($0) ?? 0) < CompetenceSuggestions.threshold }
        let id = assessment.id?.uuidString ?? ""
        return try await req.render("competences/result", title: req.t("competence.result_title"), ResultPage(
            result: Self.build(current, previous: previous, evidence: evidence, person: user.displayName, catalogue: req.catalogue, language: req.language),
            suggestions: try await CompetenceSuggestions.suggest(areas: weak, model: current.model, for: user, req),
            pdfHref: SitePath.competencePDF(id).path, shareAction: SitePath.shareResult(id).path, sharedLink: sharedLink,
            overviewHref: SitePath.competences.path, repeatAction: SitePath.startAssessment.path), status: .ok)
    }

    @Sendable
    func result(req: Request) async throws -> Response {
        let assessment = try await AssessmentController.own(req)
        guard assessment.isCompleted else {
            return req.redirect(to: SitePath.assessmentArea(try assessment.requireID().uuidString, 1).path)
        }
        return try await renderResult(req, assessment)
    }

    // MARK: PDF

    @Sendable
    func pdf(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let assessment = try await Self.ownFinished(req)
        let (current, previous) = try await Self.withPrevious(assessment, req)
        let evidence = try await CompetenceEvidence.load(for: try user.requireID(), on: req.db)
        let result = Self.build(current, previous: previous, evidence: evidence, person: user.displayName, catalogue: req.catalogue, language: req.language)
        func t(_ key: String, _ arguments: [String: String] = [:]) -> String { req.t("competence.doc.\(key)", arguments) }
        var document = PDFDocument(title: t("title"))
        document.heading(t("title"), size: 15)
        document.paragraph(t("intro", ["name": result.person, "date": result.date]))
        if let previousDate = result.previousDate { document.paragraph(t("compared", ["date": previousDate]), size: 9.5) }
        document.paragraph(req.t("competence.scale_explained", ["low": req.t(CompetenceModel.scaleKey(1)), "high": req.t(CompetenceModel.scaleKey(5))]), size: 9.5)
        for row in result.rows {
            document.heading("\(row.number). \(row.name)", size: 11.5)
            var score = "\(row.score) / \(CompetenceModel.scale.upperBound)"
            if let previous = row.previous { score += " (" + t("previously", ["score": previous]) + ")" }
            document.field(t("score"), score)
            document.paragraph(row.interpretation, size: 9.5)
            if let hours = row.hours { document.field(t("hours"), hours) }
            if let trainings = row.trainings { document.field(t("trainings"), trainings) }
            if let certificates = row.certificates { document.field(t("certificates"), certificates) }
        }
        document.space(10)
        document.paragraph(result.basis + " " + result.version, size: 8.5)
        document.pageLabel = DocumentSeals.pageLabel(req)
        return DocumentSeals.pdfResponse(document.bytes(created: assessment.completedAt ?? Date()),
                                         name: "kompetencje-\((assessment.completedAt ?? Date()).formatted(.iso8601.year().month().day())).pdf")
    }

    // MARK: Sharing

    /// Makes a new link to the result; its address is shown once, on the page that answers.
    @Sendable
    func share(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let assessment = try await Self.ownFinished(req)
        _ = try req.formFields()
        let active = try await CompetenceShare.query(on: req.db).filter(\.$volunteer.$id == user.requireID()).filter(\.$revokedAt == nil).count()
        guard active < 20 else { throw LocalizedAbort(.tooManyRequests, key: "competence.error.too_many_links") }
        let token = SecureToken.generate()
        let link = CompetenceShare()
        link.$assessment.id = try assessment.requireID()
        link.$volunteer.id = try user.requireID()
        link.tokenHash = SecureToken.hash(token)
        link.createdAt = Date()
        try await link.create(on: req.db)
        await req.audit(.competenceShared, subject: "competence_share:\(try link.requireID())", details: "")
        return try await renderResult(req, assessment, sharedLink: req.application.settings.baseURL + SitePath.sharedResult(token).path)
    }

    @Sendable
    func revoke(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("shareID").flatMap(UUID.init(uuidString:)),
            let link = try await CompetenceShare.query(on: req.db).filter(\.$id == id).filter(\.$volunteer.$id == user.requireID()).first()
        else { throw LocalizedAbort(.notFound, key: "competence.error.link_not_found") }
        _ = try req.formFields()
        if link.revokedAt == nil {
            link.revokedAt = Date()
            try await link.save(on: req.db)
        }
        return req.redirect(to: SitePath.competences.path, notice: "competence_link_revoked")
    }

    struct SharedPage: Encodable {
        let heading: String
        let result: Result
    }

    /// The result as someone given the link sees it: this result alone (no earlier one to compare with, which
    /// was not shared), without suggestions, nothing to change.
    @Sendable
    func shared(req: Request) async throws -> Response {
        guard let token = req.parameters.get("token"), SecureToken.isWellFormed(token),
            let link = try await CompetenceShare.query(on: req.db).filter(\.$tokenHash == SecureToken.hash(token)).with(\.$assessment).with(\.$volunteer).first()
        else { throw LocalizedAbort(.notFound, key: "competence.error.link_not_found") }
        guard link.revokedAt == nil else { throw LocalizedAbort(.gone, key: "competence.error.link_revoked") }
        let current = try await Self.scored([link.assessment], req.application, on: req.db)[0]
        let evidence = try await CompetenceEvidence.load(for: link.$volunteer.id, on: req.db)
        let response = try await req.render("competences/shared", title: req.t("competence.shared_title", ["name": link.volunteer.displayName]), SharedPage(
            heading: req.t("competence.shared_heading", ["name": link.volunteer.displayName]),
            result: Self.build(current, previous: nil, evidence: evidence, person: link.volunteer.displayName, catalogue: req.catalogue,
                               language: req.language)), status: .ok)
        response.headers.replaceOrAdd(name: "X-Robots-Tag", value: "noindex")
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }
}
