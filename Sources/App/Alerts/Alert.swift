import Fluent
import Vapor

/// A volunteer's e-mail alert: a saved offer search, or their recommendations, sent daily or weekly with
/// only the offers not sent before. The unsubscribe link works without signing in: it carries the alert's
/// own random token, the same in every message, so an old message's link still works.
final class Alert: Model, @unchecked Sendable {
    static let schema = "alerts"

    enum Kind: String, Codable, CaseIterable {
        case search, recommendations
    }

    enum Frequency: String, Codable, CaseIterable {
        case daily, weekly

        var interval: TimeInterval { self == .daily ? 86_400 : 7 * 86_400 }
    }

    static let maximumPerPerson = 20

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "kind") var kind: String
    /// The query string of the saved search page ("q=senior&miejscowosc=gdansk"); empty for recommendations.
    @Field(key: "query") var query: String
    @Field(key: "frequency") var frequency: String
    @Field(key: "created_at") var createdAt: Date
    /// When the alert was last looked at by the sender (sent or found nothing new).
    @OptionalField(key: "last_run_at") var lastRunAt: Date?
    @Field(key: "unsubscribe_token") var unsubscribeToken: String

    init() {}
}

/// An offer sent by an alert, so it is never sent by that alert again.
final class AlertDelivery: Model, @unchecked Sendable {
    static let schema = "alert_deliveries"

    @ID(key: .id) var id: UUID?
    @Parent(key: "alert_id") var alert: Alert
    @Field(key: "offer_id") var offerID: UUID
    @Field(key: "sent_at") var sentAt: Date

    init() {}
}

struct CreateAlerts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Alert.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("query", .string, .required)
            .field("frequency", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_run_at", .datetime)
            .field("unsubscribe_token", .string, .required)
            .unique(on: "unsubscribe_token")
            .create()
        try await database.schema(AlertDelivery.schema)
            .id()
            .field("alert_id", .uuid, .required, .references(Alert.schema, "id", onDelete: .cascade))
            .field("offer_id", .uuid, .required)
            .field("sent_at", .datetime, .required)
            .unique(on: "alert_id", "offer_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AlertDelivery.schema).delete()
        try await database.schema(Alert.schema).delete()
    }
}
