import Vapor

/// Security headers on every answer. The policy allows no inline script or style: scripts and styles are
/// files served by Korpus itself, with nothing from another origin.
public struct SecurityHeadersMiddleware: AsyncMiddleware {
    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "font-src 'self'", "connect-src 'self'", "form-action 'self'", "frame-ancestors 'none'",
        "base-uri 'self'", "object-src 'none'",
    ].joined(separator: "; ")

    public init() {}

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let headers: [(HTTPHeaders.Name, String)] = [
            (.contentSecurityPolicy, Self.contentSecurityPolicy),
            (.xContentTypeOptions, "nosniff"),
            (.init("Referrer-Policy"), "strict-origin-when-cross-origin"),
            (.xFrameOptions, "DENY"),
            (.init("Permissions-Policy"), "camera=(), microphone=(), geolocation=(self)"),
            (.init("Cross-Origin-Opener-Policy"), "same-origin"),
        ]
        for (name, value) in headers where !response.headers.contains(name: name) {
            response.headers.replaceOrAdd(name: name, value: value)
        }
        return response
    }
}
