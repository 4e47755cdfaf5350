import Fluent
import KorpusCore
import SQLKit
import Vapor

/// The competence self-assessment: one area of the model per page with the progress shown, answers saved
/// with every page so the volunteer can pause and continue any time, without JavaScript. A paused
/// assessment continues in the model in force (answers to statements both versions have are kept).
struct AssessmentController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInGuard())
        signedIn.get(SitePath.competences.components, use: overview)
        signedIn.post(SitePath.startAssessment.components, use: start)
        signedIn.get(SitePath.assessmentArea("", 0).components, use: areaPage)
        signedIn.post(SitePath.assessmentArea("", 0).components, use: answer)
        signedIn.post(SitePath.tagTraining("").components, use: tagTraining)
    }

    // MARK: Loading

    /// The answers of an assessment, by statement code.
    static func answers(of assessmentIDs: [UUID], on db: any Database) async throws -> [UUID: [String: Int]] {
        guard !assessmentIDs.isEmpty else { return [:] }
        var answers: [UUID: [String: Int]] = [:]
        for answer in try await CompetenceAnswer.query(on: db).filter(\.$assessment.$id ~~ assessmentIDs).all() {
            answers[answer.$assessment.id, default: [:]][answer.statement] = answer.level
        }
        return answers
    }

    /// The model an assessment is answered in (the current one if its version is unknown here).
    static func model(of assessment: CompetenceAssessment, _ app: Application) -> CompetenceModel {
        CompetenceModel.version(assessment.modelVersion, from: app.competenceModels) ?? CompetenceModel.current(from: app.competenceModels)
    }

    /// The signed-in person's own assessment of the path; anyone else's answers "not found".
    static func own(_ req: Request, parameter: String = "assessmentID") async throws -> CompetenceAssessment {
        let user = try req.requireUser()
        guard let id = req.parameters.get(parameter).flatMap(UUID.init(uuidString:)),
            let assessment = try await CompetenceAssessment.query(on: req.db).filter(\.$id == id)
                .filter(\.$volunteer.$id == user.requireID()).first()
        else { throw LocalizedAbort(.notFound, key: "competence.error.not_found") }
        return assessment
    }

    /// Moves a paused assessment to the model now in force; true when it did.
    static func followCurrentModel(_ assessment: CompetenceAssessment, _ req: Request) async throws -> Bool {
        let current = CompetenceModel.current(from: req.application.competenceModels)
        guard !assessment.isCompleted, assessment.modelVersion != current.version else { return false }
        assessment.modelVersion = current.version
        assessment.updatedAt = Date()
        try await assessment.save(on: req.db)
        return true
    }

    // MARK: Overview

    struct AreaSummary: Encodable {
        let name: String
        let about: String
        let keyCompetence: String
    }

    struct PastResult: Encodable {
        let date: String
        let href: String
    }

    struct ShareRow: Encodable {
        let text: String
        let revokeAction: String
    }

    struct HoursByArea: Encodable {
        let area: String
        let hours: String
    }

    struct TrainingRow: Encodable {
        let id: String
        let title: String
        let completed: String
        let action: String
        let areas: [CompetenceTags.Choice]
    }

    struct OverviewPage: Encodable {
        let basis: String
        let version: String
        let areas: [AreaSummary]
        let inProgress: String?
        let startAction: String
        let results: [PastResult]
        let shares: [ShareRow]
        let hours: [HoursByArea]
        let trainings: [TrainingRow]
    }

    @Sendable
    func overview(req: Request) async throws -> View {
        let user = try req.requireUser()
        let userID = try user.requireID()
        let model = CompetenceModel.current(from: req.application.competenceModels)
        let assessments = try await CompetenceAssessment.query(on: req.db).filter(\.$volunteer.$id == userID)
            .sort(\.$startedAt, .descending).all()
        let open = assessments.first { !$0.isCompleted }
        var inProgress: String?
        if let open, let openID = open.id {
            let answered = try await Self.answers(of: [openID], on: req.db)[openID] ?? [:]
            let statements = Self.model(of: open, req.application).statementCodes
            inProgress = req.t("competence.in_progress", ["answered": String(statements.filter { answered[$0] != nil }.count),
                                                          "total": String(statements.count)])
        }
        let dates = DateFormat(catalogue: req.catalogue)
        let completed = assessments.filter(\.isCompleted).sorted { ($0.completedAt ?? $0.startedAt) > ($1.completedAt ?? $1.startedAt) }
        let shares = try await CompetenceShare.query(on: req.db).filter(\.$volunteer.$id == userID).filter(\.$revokedAt == nil)
            .with(\.$assessment).sort(\.$createdAt, .descending).all()
        let evidence = try await CompetenceEvidence.load(for: userID, on: req.db)
        let registrations = try await EventRegistration.query(on: req.db).filter(\.$user.$id == userID)
            .filter(\.$certificateIssuedAt != nil).with(\.$event).sort(\.$certificateIssuedAt, .descending).all()
        return try await req.render("competences/overview", title: req.t("competence.title"), OverviewPage(
            basis: req.t("competence.model_basis"), version: req.t("competence.version", ["version": model.version]),
            areas: model.areas.map {
                AreaSummary(name: req.t($0.nameKey), about: req.t($0.aboutKey), keyCompetence: req.t($0.keyCompetence.catalogueKey))
            },
            inProgress: inProgress, startAction: SitePath.startAssessment.path,
            results: completed.map {
                PastResult(date: dates.longDate($0.completedAt ?? $0.startedAt), href: SitePath.competenceResult($0.id?.uuidString ?? "").path)
            },
            shares: shares.map {
                ShareRow(text: req.t("competence.link_row", ["result": dates.longDate($0.assessment.completedAt ?? $0.assessment.startedAt),
                                                             "created": dates.shortDateTime($0.createdAt)]),
                         revokeAction: SitePath.revokeShare($0.id?.uuidString ?? "").path)
            },
            hours: model.areas.compactMap { area in
                evidence.quarters[area.code].map { HoursByArea(area: req.t(area.nameKey), hours: Membership.hoursText($0, req)) }
            },
            trainings: registrations.map { registration in
                let id = registration.id?.uuidString ?? ""
                return TrainingRow(
                    id: id, title: registration.event.title,
                    completed: registration.certificateIssuedAt.map { dates.longDate($0) } ?? "",
                    action: SitePath.tagTraining(id).path,
                    areas: CompetenceTags.choices(registration.competences ?? registration.event.competences, req))
            }))
    }

    // MARK: Taking it

    /// Starts an assessment, or continues the one in progress at its first page with an unanswered statement.
    @Sendable
    func start(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let userID = try user.requireID()
        _ = try req.formFields()
        var assessment = try await CompetenceAssessment.query(on: req.db).filter(\.$openFor == userID).first()
        var changed = false
        if let open = assessment {
            changed = try await Self.followCurrentModel(open, req)
        } else {
            let created = CompetenceAssessment()
            created.$volunteer.id = userID
            created.modelVersion = CompetenceModel.current(from: req.application.competenceModels).version
            created.status = CompetenceAssessment.Status.inProgress.rawValue
            created.openFor = userID
            created.startedAt = Date()
            created.updatedAt = created.startedAt
            do {
                try await created.create(on: req.db)
                assessment = created
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // Started at the same instant elsewhere: continue that one.
                assessment = try await CompetenceAssessment.query(on: req.db).filter(\.$openFor == userID).first()
            }
        }
        guard let assessment, let id = assessment.id else { throw LocalizedAbort(.conflict, key: "competence.error.not_found") }
        let model = Self.model(of: assessment, req.application)
        let answered = try await Self.answers(of: [id], on: req.db)[id] ?? [:]
        let page = Self.firstOpenArea(model, answered)
        let path = SitePath.assessmentArea(id.uuidString, page).path
        return changed ? req.redirect(to: path, notice: "competence_model_changed") : req.redirect(to: path)
    }

    /// The number (from 1) of the first area with a statement not yet answered; the last when all are.
    static func firstOpenArea(_ model: CompetenceModel, _ answers: [String: Int]) -> Int {
        let index = model.areas.firstIndex { area in (1...area.statements).contains { answers[area.statementCode($0)] == nil } }
        return (index ?? model.areas.count - 1) + 1
    }

    struct Choice: Encodable {
        let level: Int
        let label: String
        let checked: Bool
    }

    struct StatementField: Encodable {
        let field: String
        let text: String
        let choices: [Choice]
        let error: String?
    }

    struct AreaPage: Encodable {
        let form: FormState
        let action: String
        let version: String
        let number: Int
        let count: Int
        let progress: String
        let name: String
        let about: String
        let keyCompetence: String
        let statements: [StatementField]
        let isFirst: Bool
        let isLast: Bool
        let changedNotice: String?
    }

    static func field(_ statement: String) -> String { "s_" + statement.replacingOccurrences(of: ".", with: "_") }

    func renderArea(_ req: Request, _ assessment: CompetenceAssessment, number: Int, answers: [String: Int], form: FormState,
                    changed: Bool = false, status: HTTPResponseStatus = .ok) async throws -> Response {
        let model = Self.model(of: assessment, req.application)
        let area = model.areas[number - 1]
        let id = assessment.id?.uuidString ?? ""
        return try await req.render("competences/area", title: req.t("competence.area_title", ["name": req.t(area.nameKey)]), AreaPage(
            form: form, action: SitePath.assessmentArea(id, number).path, version: model.version, number: number, count: model.areas.count,
            progress: req.t("competence.progress", ["number": String(number), "count": String(model.areas.count)]),
            name: req.t(area.nameKey), about: req.t(area.aboutKey), keyCompetence: req.t(area.keyCompetence.catalogueKey),
            statements: (1...area.statements).map { index in
                let code = area.statementCode(index)
                let field = Self.field(code)
                let chosen = form.values[field].flatMap(Int.init) ?? answers[code]
                return StatementField(field: field, text: req.t(area.statementKey(index)), choices: CompetenceModel.scale.map { level in
                    Choice(level: level, label: req.t(CompetenceModel.scaleKey(level)), checked: chosen == level)
                }, error: form.errors[field])
            },
            isFirst: number == 1, isLast: number == model.areas.count,
            changedNotice: changed ? req.t("competence.model_changed_info", ["version": model.version]) : nil), status: status)
    }

    /// The page number of the path, within the assessment's model.
    static func number(_ req: Request, _ model: CompetenceModel) throws -> Int {
        guard let number = req.parameters.get("area").flatMap(Int.init), (1...model.areas.count).contains(number) else {
            throw LocalizedAbort(.notFound, key: "competence.error.no_area")
        }
        return number
    }

    @Sendable
    func areaPage(req: Request) async throws -> Response {
        let assessment = try await Self.own(req)
        guard !assessment.isCompleted else {
            return req.redirect(to: SitePath.competenceResult(assessment.id?.uuidString ?? "").path)
        }
        let changed = try await Self.followCurrentModel(assessment, req)
        let model = Self.model(of: assessment, req.application)
        let id = try assessment.requireID()
        let answers = try await Self.answers(of: [id], on: req.db)[id] ?? [:]
        let requested = req.parameters.get("area").flatMap(Int.init) ?? 1
        guard (1...model.areas.count).contains(requested) else {
            if changed { return req.redirect(to: SitePath.assessmentArea(id.uuidString, Self.firstOpenArea(model, answers)).path, notice: "competence_model_changed") }
            throw LocalizedAbort(.notFound, key: "competence.error.no_area")
        }
        return try await renderArea(req, assessment, number: requested, answers: answers, form: FormState(labelKeys: [:]), changed: changed)
    }

    /// Saves one page's answers. Levels out of the scale are refused with the page shown again (what was
    /// saved before stays); a page sent from a version of the model no longer in force is refused the same
    /// way, with the earlier answers kept. "Next" needs every statement of the page answered; "back" and
    /// "continue later" save what there is.
    @Sendable
    func answer(req: Request) async throws -> Response {
        let assessment = try await Self.own(req)
        guard !assessment.isCompleted else { throw LocalizedAbort(.conflict, key: "competence.error.completed") }
        let id = try assessment.requireID()
        let fields = try req.formFields()
        let changed = try await Self.followCurrentModel(assessment, req)
        let model = Self.model(of: assessment, req.application)
        var saved = try await Self.answers(of: [id], on: req.db)[id] ?? [:]
        guard fields["version"] == model.version else {
            let number = min(req.parameters.get("area").flatMap(Int.init) ?? 1, model.areas.count)
            var form = FormState(labelKeys: [:])
            form.fail("version", req.t("competence.error.model_changed", ["version": model.version]))
            return try await renderArea(req, assessment, number: max(1, number), answers: saved, form: form, changed: changed, status: .conflict)
        }
        let number = try Self.number(req, model)
        let area = model.areas[number - 1]
        var form = FormState(values: fields, labelKeys: [:])
        var levels: [String: Int] = [:]
        for index in 1...area.statements {
            let code = area.statementCode(index)
            let value = form.value(Self.field(code))
            guard !value.isEmpty else { continue }
            if let level = Int(value), model.accepts(statement: code, level: level) {
                levels[code] = level
            } else {
                form.fail(Self.field(code), req.t("competence.error.scale"))
            }
        }
        guard form.isValid else {
            return try await renderArea(req, assessment, number: number, answers: saved, form: form, status: .unprocessableEntity)
        }
        try await Self.save(levels, to: id, on: req.db)
        saved.merge(levels) { _, new in new }
        let go = form.value("go")
        if go == "back" { return req.redirect(to: SitePath.assessmentArea(id.uuidString, max(1, number - 1)).path) }
        if go == "pause" { return req.redirect(to: SitePath.competences.path, notice: "competence_paused") }
        let missing = (1...area.statements).map(area.statementCode).filter { saved[$0] == nil }
        guard missing.isEmpty else {
            var incomplete = FormState(values: fields, labelKeys: [:])
            for code in missing { incomplete.fail(Self.field(code), req.t("competence.error.unanswered")) }
            return try await renderArea(req, assessment, number: number, answers: saved, form: incomplete, status: .unprocessableEntity)
        }
        if number < model.areas.count { return req.redirect(to: SitePath.assessmentArea(id.uuidString, number + 1).path) }
        guard CompetenceScores.isComplete(model: model, answers: saved) else {
            return req.redirect(to: SitePath.assessmentArea(id.uuidString, Self.firstOpenArea(model, saved)).path, notice: "competence_incomplete")
        }
        // Finished once: the update applies only while it is still in progress.
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let now = Date()
        try await sql.update(CompetenceAssessment.schema)
            .set("status", to: CompetenceAssessment.Status.completed.rawValue).set("open_for", to: SQLLiteral.null)
            .set("completed_at", to: now).set("updated_at", to: now)
            .where("id", .equal, id).where("status", .equal, CompetenceAssessment.Status.inProgress.rawValue).run()
        return req.redirect(to: SitePath.competenceResult(id.uuidString).path, notice: "competence_completed")
    }

    /// Writes answers, replacing earlier answers to the same statements.
    static func save(_ levels: [String: Int], to assessmentID: UUID, on db: any Database) async throws {
        guard !levels.isEmpty, let sql = db as? any SQLDatabase else { return }
        let now = Date()
        let insert = sql.insert(into: CompetenceAnswer.schema).columns("id", "assessment_id", "statement", "level", "answered_at")
        for (statement, level) in levels.sorted(by: { $0.key < $1.key }) {
            insert.values(SQLBind(UUID()), SQLBind(assessmentID), SQLBind(statement), SQLBind(level), SQLBind(now))
        }
        try await insert.onConflict(with: ["assessment_id", "statement"]) { $0.set(excludedValueOf: "level").set(excludedValueOf: "answered_at") }.run()
        try await sql.update(CompetenceAssessment.schema).set("updated_at", to: now).where("id", .equal, assessmentID).run()
    }

    // MARK: Trainings as evidence

    /// The volunteer says which competences a completed training let them practise.
    @Sendable
    func tagTraining(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("registrationID").flatMap(UUID.init(uuidString:)),
            let registration = try await EventRegistration.query(on: req.db).filter(\.$id == id).filter(\.$user.$id == user.requireID()).first()
        else { throw LocalizedAbort(.notFound, key: "competence.error.training_not_found") }
        guard registration.certificateIssuedAt != nil else { throw LocalizedAbort(.conflict, key: "competence.error.training_not_completed") }
        registration.competences = CompetenceTags.chosen(FormState(values: try req.formFields()), req) ?? ""
        try await registration.save(on: req.db)
        return req.redirect(to: SitePath.competences.path, notice: "competence_training_tagged")
    }
}
