import Fluent
import KorpusCore
import Vapor

/// Hours and membership over the JSON API, for holders of an access token: a volunteer's membership
/// status, entries and logging of hours (by the same rules as the time sheet); an organisation's hour
/// entries and their confirmation, many at once, by its coordinators.
struct HoursAPIController: RouteCollection {
    static let maximumBatch = 1000

    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(AccessTokenAuthenticator(), SignedInGuard())
        signedIn.get(APIPath.membership.components, use: membership)
        signedIn.get(APIPath.hours.components, use: myEntries)
        signedIn.post(APIPath.hours.components, use: log)
        signedIn.get(APIPath.organisationHours("").components, use: list)
        signedIn.post(APIPath.confirmHours("").components, use: confirm)
    }

    struct MonthDTO: Content {
        let month: String
        let hours: Double
        let requiredHours: Double
        let met: Bool
    }

    struct MembershipDTO: Content {
        /// not_started, entry_window, entry_missed, member or long_term.
        let state: String
        let since: String?
        let until: String?
        let run: Int
        let runRequired: Int
        let missingHoursThisMonth: Double
        let months: [MonthDTO]
    }

    @Sendable
    func membership(req: Request) async throws -> MembershipDTO {
        let progress = try await Membership.progress(of: try req.requireUser(), on: req.db)
        var since: String?, until: String?
        let state: String
        switch progress.state {
        case .notStarted: state = "not_started"
        case .entryWindow(let month): state = "entry_window"; until = month.description
        case .entryMissed(let month): state = "entry_missed"; until = month.description
        case .member(let month): state = "member"; since = month.description
        case .longTerm(let start, let completed): state = "long_term"; since = start.description; until = completed.description
        }
        return MembershipDTO(
            state: state, since: since, until: until, run: progress.run, runRequired: progress.runRequired,
            missingHoursThisMonth: QuarterHours.hours(progress.current.missingQuarterHours),
            months: progress.months.map {
                MonthDTO(month: $0.month.description, hours: QuarterHours.hours($0.quarterHours), requiredHours: QuarterHours.hours($0.requiredQuarterHours), met: $0.met)
            })
    }

    struct EntryDTO: Content {
        let id: UUID
        let engagementID: UUID
        let volunteerID: UUID
        let workedOn: String
        let hours: Double
        let description: String
        let status: String
    }

    struct EntryList: Content {
        let items: [EntryDTO]
    }

    static func dto(_ entry: HourEntry) throws -> EntryDTO {
        EntryDTO(id: try entry.requireID(), engagementID: entry.$engagement.id, volunteerID: entry.$volunteer.id, workedOn: entry.workedOn, hours: QuarterHours.hours(entry.quarterHours),
                 description: entry.description, status: entry.status)
    }

    /// The status filter and limit of a list (`?status=&limit=`).
    static func filtered(_ query: QueryBuilder<HourEntry>, _ req: Request) throws -> QueryBuilder<HourEntry> {
        var query = query
        if let text = try? req.query.get(String.self, at: "status"), !text.isEmpty {
            guard let status = HourEntry.Status(rawValue: text) else { throw LocalizedAbort(.badRequest, key: "api.error.status") }
            query = query.filter(\.$status == status.rawValue)
        }
        return query.sort(\.$workedOn, .descending).sort(\.$createdAt, .descending)
            .limit(min(max((try? req.query.get(Int.self, at: "limit")) ?? 100, 1), Self.maximumBatch))
    }

    /// The signed-in volunteer's own entries, newest first.
    @Sendable
    func myEntries(req: Request) async throws -> EntryList {
        let query = HourEntry.query(on: req.db).filter(\.$volunteer.$id == (try req.requireUser().requireID()))
        return EntryList(items: try await Self.filtered(query, req).all().map(Self.dto))
    }

    struct LogInput: Decodable {
        let engagementID: UUID
        let workedOn: String
        let hours: Double
        let description: String
        let competences: [String]?
    }

    /// Logs hours for one of the volunteer's engagements: the day, the quarter hours, the description and
    /// the daily limit are checked as on the time sheet; 201 with the entry, waiting for confirmation.
    @Sendable
    func log(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let input = try OffersAPIController.body(LogInput.self, req)
        guard let engagement = try await Engagement.query(on: req.db).filter(\.$id == input.engagementID)
            .filter(\.$volunteer.$id == (try user.requireID())).first()
        else { throw LocalizedAbort(.notFound, key: "hours.error.engagement") }
        var form = FormState(values: ["worked_on": input.workedOn, "hours": String(input.hours), "description": input.description.withoutNUL],
                             labelKeys: HoursController.labels)
        guard let checked = HoursController.checkedEntry(&form, engagement: engagement, req) else { throw OffersAPIController.refused(form) }
        let entry = try HourEntry(engagement: engagement, checked)
        entry.competences = CompetenceModel.stored(CompetenceTags.model(req).areaCodes((input.competences ?? []).joined(separator: ",")))
        if let already = try await HoursController.record(entry, on: req.db) {
            form.fail("hours", req.t("hours.error.daily_limit", ["hours": Membership.hoursText(already, req)]))
            throw OffersAPIController.refused(form)
        }
        return try await Self.dto(entry).encodeResponse(status: .created, for: req)
    }

    @Sendable
    func list(req: Request) async throws -> EntryList {
        let (organisation, _) = try await OrganisationsController.memberOrganisation(req)
        let query = HourEntry.query(on: req.db).filter(\.$organisation.$id == (try organisation.requireID()))
        return EntryList(items: try await Self.filtered(query, req).all().map(Self.dto))
    }

    struct ConfirmRequest: Decodable {
        let entries: [UUID]
    }

    struct ConfirmResult: Content {
        let confirmed: Int
    }

    @Sendable
    func confirm(req: Request) async throws -> ConfirmResult {
        let user = try req.requireUser()
        let (organisation, _) = try await OrganisationsController.memberOrganisation(req)
        let body = try OffersAPIController.body(ConfirmRequest.self, req)
        guard !body.entries.isEmpty, body.entries.count <= Self.maximumBatch else {
            throw LocalizedAbort(.unprocessableEntity, key: "hours.error.batch", ["max": String(Self.maximumBatch)])
        }
        try await HoursController.confirm(body.entries, organisation: try organisation.requireID(), by: try user.requireID(), on: req.db)
        return ConfirmResult(confirmed: Set(body.entries).count)
    }
}
