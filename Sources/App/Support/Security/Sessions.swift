import Fluent
import Vapor

/// A signed-in browser. Stored in the database, so any instance can serve the next request; the cookie
/// holds a random token and the table only its hash.
final class SignInSession: Model, @unchecked Sendable {
    static let schema = "sessions"

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Parent(key: "user_id") var user: User
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "user_agent") var userAgent: String

    init() {}

    init(tokenHash: String, userID: UUID, now: Date, userAgent: String) {
        self.id = tokenHash
        self.$user.id = userID
        self.createdAt = now
        self.lastSeenAt = now
        self.expiresAt = now.addingTimeInterval(SignInSession.absoluteLifetime)
        self.userAgent = String(userAgent.prefix(200))
    }

    /// A session ends 30 days after sign-in, or after 7 days without use.
    static let absoluteLifetime: TimeInterval = 30 * 24 * 3600
    static let idleLifetime: TimeInterval = 7 * 24 * 3600
}

struct CreateSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SignInSession.schema)
            .field("id", .string, .identifier(auto: false))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("user_agent", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SignInSession.schema).delete()
    }
}

/// Signs the person in from their session cookie on every request.
struct SessionAuthenticator: AsyncMiddleware {
    static let cookieName = "korpus_session"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // The API never signs in from cookies: it takes bearer tokens only, so no page can act through it
        // with a visitor's cookies.
        if !ErrorPageMiddleware.isAPI(request), let token = request.cookies[Self.cookieName]?.string, SecureToken.isWellFormed(token),
            let session = try await SignInSession.query(on: request.db)
                .filter(\.$id == SecureToken.hash(token)).with(\.$user).first()
        {
            let now = Date()
            if session.expiresAt > now, now.timeIntervalSince(session.lastSeenAt) < SignInSession.idleLifetime,
                session.user.canSignIn
            {
                request.auth.login(session.user)
                request.currentSession = session
                if now.timeIntervalSince(session.lastSeenAt) > 300 {
                    session.lastSeenAt = now
                    try await session.save(on: request.db)
                }
            } else {
                try await session.delete(on: request.db)
            }
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    private struct CurrentSessionKey: StorageKey {
        typealias Value = SignInSession
    }

    var currentSession: SignInSession? {
        get { storage[CurrentSessionKey.self] }
        set { storage[CurrentSessionKey.self] = newValue }
    }

    /// The signed-in person, if any.
    var user: User? { auth.get(User.self) }

    /// The signed-in person, or a refusal that sends them to sign in.
    func requireUser() throws -> User {
        guard let user else { throw LocalizedAbort(.unauthorized, key: "error.status.401.detail") }
        return user
    }

    /// Starts a new session (a new id, never the one from before sign-in) and sets its cookie on `response`.
    func signIn(_ user: User, response: Response) async throws {
        if let old = currentSession { try await old.delete(on: db) }
        let token = SecureToken.generate()
        let session = SignInSession(
            tokenHash: SecureToken.hash(token), userID: try user.requireID(), now: Date(),
            userAgent: headers.first(name: .userAgent) ?? "")
        try await session.create(on: db)
        auth.login(user)
        currentSession = session
        response.cookies[SessionAuthenticator.cookieName] = HTTPCookies.Value(
            string: token, expires: session.expiresAt, path: "/", isSecure: isSecure, isHTTPOnly: true, sameSite: .lax)
        rotateCSRFToken()
    }

    func signOut(response: Response) async throws {
        if let session = currentSession { try await session.delete(on: db) }
        auth.logout(User.self)
        currentSession = nil
        response.cookies[SessionAuthenticator.cookieName] = .expired
        rotateCSRFToken()
    }
}
