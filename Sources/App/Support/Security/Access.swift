import Vapor

/// Deny by default: a route answers an anonymous request only when it is declared public.
extension Route {
    private static let publicKey = "korpus.public"

    /// Declares that this route answers anyone, signed in or not.
    @discardableResult
    func publicAccess() -> Route {
        userInfo[Self.publicKey] = true
        return self
    }

    var isPublic: Bool { userInfo[Self.publicKey] as? Bool ?? false }
}

/// Lets only signed-in people through: pages send others to the sign-in page and back, the API answers 401.
struct SignedInGuard: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.user != nil else {
            if request.method == .GET, !ErrorPageMiddleware.isAPI(request) {
                var path = request.url.path
                if let query = request.url.query { path += "?" + query }
                let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? "/"
                return request.redirect(to: SitePath.signIn.path + "?powrot=" + encoded, redirectType: .normal)
            }
            throw LocalizedAbort(.unauthorized, key: "error.status.401.detail")
        }
        return try await next.respond(to: request)
    }
}

/// Lets only the programme's administrators through.
struct AdministratorGuard: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = request.user else { throw LocalizedAbort(.unauthorized, key: "error.status.401.detail") }
        guard user.isAdministrator else { throw LocalizedAbort(.forbidden, key: "error.status.403.detail") }
        return try await next.respond(to: request)
    }
}
