import Fluent
import KorpusCore
import Vapor

/// The JSON API of accounts and organisations, and the OpenAPI document that describes every API route.
struct APIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIPath.openAPI.components, use: openAPI).publicAccess()
        routes.get(APIPath.organisations.components, use: organisations).publicAccess()
        routes.get(APIPath.organisation("").components, use: organisation).publicAccess()
        routes.grouped(AccessTokenAuthenticator(), SignedInGuard()).get(APIPath.me.components, use: me)
    }

    struct Me: Content {
        struct Membership: Content {
            let organisationID: UUID
            let organisationName: String
            let role: String
        }

        let id: UUID
        let name: String
        let email: String
        let language: String
        let ageBand: String?
        let isAdministrator: Bool
        let isPartnerOperator: Bool
        let memberships: [Membership]
    }

    @Sendable
    func me(req: Request) async throws -> Me {
        let user = try req.requireUser()
        let id = try user.requireID()
        let memberships = try await OrganisationMembership.query(on: req.db).filter(\.$user.$id == id)
            .filter(\.$status == OrganisationMembership.Status.active.rawValue).with(\.$organisation).all()
        return Me(
            id: id, name: user.displayName, email: user.email, language: user.language, ageBand: user.ageBand?.rawValue,
            isAdministrator: user.isAdministrator, isPartnerOperator: try await PartnerOperator.isOperator(user, on: req.db),
            memberships: memberships.map {
                Me.Membership(organisationID: $0.$organisation.id, organisationName: $0.organisation.name, role: $0.role)
            })
    }

    struct OrganisationDTO: Content {
        let id: UUID
        let name: String
        let kind: String
        let description: String
        let locality: String
        let voivodeship: String
        let website: String?
        let contactEmail: String
        let krs: String?
        let nip: String?
        let regon: String?
    }

    struct OrganisationList: Content {
        let items: [OrganisationDTO]
        let total: Int
    }

    private func dto(_ organisation: Organisation, places: [Int: String]) throws -> OrganisationDTO {
        OrganisationDTO(
            id: try organisation.requireID(), name: organisation.name, kind: organisation.kind,
            description: organisation.description, locality: places[organisation.localityID] ?? "",
            voivodeship: organisation.voivodeshipCode, website: organisation.website, contactEmail: organisation.contactEmail,
            krs: organisation.krs, nip: organisation.nip, regon: organisation.regon)
    }

    @Sendable
    func organisations(req: Request) async throws -> OrganisationList {
        let input = try LocalitiesController.SearchInput(req, voivodeshipParameter: "voivodeship")
        let found = try await OrganisationQuery.verified(on: req.db, text: input.text, voivodeship: input.voivodeship, limit: 100)
        let places = try await OrganisationQuery.localityNames(for: found, on: req.db)
        return OrganisationList(items: try found.map { try dto($0, places: places) }, total: found.count)
    }

    @Sendable
    func organisation(req: Request) async throws -> OrganisationDTO {
        let organisation = try await OrganisationsController.publicOrganisation(req)
        let places = try await OrganisationQuery.localityNames(for: [organisation], on: req.db)
        return try dto(organisation, places: places)
    }

    @Sendable
    func openAPI(req: Request) async throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: try OpenAPIDocument.json()))
    }
}

/// JSON written by hand for the busiest answers, where `JSONEncoder` was a noticeable part of the time.
enum JSONText {
    /// `text` as a JSON string: quoted, with `"`, `\` and control characters escaped.
    static func quoted(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return "\"" + text + "\"" }
        var bytes: [UInt8] = [0x22]
        bytes.reserveCapacity(utf8.count + 16)
        let hex = Array("0123456789abcdef".utf8)
        for byte in utf8 {
            switch byte {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
            case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
            case ..<0x20: bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
        return String(decoding: bytes, as: UTF8.self)
    }
}
