import Prometheus
import Vapor

extension Application {
    private struct MetricsRegistryKey: StorageKey {
        typealias Value = PrometheusCollectorRegistry
    }

    /// This instance's Prometheus registry. Each application has its own, so tests do not share counters.
    public var metricsRegistry: PrometheusCollectorRegistry {
        if let registry = storage[MetricsRegistryKey.self] { return registry }
        let registry = PrometheusCollectorRegistry()
        storage[MetricsRegistryKey.self] = registry
        return registry
    }
}

/// Counts requests and measures their latency by route pattern (never the raw path, which would let a
/// crawler grow the series without bound), method and status.
public struct RequestMetricsMiddleware: AsyncMiddleware {
    nonisolated(unsafe) static let requests = MetricNameDescriptor(
        namespace: "korpus", metricName: "http_requests", unitName: "total",
        helpText: "HTTP requests answered, by method, route and status.")
    nonisolated(unsafe) static let duration = MetricNameDescriptor(
        namespace: "korpus", metricName: "http_request_duration", unitName: "seconds",
        helpText: "Time to answer an HTTP request, by method and route.")
    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5),
    ]

    public init() {}

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let status: UInt
        let response: Response
        do {
            response = try await next.respond(to: request)
            status = response.status.code
        } catch {
            record(request, status: (error as? any AbortError)?.status.code ?? 500, since: start)
            throw error
        }
        record(request, status: status, since: start)
        return response
    }

    private func record(_ request: Request, status: UInt, since start: ContinuousClock.Instant) {
        let route = Self.routeLabel(request)
        let method = request.method.rawValue
        let registry = request.application.metricsRegistry
        registry.makeCounter(
            descriptor: Self.requests, labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.duration, labels: [("method", method), ("route", route)], buckets: Self.buckets
        ).record(ContinuousClock.now - start)
    }

    static func routeLabel(_ request: Request) -> String {
        guard let route = request.route else {
            return "unmatched"
        }
        return "/" + route.path.map(\.description).joined(separator: "/")
    }
}

/// `/metrics` in the Prometheus text format. When `KORPUS_METRICS_TOKEN` is set, a matching bearer token
/// is required.
struct MetricsController: RouteCollection {
    let token: String?

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.metrics.components, use: metrics).publicAccess()
    }

    @Sendable
    func metrics(req: Request) async throws -> Response {
        if let token, req.headers.bearerAuthorization?.token != token {
            throw LocalizedAbort(.unauthorized, key: "error.status.401.detail")
        }
        let text = req.application.metricsRegistry.emitToString()
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}
