import FluentKit
import SQLKit
import Vapor

/// `/health`: the instance is up and its database answers. A load balancer takes an instance out of
/// rotation on 503.
struct HealthController: RouteCollection {
    struct Status: Content {
        let status: String
        let database: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.health.components, use: health).publicAccess()
    }

    @Sendable
    func health(req: Request) async throws -> Response {
        var databaseStatus = "ok"
        do {
            guard let sql = req.db as? any SQLDatabase else { throw Abort(.serviceUnavailable) }
            try await sql.raw("SELECT 1").run()
        } catch {
            req.logger.error("health check: database does not answer", metadata: ["error": "\(error)"])
            databaseStatus = "unavailable"
        }
        let status = Status(status: databaseStatus == "ok" ? "ok" : "unavailable", database: databaseStatus)
        let response = try await status.encodeResponse(for: req)
        response.status = databaseStatus == "ok" ? .ok : .serviceUnavailable
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
