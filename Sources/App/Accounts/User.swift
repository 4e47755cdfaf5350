import Fluent
import SQLKit
import KorpusCore
import Vapor

/// A person with an account. Everyone who registers is a volunteer; other roles come from organisation
/// memberships, partner operator assignments and the administrator flag.
final class User: Model, Authenticatable, @unchecked Sendable {
    static let schema = "users"

    enum Status: String, Codable {
        case active, suspended, erased
    }

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "is_administrator") var isAdministrator: Bool
    @OptionalField(key: "date_of_birth") var dateOfBirth: String?
    @OptionalField(key: "locality_id") var localityID: Int?
    @OptionalField(key: "phone") var phone: String?
    @OptionalField(key: "email_verified_at") var emailVerifiedAt: Date?
    @Field(key: "language") var language: String
    @Field(key: "status") var status: String
    @OptionalField(key: "guardian_email") var guardianEmail: String?
    /// For a child under 13: the guardian's account, which manages this one.
    @OptionalField(key: "guardian_id") var guardianID: UUID?

    init() {}

    init(email: String, displayName: String, passwordHash: String, isAdministrator: Bool) {
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.isAdministrator = isAdministrator
        self.language = Language.default.rawValue
        self.status = Status.active.rawValue
    }

    var canSignIn: Bool {
        status == Status.active.rawValue && emailVerifiedAt != nil && guardianID == nil && !passwordHash.isEmpty
    }

    var preferredLanguage: Language { Language(rawValue: language) ?? .default }

    func age(on date: Date = Date()) -> Int? {
        dateOfBirth.flatMap(Age.parseDay).flatMap { Age.years(bornOn: $0, today: Age.today(date)) }
    }

    var ageBand: AgeBand? { age().map(AgeBand.of(age:)) }
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

struct UpdateUserAddAccountFields: AsyncMigration {
    /// One column per statement: SQLite adds a single column per ALTER TABLE.
    static let fields: [(String, DatabaseSchema.DataType, [DatabaseSchema.FieldConstraint])] = [
        ("date_of_birth", .string, []),
        ("locality_id", .int, []),
        ("phone", .string, []),
        ("email_verified_at", .datetime, []),
        ("language", .string, [.required, .sql(.default("pl"))]),
        ("status", .string, [.required, .sql(.default("active"))]),
        ("guardian_email", .string, []),
        ("guardian_id", .uuid, []),
    ]

    func prepare(on database: any Database) async throws {
        for (name, type, constraints) in Self.fields {
            try await database.schema(User.schema)
                .field(.definition(name: .key(.string(name)), dataType: type, constraints: constraints)).update()
        }
    }

    func revert(on database: any Database) async throws {
        for (name, _, _) in Self.fields.reversed() {
            try await database.schema(User.schema).deleteField(.string(name)).update()
        }
    }
}

/// A consent given or withdrawn, with the version of the text it was given to. Never updated: the
/// history is the record.
final class ConsentRecord: Model, @unchecked Sendable {
    static let schema = "consents"

    enum Kind: String, Codable, CaseIterable {
        /// `disability`: the volunteer declares a disability (a special category of data, kept on their
        /// explicit consent) so that the lower membership requirement applies; withdrawn, it no longer does.
        case terms, privacy, marketing, guardian, disability
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "kind") var kind: String
    @Field(key: "version") var version: String
    @Field(key: "granted") var granted: Bool
    @Field(key: "at") var at: Date
    @Field(key: "address") var address: String
    @Field(key: "details") var details: String

    init() {}

    /// The people among `users` (everyone when nil) whose latest record of `kind` grants it.
    static func granted(_ kind: Kind, among users: [UUID]? = nil, on db: any Database) async throws -> Set<UUID> {
        var query = ConsentRecord.query(on: db).filter(\.$kind == kind.rawValue)
        if let users { query = query.filter(\.$user.$id ~~ users) }
        var latest: [UUID: ConsentRecord] = [:]
        for record in try await query.sort(\.$at).all() { latest[record.$user.id] = record }
        return Set(latest.filter { $0.value.granted }.keys)
    }

    init(userID: UUID, kind: Kind, version: String, granted: Bool, address: String, details: String = "") {
        self.$user.id = userID
        self.kind = kind.rawValue
        self.version = version
        self.granted = granted
        self.at = Date()
        self.address = address
        self.details = details
    }
}

/// A single-use link sent by e-mail: address verification, password reset, change of e-mail, guardian
/// consent, a guardian's acceptance of an agreement. Only the token's hash is stored.
final class AccountToken: Model, @unchecked Sendable {
    static let schema = "account_tokens"

