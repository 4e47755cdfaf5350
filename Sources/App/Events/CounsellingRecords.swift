import Fluent
import KorpusCore
import SQLKit
import Vapor

/// A time a partner's counsellor is available, online or in person, for one person to book.
final class CounsellingSlot: Model, @unchecked Sendable {
    static let schema = "counselling_slots"

    @ID(key: .id) var id: UUID?
    @Parent(key: "partner_id") var partner: Partner
    @Field(key: "kind") var kind: String
    @Field(key: "counsellor") var counsellor: String
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "ends_at") var endsAt: Date
    @OptionalField(key: "locality_id") var localityID: Int?
    @Field(key: "address") var address: String
    @OptionalField(key: "online_link") var onlineLink: String?
    @Field(key: "cancelled") var cancelled: Bool
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var kindValue: CounsellingKind { CounsellingKind(rawValue: kind) ?? .volunteers }
}

/// A person's booking of a slot. While it stands, `active_slot_id` holds the slot, and a unique index on it
/// lets only one booking of a slot stand: two people booking at the same moment, one wins. A cancelled
/// booking keeps its row with the time it was cancelled.
final class CounsellingBooking: Model, @unchecked Sendable {
    static let schema = "counselling_bookings"

    @ID(key: .id) var id: UUID?
    @Parent(key: "slot_id") var slot: CounsellingSlot
    @OptionalField(key: "active_slot_id") var activeSlotID: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "topic") var topic: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "cancelled_at") var cancelledAt: Date?
    @OptionalField(key: "reminded_at") var remindedAt: Date?

    init() {}
}

struct CreateCounselling: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CounsellingSlot.schema)
            .id()
            .field("partner_id", .uuid, .required, .references(Partner.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("counsellor", .string, .required)
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .field("locality_id", .int)
            .field("address", .string, .required)
            .field("online_link", .string)
            .field("cancelled", .bool, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(CounsellingBooking.schema)
            .id()
            .field("slot_id", .uuid, .required, .references(CounsellingSlot.schema, "id", onDelete: .cascade))
            .field("active_slot_id", .uuid)
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("topic", .sql(.text), .required)
            .field("created_at", .datetime, .required)
            .field("cancelled_at", .datetime)
            .field("reminded_at", .datetime)
            .unique(on: "active_slot_id")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "counselling_slots_starts_idx").on(CounsellingSlot.schema).column("starts_at").run()
            try await sql.create(index: "counselling_bookings_user_idx").on(CounsellingBooking.schema).column("user_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CounsellingBooking.schema).delete()
        try await database.schema(CounsellingSlot.schema).delete()
    }
}
