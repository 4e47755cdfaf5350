import KorpusCore
import Vapor

/// The language switch: `/jezyk/en?powrot=/miejscowosci` remembers the choice in a cookie and goes back.
struct LanguageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.language("").components, use: switchLanguage).publicAccess()
    }

    @Sendable
    func switchLanguage(req: Request) async throws -> Response {
        let code = req.parameters.get("code") ?? ""
        guard let language = Language(rawValue: code) else {
            throw LocalizedAbort(.badRequest, key: "error.unknown_language")
        }
        req.language = language
        let target = Self.safeReturnPath(try? req.query.get(String.self, at: "powrot"))
        let response = req.redirect(to: target, redirectType: .normal)
        response.cookies[LanguageMiddleware.cookieName] = HTTPCookies.Value(
            string: language.rawValue,
            maxAge: 365 * 24 * 3600,
            path: "/",
            isSecure: false,
            isHTTPOnly: true,
            sameSite: .lax
        )
        return response
    }

    /// Only a path on this site is followed, so the switch cannot be used to send people elsewhere.
    static func safeReturnPath(_ candidate: String?) -> String {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.hasPrefix("/\\"),
            candidate.utf8.count <= 2048,
            !candidate.contains(where: { $0.isNewline || $0 == "\\" }),
            !candidate.hasPrefix(SitePath.language("").path)
        else {
            return SitePath.home.path
        }
        return candidate
    }
}
