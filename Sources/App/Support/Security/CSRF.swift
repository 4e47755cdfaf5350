import Vapor

/// Protection against cross-site request forgery for every form: a random token in a cookie that only
/// this site can read, repeated in a hidden `_csrf` field of each form; a change (POST) whose field does
/// not match is refused. The JSON API is exempt: it authenticates with bearer tokens, never cookies.
struct CSRFMiddleware: AsyncMiddleware {
    static let cookieName = "korpus_csrf"
    static let fieldName = "_csrf"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let cookie = request.cookies[Self.cookieName]?.string
        let existing = cookie.flatMap { SecureToken.isWellFormed($0) ? $0 : nil }
        let token = existing ?? SecureToken.generate()
        request.csrfToken = token
        if request.method != .GET && request.method != .HEAD && request.method != .OPTIONS
            && !ErrorPageMiddleware.isAPI(request)
        {
            // A larger body (a form with a file) may still be arriving: read it whole first, within the limit.
            if request.body.data == nil {
                _ = try await request.body.collect(max: request.application.routes.defaultMaxBodySize.value).get()
            }
            let sent = Self.submittedToken(request)
            guard let existing, let sent, SecureToken.constantTimeEquals(existing, sent) else {
                request.logger.warning("form refused: CSRF token missing or wrong", metadata: ["path": "\(request.url.path)"])
                throw LocalizedAbort(.forbidden, key: "error.csrf")
            }
        }
        let response = try await next.respond(to: request)
        if existing == nil || request.csrfTokenRotated {
            response.cookies[Self.cookieName] = Self.cookie(request.csrfToken, secure: request.isSecure)
        }
        return response
    }

    static func cookie(_ value: String, secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .strict)
    }

    private static func submittedToken(_ request: Request) -> String? {
        if let header = request.headers.first(name: "X-CSRF-Token") { return header }
        struct Field: Decodable {
            let _csrf: String?
        }
        guard let contentType = request.headers.contentType,
            contentType == .urlEncodedForm || contentType.type == "multipart"
        else { return nil }
        return (try? request.content.decode(Field.self))?._csrf
    }
}

extension Request {
    private struct CSRFTokenKey: StorageKey {
        typealias Value = String
    }

    private struct CSRFRotatedKey: StorageKey {
        typealias Value = Bool
    }

    /// The token every form of this page carries in its hidden `_csrf` field.
    var csrfToken: String {
        get { storage[CSRFTokenKey.self] ?? "" }
        set { storage[CSRFTokenKey.self] = newValue }
    }

    var csrfTokenRotated: Bool {
        get { storage[CSRFRotatedKey.self] ?? false }
        set { storage[CSRFRotatedKey.self] = newValue }
    }

    /// A new token after signing in or out, so a token seen before cannot be replayed.
    func rotateCSRFToken() {
        csrfToken = SecureToken.generate()
        csrfTokenRotated = true
    }

    /// Whether the request came over HTTPS, directly or through a proxy that says so.
    var isSecure: Bool {
        url.scheme == "https" || headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https"
            || application.settings.secureCookies
    }

    /// The client's address, for audit records and rate limits.
    var clientAddress: String {
        if application.settings.trustForwardedFor, let forwarded = headers.first(name: .xForwardedFor) {
            return String(forwarded.split(separator: ",").first ?? "").trimmingCharacters(in: .whitespaces)
        }
        return remoteAddress?.ipAddress ?? "unknown"
    }
}
