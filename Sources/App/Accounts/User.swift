import Fluent
import Vapor

/// A person with an account. The accounts module grows this table with its own migrations.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "is_administrator") var isAdministrator: Bool

    init() {}

    init(email: String, displayName: String, passwordHash: String, isAdministrator: Bool) {
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.isAdministrator = isAdministrator
    }
}

struct CreateUser: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema)
            .id()
            .field("created_at", .datetime)
            .field("email", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("is_administrator", .bool, .required, .sql(.default(false)))
            .unique(on: "email")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).delete()
    }
}
