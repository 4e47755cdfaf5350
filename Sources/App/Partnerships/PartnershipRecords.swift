import Fluent
import KorpusCore
import SQLKit
import Vapor

/// An organisation's partnership need (potrzeba partnerska): a joint action, a coalition, premises, an
/// internship host… Published by its coordinators, open to every verified organisation of the region.
final class PartnershipNeed: Model, @unchecked Sendable {
    static let schema = "partnership_needs"

    enum Status: String, Codable, CaseIterable {
        case open, closed
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "organisation_id") var organisation: Organisation
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    /// Area codes, comma-separated; empty means any area.
    @Field(key: "areas") var areas: String
    /// What the partner should bring, comma-separated as typed.
    @Field(key: "wanted") var wanted: String
    /// Preferred kinds of organisation (codes), comma-separated; empty means any.
    @Field(key: "preferred_kinds") var preferredKinds: String
    @Field(key: "locality_id") var localityID: Int
    @Field(key: "voivodeship_code") var voivodeshipCode: String
    @Field(key: "latitude") var latitude: Double
    @Field(key: "longitude") var longitude: Double
    @Field(key: "reach_km") var reachKilometres: Int
    @Field(key: "remote") var remote: Bool
    /// The last day the need is open for answers (yyyy-MM-dd), if any.
    @OptionalField(key: "valid_until") var validUntil: String?
    @Field(key: "status") var status: String
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "closed_at") var closedAt: Date?

    init() {}

    var kindValue: PartnershipKind { PartnershipKind(rawValue: kind) ?? .other }
    var areaList: [OfferArea] { areas.split(separator: ",").compactMap { OfferArea(rawValue: String($0)) } }
    var kindList: [Organisation.Kind] { preferredKinds.split(separator: ",").compactMap { Organisation.Kind(rawValue: String($0)) } }

    /// Whether answers are taken: open, and its last day not past.
    var isOpen: Bool { status == Status.open.rawValue && (validUntil.map { $0 >= OfferDates.today() } ?? true) }

    var facts: PartnershipNeedFacts {
        PartnershipNeedFacts(kind: kindValue, areas: Set(areaList), wanted: CommaList.items(wanted), preferredKinds: Set(kindList.map(\.rawValue)),
                             voivodeshipCode: voivodeshipCode, latitude: latitude, longitude: longitude,
                             reachKilometres: Double(reachKilometres), remote: remote)
    }
}

/// Another organisation's answer to a partnership need: "we can help", with a message. One per organisation.
final class PartnershipResponse: Model, @unchecked Sendable {
    static let schema = "partnership_responses"

    @ID(key: .id) var id: UUID?
    @Parent(key: "need_id") var need: PartnershipNeed
    @Parent(key: "organisation_id") var organisation: Organisation
    @Field(key: "message") var message: String
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

struct CreatePartnerships: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PartnershipNeed.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("description", .sql(.text), .required)
            .field("areas", .string, .required)
            .field("wanted", .string, .required)
            .field("preferred_kinds", .string, .required)
            .field("locality_id", .int, .required)
            .field("voivodeship_code", .string, .required)
            .field("latitude", .double, .required)
            .field("longitude", .double, .required)
            .field("reach_km", .int, .required)
            .field("remote", .bool, .required)
            .field("valid_until", .string)
            .field("status", .string, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .field("closed_at", .datetime)
            .create()
        try await database.schema(PartnershipResponse.schema)
            .id()
            .field("need_id", .uuid, .required, .references(PartnershipNeed.schema, "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id", onDelete: .cascade))
            .field("message", .sql(.text), .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "need_id", "organisation_id")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "partnership_needs_region_idx").on(PartnershipNeed.schema)
                .column("status").column("voivodeship_code").run()
            try await sql.create(index: "partnership_needs_organisation_idx").on(PartnershipNeed.schema).column("organisation_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PartnershipResponse.schema).delete()
        try await database.schema(PartnershipNeed.schema).delete()
    }
}
