import Fluent
import KorpusCore
import Vapor

/// Hours and membership over the JSON API, for holders of an access token: a volunteer's membership
/// status; an organisation's hour entries and their confirmation, many at once, by its coordinators.
struct HoursAPIController: RouteCollection {
    static let maximumBatch = 1000

    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(AccessTokenAuthenticator(), SignedInGuard())
        signedIn.get(APIPath.membership.components, use: membership)
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
        let volunteerID: UUID
        let workedOn: String
        let hours: Double
        let description: String
        let status: String
    }

    struct EntryList: Content {
        let items: [EntryDTO]
    }

    @Sendable
    func list(req: Request) async throws -> EntryList {
        let (organisation, _) = try await OrganisationsController.memberOrganisation(req)
        var query = HourEntry.query(on: req.db).filter(\.$organisation.$id == (try organisation.requireID()))
        if let text = try? req.query.get(String.self, at: "status"), !text.isEmpty {
            guard let status = HourEntry.Status(rawValue: text) else { throw LocalizedAbort(.badRequest, key: "api.error.status") }
            query = query.filter(\.$status == status.rawValue)
        }
        let limit = min(max((try? req.query.get(Int.self, at: "limit")) ?? 100, 1), Self.maximumBatch)
        let entries = try await query.sort(\.$workedOn, .descending).limit(limit).all()
        return EntryList(items: try entries.map {
            EntryDTO(id: try $0.requireID(), volunteerID: $0.$volunteer.id, workedOn: $0.workedOn, hours: QuarterHours.hours($0.quarterHours),
                     description: $0.description, status: $0.status)
        })
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