    enum Purpose: String, Codable {
        case verifyEmail = "verify_email"
        case resetPassword = "reset_password"
        case changeEmail = "change_email"
        case guardianConsent = "guardian_consent"
        case guardianAgreement = "guardian_agreement"
    }

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Parent(key: "user_id") var user: User
    @Field(key: "purpose") var purpose: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @Field(key: "payload") var payload: String

    init() {}

    /// Creates a token for the user and returns the secret to put in the link.
    static func issue(for userID: UUID, purpose: Purpose, lifetime: TimeInterval, payload: String = "", on db: any Database) async throws -> String {
        let secret = SecureToken.generate()
        let token = AccountToken()
        token.id = SecureToken.hash(secret)
        token.$user.id = userID
        token.purpose = purpose.rawValue
        token.createdAt = Date()
        token.expiresAt = Date().addingTimeInterval(lifetime)
        token.payload = payload
        try await token.create(on: db)
        return secret
    }

    /// The unused, unexpired token for this secret and purpose, or a clear refusal.
    static func redeemable(_ secret: String, purpose: Purpose, on db: any Database) async throws -> AccountToken {
        guard SecureToken.isWellFormed(secret),
            let token = try await AccountToken.query(on: db)
                .filter(\.$id == SecureToken.hash(secret)).filter(\.$purpose == purpose.rawValue).with(\.$user).first()
        else {
            throw LocalizedAbort(.notFound, key: "account.error.link_invalid")
        }
        guard token.usedAt == nil else { throw LocalizedAbort(.gone, key: "account.error.link_used") }
        guard token.expiresAt > Date() else { throw LocalizedAbort(.gone, key: "account.error.link_expired") }
        return token
    }

    /// Marks the token used, once: a second redemption racing this one finds it used.
    func markUsed(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, let id else { return }
        let rows = try await sql.update(AccountToken.schema)
            .set("used_at", to: Date())
            .where("id", .equal, id)
            .where("used_at", .is, SQLLiteral.null)
            .returning("id")
            .all()
        guard !rows.isEmpty else { throw LocalizedAbort(.gone, key: "account.error.link_used") }
    }
}

/// A personal access token for the JSON API, created and revoked in the profile.
final class AccessToken: Model, @unchecked Sendable {
    static let schema = "access_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}
}

struct CreateAccountTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ConsentRecord.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("version", .string, .required)
            .field("granted", .bool, .required)
            .field("at", .datetime, .required)
            .field("address", .string, .required)
            .field("details", .string, .required)
            .create()
        try await database.schema(AccountToken.schema)
            .field("id", .string, .identifier(auto: false))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("purpose", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("payload", .string, .required)
            .create()
        try await database.schema(AccessToken.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AccessToken.schema).delete()
        try await database.schema(AccountToken.schema).delete()
        try await database.schema(ConsentRecord.schema).delete()
    }
}

/// Signs API requests in from `Authorization: Bearer <personal access token>`.
struct AccessTokenAuthenticator: AsyncBearerAuthenticator {
    /// The token and its holder in one query: an unrevoked token of an active account.
    enum Holder: PreparedSQL {
        static let text = "SELECT t.id AS token_id, t.last_used_at AS token_last_used_at, "
            + User.keys.map { "u.\($0.description)" }.joined(separator: ", ")
            + " FROM \(AccessToken.schema) t JOIN \(User.schema) u ON u.id = t.user_id"
            + " WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.status = $2"
    }

    func authenticate(bearer: BearerAuthorization, for request: Request) async throws {
        // Without building the token's model: the API asks on every call.
        guard SecureToken.isWellFormed(bearer.token), let sql = request.db as? any SQLDatabase,
            let row = try await Holder.first([SecureToken.hash(bearer.token), User.Status.active.rawValue], on: sql)
        else { return }
        request.auth.login(try row.decode(model: User.self))
        let now = Date()
        if try row.decode(column: "token_last_used_at", as: Date?.self).map({ now.timeIntervalSince($0) > 300 }) ?? true {
            try await sql.update(AccessToken.schema).set("last_used_at", to: now)
                .where("id", .equal, try row.decode(column: "token_id", as: UUID.self)).run()
        }
    }
}

/// Consents are read per person (membership reads the disability declaration on every status).
struct CreateConsentIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "consents_user_kind_idx").on(ConsentRecord.schema).column("user_id").column("kind").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "consents_user_kind_idx").run()
    }
}
