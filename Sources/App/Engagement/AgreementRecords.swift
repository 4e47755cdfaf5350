import Fluent
import KorpusCore
import SQLKit
import Vapor

/// An organisation's standing wording for its agreements: what every agreement starts from.
final class AgreementTemplate: Model, @unchecked Sendable {
    static let schema = "agreement_templates"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organisation_id") var organisation: Organisation
    @Field(key: "manner") var manner: String
    @Field(key: "termination") var termination: String
    @Field(key: "risks") var risks: String
    @Field(key: "rights_duties") var rightsAndDuties: String
    @Field(key: "reimburses_costs") var reimbursesCosts: Bool
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// One version of the agreement of an engagement. A change makes a new version; the earlier ones stay,
/// marked superseded, with their acceptances.
final class Agreement: Model, @unchecked Sendable {
    static let schema = "agreements"

    enum Status: String, Codable {
        /// Waiting for the acceptances its parties owe.
        case awaiting
        /// Accepted by every party.
        case concluded
        /// Replaced by a later version.
        case superseded
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "engagement_id") var engagement: Engagement
    @Field(key: "version") var version: Int
    @Field(key: "scope") var scope: String
    @Field(key: "manner") var manner: String
    @Field(key: "place") var place: String
    @Field(key: "starts_on") var startsOn: String
    @OptionalField(key: "ends_on") var endsOn: String?
    @Field(key: "termination") var termination: String
    @Field(key: "risks") var risks: String
    @Field(key: "rights_duties") var rightsAndDuties: String
    @Field(key: "reimburses_costs") var reimbursesCosts: Bool
    @Field(key: "volunteer_name") var volunteerName: String
    @Field(key: "volunteer_band") var volunteerBand: String
    @Field(key: "organisation_name") var organisationName: String
    @Field(key: "organisation_address") var organisationAddress: String
    /// The exact wording accepted, and its SHA-256.
    @Field(key: "text") var text: String
    @Field(key: "text_hash") var textHash: String
    /// The parties whose acceptance concludes it, comma-separated.
    @Field(key: "parties") var parties: String
    @Field(key: "status") var status: String
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var band: AgeBand { AgeBand(rawValue: volunteerBand) ?? .adult }
    var requiredParties: [AgreementParty] { parties.split(separator: ",").compactMap { AgreementParty(rawValue: String($0)) } }

    /// The number printed on the agreement: the engagement's first eight characters and the year.
    var number: String { "\($engagement.id.uuidString.prefix(8).uppercased())/\(startsOn.prefix(4))" }

    var terms: AgreementTerms {
        AgreementTerms(number: number, version: version, organisationName: organisationName, organisationAddress: organisationAddress,
                       volunteerName: volunteerName, volunteerBand: band, scope: scope, manner: manner, place: place,
                       startsOn: startsOn, endsOn: endsOn, termination: termination, risks: risks,
                       reimbursesCosts: reimbursesCosts, rightsAndDuties: rightsAndDuties)
    }
}

/// A party's electronic acceptance of one version: who, when, from which address, and the hash of the
/// exact text they saw. A party accepts a version once.
final class AgreementAcceptance: Model, @unchecked Sendable {
    static let schema = "agreement_acceptances"

    @ID(key: .id) var id: UUID?
    @Parent(key: "agreement_id") var agreement: Agreement
    @Field(key: "party") var party: String
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "name") var name: String
    @Field(key: "email") var email: String
    @Field(key: "address") var address: String
    @Field(key: "text_hash") var textHash: String
    @Field(key: "accepted_at") var acceptedAt: Date

    init() {}
}

/// A certificate of volunteer service (zaświadczenie, art. 44 ust. 3): asked for by the volunteer, issued by
/// a coordinator with the period, the scope of work, the confirmed hours and optionally an opinion.
final class Certificate: Model, @unchecked Sendable {
    static let schema = "certificates"

