import Fluent
import SQLKit
import KorpusCore
import Vapor

/// An organiser of volunteering: an NGO, a public institution, a school, a church entity, a company
/// with employee volunteering or an informal group.
final class Organisation: Model, @unchecked Sendable {
    static let schema = "organisations"

    enum Kind: String, Codable, CaseIterable {
        case foundation, association, otherNGO = "other_ngo", publicInstitution = "public_institution", school
        case churchEntity = "church_entity", company, informalGroup = "informal_group"

        /// Which registry numbers the type has: a foundation or association is in KRS and has NIP and
        /// REGON; an informal group has none.
        var requiresKRS: Bool { self == .foundation || self == .association }
        var requiresNIPAndREGON: Bool { self != .informalGroup }
    }

    enum Status: String, Codable, CaseIterable {
        case pending, verified, rejected, suspended
    }

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: String
    @OptionalField(key: "krs") var krs: String?
    @OptionalField(key: "nip") var nip: String?
    @OptionalField(key: "regon") var regon: String?
    @Field(key: "street") var street: String
    @Field(key: "postal_code") var postalCode: String
    @Field(key: "locality_id") var localityID: Int
    @Field(key: "voivodeship_code") var voivodeshipCode: String
    @Field(key: "description") var description: String
    @OptionalField(key: "website") var website: String?
    @Field(key: "contact_email") var contactEmail: String
    @OptionalField(key: "contact_phone") var contactPhone: String?
    @OptionalField(key: "logo_file") var logoFile: String?
    @OptionalField(key: "logo_type") var logoType: String?
    @Field(key: "status") var status: String
    @OptionalField(key: "status_reason") var statusReason: String?
    @OptionalField(key: "verified_by") var verifiedBy: UUID?
    @OptionalField(key: "verified_at") var verifiedAt: Date?
    @Field(key: "created_by") var createdBy: UUID

    init() {}

    var isVerified: Bool { status == Status.verified.rawValue }
}

/// A person's role in an organisation: its representative (who registered it and appoints coordinators)
/// or a coordinator.
final class OrganisationMembership: Model, @unchecked Sendable {
    static let schema = "organisation_memberships"

    enum Role: String, Codable {
        case representative, coordinator
    }

    enum Status: String, Codable {
        case active, revoked
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "organisation_id") var organisation: Organisation
    @Parent(key: "user_id") var user: User
    @Field(key: "role") var role: String
    @Field(key: "status") var status: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(organisationID: UUID, userID: UUID, role: Role) {
        self.$organisation.id = organisationID
        self.$user.id = userID
        self.role = role.rawValue
        self.status = Status.active.rawValue
        self.createdAt = Date()
    }

    /// The person's active role in the organisation, if any.
    static func role(of userID: UUID, in organisationID: UUID, on db: any Database) async throws -> Role? {
        let memberships = try await OrganisationMembership.query(on: db)
            .filter(\.$user.$id == userID).filter(\.$organisation.$id == organisationID)
            .filter(\.$status == Status.active.rawValue).all()
        if memberships.contains(where: { $0.role == Role.representative.rawValue }) { return .representative }
        return memberships.isEmpty ? nil : .coordinator
    }
}

/// The organisation's acceptance of a programme document, with the version accepted.
final class OrganisationAcceptance: Model, @unchecked Sendable {
    static let schema = "organisation_acceptances"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organisation_id") var organisation: Organisation
    @Field(key: "document") var document: String
    @Field(key: "version") var version: String
    @Field(key: "accepted_by") var acceptedBy: UUID
    @Field(key: "accepted_at") var acceptedAt: Date
    @Field(key: "address") var address: String

    init() {}
}

/// An invitation for someone to coordinate volunteers of an organisation, sent by its representative.
final class CoordinatorInvitation: Model, @unchecked Sendable {
    static let schema = "coordinator_invitations"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organisation_id") var organisation: Organisation
    @Field(key: "email") var email: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "invited_by") var invitedBy: UUID
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "accepted_at") var acceptedAt: Date?

    init() {}
}

struct CreateOrganisations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Organisation.schema)
            .id()
            .field("created_at", .datetime)
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("krs", .string)
            .field("nip", .string)
            .field("regon", .string)
            .field("street", .string, .required)
            .field("postal_code", .string, .required)
            .field("locality_id", .int, .required, .references(LocalityRecord.schema, "id"))
            .field("voivodeship_code", .string, .required)
            .field("description", .sql(.text), .required)
            .field("website", .string)
            .field("contact_email", .string, .required)
            .field("contact_phone", .string)
            .field("logo_file", .string)
            .field("logo_type", .string)
            .field("status", .string, .required)
            .field("status_reason", .string)
            .field("verified_by", .uuid)
            .field("verified_at", .datetime)
            .field("created_by", .uuid, .required)
            .create()
        try await database.schema(OrganisationMembership.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("role", .string, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(OrganisationAcceptance.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id", onDelete: .cascade))
            .field("document", .string, .required)
            .field("version", .string, .required)
            .field("accepted_by", .uuid, .required)
            .field("accepted_at", .datetime, .required)
            .field("address", .string, .required)
            .create()
        try await database.schema(CoordinatorInvitation.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id", onDelete: .cascade))
            .field("email", .string, .required)
            .field("token_hash", .string, .required)
            .field("invited_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("accepted_at", .datetime)
            .unique(on: "token_hash")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "organisations_status_idx").on(Organisation.schema).column("status").column("voivodeship_code").run()
            try await sql.create(index: "memberships_user_idx").on(OrganisationMembership.schema).column("user_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [CoordinatorInvitation.schema, OrganisationAcceptance.schema, OrganisationMembership.schema, Organisation.schema] {
            try await database.schema(schema).delete()
        }
    }
}
