import Fluent
import KorpusCore
import SQLKit
import Vapor

/// Anonymous statistics of self-assessments for partners: how competences change across the volunteers
/// engaged by organisations of the partner's area (the national operator sees the whole country). Only
/// groups of at least `CompetenceStatistics.minimumGroup` volunteers are shown; no person is named.
struct CompetenceStatisticsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(SignedInGuard()).get(SitePath.competenceStatistics.components, use: statistics)
    }

    struct Cell: Encodable {
        let value: String
    }

    struct PeriodRow: Encodable {
        let name: String
        let volunteers: Int
        let cells: [Cell]
    }

    struct StatisticsPage: Encodable {
        let scope: String
        let areas: [String]
        let periods: [PeriodRow]
        let change: PeriodRow?
        let intro: String
        let suppressed: String?
        let backHref: String
        let backLabel: String
    }

    /// The finished assessments, with their answers, of volunteers engaged by organisations in the area
    /// (everybody's for nil).
    static func results(in area: PartnerArea?, models: [CompetenceModel], on db: any Database) async throws -> [CompetenceStatistics.Result] {
        guard let sql = db as? any SQLDatabase else { return [] }
        var query: SQLQueryString = """
            SELECT a.id, a.volunteer_id, a.completed_at, a.model_version, s.statement, s.level
            FROM competence_assessments a JOIN competence_answers s ON s.assessment_id = a.id
            WHERE a.status = \(bind: CompetenceAssessment.Status.completed.rawValue)
            """
        if let area {
            var place: [SQLQueryString] = []
            if !area.voivodeships.isEmpty { place.append("o.voivodeship_code IN (" + DistanceSQL.list(Array(area.voivodeships)) + ")") }
            if !area.localities.isEmpty { place.append("o.locality_id IN (" + DistanceSQL.list(Array(area.localities)) + ")") }
            query += " AND a.volunteer_id IN (SELECT e.volunteer_id FROM engagements e JOIN organisations o ON o.id = e.organisation_id WHERE "
                + place.joined(separator: " OR ") + ")"
        }
        struct Answer: Decodable {
            let id: UUID
            let volunteer_id: UUID
            let completed_at: Date
            let model_version: String
            let statement: String
            let level: Int
        }
        var assessments: [UUID: (volunteer: UUID, month: YearMonth, version: String, answers: [String: Int])] = [:]
        for row in try await sql.raw(query).all(decoding: Answer.self) {
            assessments[row.id, default: (row.volunteer_id, YearMonth.current(row.completed_at), row.model_version, [:])].answers[row.statement] = row.level
        }
        return assessments.values.map { assessment in
            let model = CompetenceModel.version(assessment.version, from: models) ?? CompetenceModel.current(from: models)
            let scores = CompetenceScores(model: model, answers: assessment.answers)
            return CompetenceStatistics.Result(volunteer: assessment.volunteer.uuidString, month: assessment.month,
                                               scores: Dictionary(uniqueKeysWithValues: scores.byArea.compactMap { entry in entry.score.map { (entry.code, $0) } }))
        }
    }

    @Sendable
    func statistics(req: Request) async throws -> View {
        let user = try req.requireUser()
        let partners = try await PartnerOperator.partners(of: user, on: req.db)
        let area: PartnerArea? = user.isAdministrator ? nil : PartnerArea(partners)
        if let area, area.isEmpty { throw LocalizedAbort(.forbidden, key: "partner.error.not_operator") }
        let models = req.application.competenceModels
        let model = CompetenceModel.current(from: models)
        let codes = model.areas.map(\.code)
        let statistics = CompetenceStatistics(try await Self.results(in: area, models: models, on: req.db), areas: codes)
        let language = req.language
        func cells(_ means: [String: Double], signed: Bool = false) -> [Cell] {
            codes.map { code in
                guard let mean = means[code] else { return Cell(value: "—") }
                let text = NumberFormat.decimal(mean, fractionDigits: 1, in: language)
                return Cell(value: signed && (mean * 10).rounded() > 0 ? "+" + text : text)
            }
        }
        return try await req.render("competences/statistics", title: req.t("competence.stats.title"), StatisticsPage(
            scope: area == nil ? req.t("competence.stats.country") : partners.map(\.name).joined(separator: ", "),
            areas: model.areas.map { req.t($0.nameKey) },
            periods: statistics.periods.map { period in
                PeriodRow(name: req.t("competence.stats.half_\(period.halfYear.half)", ["year": String(period.halfYear.year)]),
                          volunteers: period.volunteers, cells: cells(period.means))
            },
            change: statistics.change.map { PeriodRow(name: req.t("competence.stats.change"), volunteers: $0.volunteers, cells: cells($0.means, signed: true)) },
            intro: req.t("competence.stats.intro", ["minimum": String(CompetenceStatistics.minimumGroup)]),
            suppressed: statistics.suppressedPeriods == 0 ? nil
                : req.t("competence.stats.suppressed", ["count": String(statistics.suppressedPeriods), "minimum": String(CompetenceStatistics.minimumGroup)]),
            backHref: (area == nil ? SitePath.admin : .partnerQueue).path, backLabel: req.t(area == nil ? "admin.title" : "partner.title")))
    }
}