    enum Status: String, Codable {
        case requested, issued
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "engagement_id") var engagement: Engagement
    @Parent(key: "volunteer_id") var volunteer: User
    @Parent(key: "organisation_id") var organisation: Organisation
    @Field(key: "status") var status: String
    @Field(key: "request_note") var requestNote: String
    @Field(key: "requested_at") var requestedAt: Date
    @OptionalField(key: "period_from") var periodFrom: String?
    @OptionalField(key: "period_to") var periodTo: String?
    @OptionalField(key: "scope") var scope: String?
    @OptionalField(key: "quarter_hours") var quarterHours: Int?
    @OptionalField(key: "opinion") var opinion: String?
    @OptionalField(key: "volunteer_name") var volunteerName: String?
    @OptionalField(key: "organisation_name") var organisationName: String?
    @OptionalField(key: "issued_by") var issuedBy: UUID?
    @OptionalField(key: "issued_at") var issuedAt: Date?
    /// The competence areas the coordinator confirms (comma-separated codes) and a short word on them.
    @OptionalField(key: "competences") var competences: String?
    @OptionalField(key: "competence_note") var competenceNote: String?

    init() {}

    /// What the verification code is signed over: everything the public check shows (the competences only
    /// when confirmed, so that codes of certificates issued before they existed stay valid).
    var sealedFacts: [String] {
        [volunteerName ?? "", organisationName ?? "", periodFrom ?? "", periodTo ?? "", String(quarterHours ?? 0),
         issuedAt.map { String(Int($0.timeIntervalSince1970)) } ?? ""]
            + (competences.map { [$0, competenceNote ?? ""] } ?? [])
    }
}

struct CreateAgreements: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AgreementTemplate.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id", onDelete: .cascade))
            .field("manner", .sql(.text), .required)
            .field("termination", .sql(.text), .required)
            .field("risks", .sql(.text), .required)
            .field("rights_duties", .sql(.text), .required)
            .field("reimburses_costs", .bool, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "organisation_id")
            .create()
        try await database.schema(Agreement.schema)
            .id()
            .field("engagement_id", .uuid, .required, .references(Engagement.schema, "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("scope", .sql(.text), .required)
            .field("manner", .sql(.text), .required)
            .field("place", .string, .required)
            .field("starts_on", .string, .required)
            .field("ends_on", .string)
            .field("termination", .sql(.text), .required)
            .field("risks", .sql(.text), .required)
            .field("rights_duties", .sql(.text), .required)
            .field("reimburses_costs", .bool, .required)
            .field("volunteer_name", .string, .required)
            .field("volunteer_band", .string, .required)
            .field("organisation_name", .string, .required)
            .field("organisation_address", .string, .required)
            .field("text", .sql(.text), .required)
            .field("text_hash", .string, .required)
            .field("parties", .string, .required)
            .field("status", .string, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "engagement_id", "version")
            .create()
        try await database.schema(AgreementAcceptance.schema)
            .id()
            .field("agreement_id", .uuid, .required, .references(Agreement.schema, "id", onDelete: .cascade))
            .field("party", .string, .required)
            .field("user_id", .uuid)
            .field("name", .string, .required)
            .field("email", .string, .required)
            .field("address", .string, .required)
            .field("text_hash", .string, .required)
            .field("accepted_at", .datetime, .required)
            .unique(on: "agreement_id", "party")
            .create()
        try await database.schema(Certificate.schema)
            .id()
            .field("engagement_id", .uuid, .required, .references(Engagement.schema, "id", onDelete: .cascade))
            .field("volunteer_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id", onDelete: .cascade))
            .field("status", .string, .required)
            .field("request_note", .sql(.text), .required)
            .field("requested_at", .datetime, .required)
            .field("period_from", .string)
            .field("period_to", .string)
            .field("scope", .sql(.text))
            .field("quarter_hours", .int)
            .field("opinion", .sql(.text))
            .field("volunteer_name", .string)
            .field("organisation_name", .string)
            .field("issued_by", .uuid)
            .field("issued_at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "certificates_engagement_idx").on(Certificate.schema).column("engagement_id").run()
            try await sql.create(index: "certificates_organisation_idx").on(Certificate.schema).column("organisation_id").column("status").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Certificate.schema).delete()
        try await database.schema(AgreementAcceptance.schema).delete()
        try await database.schema(Agreement.schema).delete()
        try await database.schema(AgreementTemplate.schema).delete()
    }
}
