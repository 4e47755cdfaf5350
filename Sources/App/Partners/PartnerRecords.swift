import Fluent
import KorpusCore
import SQLKit
import Vapor

/// A partner of the programme: a regional partner for a whole voivodeship, or a local partner for a set
/// of localities (powiats' towns and villages).
final class Partner: Model, @unchecked Sendable {
    static let schema = "partners"

    enum Kind: String, Codable {
        case regional, local
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    @Field(key: "voivodeship_code") var voivodeshipCode: String
    @Field(key: "created_at") var createdAt: Date
    @Children(for: \.$partner) var localities: [PartnerLocality]

    init() {}

    init(kind: Kind, name: String, voivodeship: Voivodeship) {
        self.kind = kind.rawValue
        self.name = name
        self.voivodeshipCode = voivodeship.terytCode
        self.createdAt = Date()
    }
}

final class PartnerLocality: Model, @unchecked Sendable {
    static let schema = "partner_localities"

    @ID(key: .id) var id: UUID?
    @Parent(key: "partner_id") var partner: Partner
    @Field(key: "locality_id") var localityID: Int

    init() {}
}

/// A person who acts for a partner: verifies organisations in its area, runs its trainings and calls.
final class PartnerOperator: Model, @unchecked Sendable {
    static let schema = "partner_operators"

    @ID(key: .id) var id: UUID?
    @Parent(key: "partner_id") var partner: Partner
    @Parent(key: "user_id") var user: User
    @Field(key: "created_at") var createdAt: Date

    init() {}

    static func isOperator(_ user: User, on db: any Database) async throws -> Bool {
        guard let id = user.id else { return false }
        return try await PartnerOperator.query(on: db).filter(\.$user.$id == id).count() > 0
    }

    /// The partners the person operates for, with their localities.
    static func partners(of user: User, on db: any Database) async throws -> [Partner] {
        guard let id = user.id else { return [] }
        return try await PartnerOperator.query(on: db).filter(\.$user.$id == id)
            .with(\.$partner) { $0.with(\.$localities) }.all().map(\.partner)
    }
}

/// Where a partner may act.
struct PartnerArea {
    let voivodeships: Set<String>
    let localities: Set<Int>

    init(_ partners: [Partner]) {
        var voivodeships = Set<String>()
        var localities = Set<Int>()
        for partner in partners {
            if partner.kind == Partner.Kind.regional.rawValue {
                voivodeships.insert(partner.voivodeshipCode)
            } else {
                localities.formUnion(partner.localities.map(\.localityID))
            }
        }
        self.voivodeships = voivodeships
        self.localities = localities
    }

    var isEmpty: Bool { voivodeships.isEmpty && localities.isEmpty }

    func covers(_ organisation: Organisation) -> Bool {
        voivodeships.contains(organisation.voivodeshipCode) || localities.contains(organisation.localityID)
    }
}

struct CreatePartners: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Partner.schema)
            .id()
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("voivodeship_code", .string, .required, .references(VoivodeshipRecord.schema, "code"))
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(PartnerLocality.schema)
            .id()
            .field("partner_id", .uuid, .required, .references(Partner.schema, "id", onDelete: .cascade))
            .field("locality_id", .int, .required, .references(LocalityRecord.schema, "id"))
            .unique(on: "partner_id", "locality_id")
            .create()
        try await database.schema(PartnerOperator.schema)
            .id()
            .field("partner_id", .uuid, .required, .references(Partner.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .unique(on: "partner_id", "user_id")
            .create()
        if let sql = database as? any SQLDatabase {
            // One regional partner per voivodeship.
            try await sql.raw("CREATE UNIQUE INDEX partners_one_regional_idx ON partners (voivodeship_code) WHERE kind = 'regional'").run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [PartnerOperator.schema, PartnerLocality.schema, Partner.schema] {
            try await database.schema(schema).delete()
        }
    }
}
