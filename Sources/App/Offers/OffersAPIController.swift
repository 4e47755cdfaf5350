import Fluent
import KorpusCore
import Vapor

/// SOW over the JSON API (`/api/v1`): the offer search and an offer for everybody; for holders of an access
/// token, coordinators' offers and the applications of both sides. Every rule is the pages' rule: the same
/// form checks (`OfferForm`) and the same application steps (`ApplicationFlow`).
struct OffersAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIPath.offers.components, use: apiSearch).publicAccess()
        routes.get(APIPath.offer("").components, use: apiOffer).publicAccess()
        let signedIn = routes.grouped(AccessTokenAuthenticator(), SignedInGuard())
        signedIn.post(APIPath.organisationOffers("").components, use: createOffer)
        signedIn.put(APIPath.offer("").components, use: updateOffer)
        signedIn.get(APIPath.offerApplications("").components, use: offerApplications)
        signedIn.post(APIPath.offerApplications("").components, use: apply)
        signedIn.get(APIPath.applications.components, use: myApplications)
        signedIn.post(APIPath.applicationState("").components, use: changeApplication)
    }

    struct OfferDTO: Content {
        let id: UUID
        let title: String
        let description: String
        let organisation: String
        let organisationID: UUID
        let area: String
        let skills: [String]
        let schedule: String
        let startsOn: String?
        let endsOn: String?
        let weeklySlots: [String]
        let hoursPerWeek: Int
        let locality: String?
        let voivodeship: String?
        let remote: Bool
        let volunteersNeeded: Int
        let minimumAge: Int
        let minorsWelcome: Bool
        let involvesChildren: Bool
        let accessible: Bool
        let recruitmentDeadline: String?
        let status: String
        let distanceKm: Double?
    }

    struct OfferList: Content {
        let items: [OfferDTO]
        let total: Int
        let page: Int
        let pageSize: Int
    }

    static func dto(_ offer: OfferSummary, distance: Double?) -> OfferDTO {
        OfferDTO(
            id: offer.id, title: offer.title, description: offer.description, organisation: offer.organisationName,
            organisationID: offer.organisationId, area: offer.area, skills: offer.skillList, schedule: offer.schedule,
            startsOn: offer.startsOn, endsOn: offer.endsOn, weeklySlots: WeeklySlot.list(offer.weeklySlots).map(\.code),
            hoursPerWeek: offer.hoursPerWeek, locality: offer.localityName, voivodeship: offer.voivodeshipCode,
            remote: offer.remote, volunteersNeeded: offer.volunteersNeeded, minimumAge: offer.minimumAge, minorsWelcome: offer.minorsWelcome,
            involvesChildren: offer.involvesChildren, accessible: offer.accessible, recruitmentDeadline: offer.recruitmentDeadline,
            status: offer.status, distanceKm: distance.map(roundedDistance))
    }

    /// An `OfferList`, written from the JSON of each offer that the search remembers with it (the distance
    /// added to it), so a search encodes only what is new.
    @Sendable
    func apiSearch(req: Request) async throws -> Response {
        let filter = try await OfferFilter.parse(req, api: true)
        let result = try await OfferSearch.search(filter, memory: req.application.memoryIndexes, on: req.db)
        let encoder = JSONEncoder()
        var body = ByteBuffer()
        body.writeString(#"{"items":["#)
        for (index, offer) in result.offers.enumerated() {
            if index > 0 { body.writeString(",") }
            try Self.write(offer, json: result.remembered[offer.id]?.json, distance: result.distances[offer.id], into: &body, encoder: encoder)
        }
        body.writeString(#"],"total":\#(result.total),"page":\#(filter.page),"pageSize":\#(OfferFilter.pageSize)}"#)
        return Self.jsonResponse(body)
    }

    /// An `OfferDTO` written from its remembered JSON (encoded now when there is none), with the distance.
    static func write(_ offer: OfferSummary, json: [UInt8]?, distance: Double?, into body: inout ByteBuffer, encoder: JSONEncoder) throws {
        let json = try json ?? Array(encoder.encode(dto(offer, distance: nil)))
        if let distance {
            // The object without its closing brace, then the distance.
            body.writeBytes(json.dropLast())
            body.writeString(#","distanceKm":"# + String(roundedDistance(distance)) + "}")
        } else {
            body.writeBytes(json)
        }
    }

    static func jsonResponse(_ body: ByteBuffer) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(buffer: body))
    }

    static func roundedDistance(_ kilometres: Double) -> Double { (kilometres * 10).rounded() / 10 }

    @Sendable
    func apiOffer(req: Request) async throws -> OfferDTO {
        guard let id = req.parameters.get("offerID").flatMap(UUID.init(uuidString:)),
            let offer = try await OfferSummary.load([id], on: req.db).first,
            offer.status != Offer.Status.draft.rawValue, offer.hiddenReason == nil, offer.organisationStatus == Organisation.Status.verified.rawValue
        else { throw LocalizedAbort(.notFound, key: "offer.error.not_found") }
        return Self.dto(offer, distance: nil)
    }

    // MARK: coordinators' offers

    /// One value of a JSON body: text, a number, a yes/no, or a list of texts.
    enum FieldValue: Decodable {
        case text(String), number(Double), flag(Bool), list([String])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) { self = .flag(flag) }
            else if let number = try? container.decode(Double.self) { self = .number(number) }
            else if let text = try? container.decode(String.self) { self = .text(text) }
            else { self = .list(try container.decode([String].self)) }
        }
    }

    /// The fields of a JSON object as the offer form has them: yes/no as a checked box, numbers as text,
    /// `weekly_slots` as one box per slot, other lists joined with commas.
    static func formValues(_ req: Request) throws -> [String: String] {
        let body = try Self.body([String: FieldValue].self, req)
        guard body.count <= 100 else { throw LocalizedAbort(.badRequest, key: "api.error.body") }
        var values: [String: String] = [:]
        for (key, value) in body {
            switch value {
            case .text(let text): values[key] = text.withoutNUL
            case .number(let number):
                values[key] = number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
            case .flag(let flag): if flag { values[key] = "on" }
            case .list(let items) where key == "weekly_slots": for code in items.prefix(50) { values["slot_" + code] = "on" }
            case .list(let items): values[key] = items.joined(separator: ", ").withoutNUL
            }
        }
        return values
    }

    /// The JSON body of a request: anything else is refused (415), and so is JSON of another shape (400).
    static func body<Body: Decodable>(_ type: Body.Type, _ req: Request) throws -> Body {
        guard req.headers.contentType == .json else { throw LocalizedAbort(.unsupportedMediaType, key: "error.status.415.detail") }
        do { return try req.content.decode(type) } catch { throw LocalizedAbort(.badRequest, key: "api.error.body") }
    }

    static func refused(_ form: FormState) -> LocalizedAbort {
        LocalizedAbort(.unprocessableEntity, key: "api.error.fields", fieldErrors: form.errors)
    }

    @Sendable
    func createOffer(req: Request) async throws -> Response {
        let organisation = try await OffersController.coordinatedOrganisation(req)
        guard organisation.isVerified else { throw LocalizedAbort(.forbidden, key: "offer.error.unverified") }
        var form = FormState(values: try Self.formValues(req), labelKeys: OfferForm.labels)
        guard let offer = try await OfferForm.create(&form, in: organisation, req) else { throw Self.refused(form) }
        let response = try await Self.view(of: offer, req).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: APIPath.offer(try offer.requireID().uuidString).path)
        return response
    }

    @Sendable
    func updateOffer(req: Request) async throws -> OfferDTO {
        let offer = try await OffersController.coordinatedOffer(req)
        var form = FormState(values: try Self.formValues(req), labelKeys: OfferForm.labels)
        guard try await OfferForm.update(&form, offer, req) else { throw Self.refused(form) }
        return try await Self.view(of: offer, req)
    }

    static func view(of offer: Offer, _ req: Request) async throws -> OfferDTO {
        guard let summary = try await OfferSummary.load([try offer.requireID()], on: req.db).first else {
            throw LocalizedAbort(.notFound, key: "offer.error.not_found")
        }
        return dto(summary, distance: nil)
    }

    // MARK: applications

    struct ApplicationDTO: Content {
        let id: UUID
        let offerID: UUID
        let offerTitle: String
        let volunteerName: String
        /// Only for the offer's coordinators.
        let volunteerEmail: String?
        let message: String
        let status: String
        let reason: String?
        let createdAt: Date
        let decidedAt: Date?
    }

    struct ApplicationList: Content {
        let items: [ApplicationDTO]
        let total: Int
    }

    static func dto(_ application: OfferApplication, forCoordinator: Bool) throws -> ApplicationDTO {
        ApplicationDTO(
            id: try application.requireID(), offerID: application.$offer.id, offerTitle: application.offer.title,
            volunteerName: application.volunteer.displayName, volunteerEmail: forCoordinator ? application.volunteer.email : nil,
            message: application.message, status: application.status, reason: application.reason,
            createdAt: application.createdAt, decidedAt: application.decidedAt)
    }

    @Sendable
    func offerApplications(req: Request) async throws -> ApplicationList {
        let offer = try await OffersController.coordinatedOffer(req)
        let query = OfferApplication.query(on: req.db).filter(\.$offer.$id == (try offer.requireID())).with(\.$offer).with(\.$volunteer).sort(\.$createdAt)
        if let status = try OffersController.statusFilter(req, parameter: "status") { query.filter(\.$status == status.rawValue) }
        let applications = try await query.all()
        return ApplicationList(items: try applications.map { try Self.dto($0, forCoordinator: true) }, total: applications.count)
    }

    @Sendable
    func myApplications(req: Request) async throws -> ApplicationList {
        let user = try req.requireUser()
        let query = OfferApplication.query(on: req.db).filter(\.$volunteer.$id == (try user.requireID())).with(\.$offer).with(\.$volunteer)
            .sort(\.$createdAt, .descending)
        if let status = try OffersController.statusFilter(req, parameter: "status") { query.filter(\.$status == status.rawValue) }
        let applications = try await query.all()
        return ApplicationList(items: try applications.map { try Self.dto($0, forCoordinator: false) }, total: applications.count)
    }

    struct ApplyInput: Content {
        let message: String?
    }

    @Sendable
    func apply(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let (offer, _, _) = try await OffersController.visibleOffer(req)
        let input = try Self.body(ApplyInput.self, req)
        let application = try await ApplicationFlow.apply(user, to: offer, message: (input.message ?? "").withoutNUL, req)
        application.$offer.value = offer
        application.$volunteer.value = user
        let response = try await Self.dto(application, forCoordinator: false).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: APIPath.applications.path)
        return response
    }

    struct StateInput: Content {
        let status: String
        let reason: String?
    }

    /// The volunteer withdraws; a coordinator of the offer accepts, puts on the reserve list or declines.
    @Sendable
    func changeApplication(req: Request) async throws -> ApplicationDTO {
        let input = try Self.body(StateInput.self, req)
        guard let status = OfferApplication.Status(rawValue: input.status) else { throw LocalizedAbort(.badRequest, key: "api.error.status") }
        if status == .withdrawn {
            let application = try await ApplicationFlow.ownApplication(req)
            try await ApplicationFlow.withdraw(application, req)
            return try Self.dto(application, forCoordinator: false)
        }
        let application = try await ApplicationFlow.coordinatedApplication(req)
        try await ApplicationFlow.decide(application, status, reason: (input.reason ?? "").withoutNUL, req)
        return try Self.dto(application, forCoordinator: true)
    }
}
