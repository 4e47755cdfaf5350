import Synchronization
import Vapor

/// The requests still being answered, so that stopping the server waits for them. The server stops taking
/// requests first, but one whose client has already gone away (a closed tab, a timed-out proxy) no longer
/// holds it open; without this wait such a request would go on to find the database closed under it, and the
/// process would crash instead of exiting. At most `patience` is waited.
final class InFlightRequests: AsyncMiddleware, LifecycleHandler, Sendable {
    static let patience: Duration = .seconds(10)
    private let count = Atomic<Int>(0)

    var current: Int { count.load(ordering: .relaxed) }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        count.add(1, ordering: .relaxed)
        defer { count.subtract(1, ordering: .relaxed) }
        return try await next.respond(to: request)
    }

    func shutdownAsync(_ application: Application) async {
        let deadline = ContinuousClock.now + Self.patience
        while current > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if current > 0 { application.logger.warning("stopping with requests still being answered", metadata: ["requests": "\(current)"]) }
    }
}
