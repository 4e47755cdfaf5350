import Vapor

/// Every page of the site, used both to register routes and to build links, so a link cannot point to a
/// route that does not exist.
public enum SitePath: Sendable, Equatable {
    case home
    case localities
    case aboutData
    case language(String)
    case health
    case metrics

    /// The path as written in links.
    public var path: String {
        switch self {
        case .home: "/"
        case .localities: "/miejscowosci"
        case .aboutData: "/o-danych"
        case .language(let code): "/jezyk/\(code)"
        case .health: "/health"
        case .metrics: "/metrics"
        }
    }

    /// The path as registered with the router.
    public var components: [PathComponent] {
        switch self {
        case .home: []
        case .language: ["jezyk", ":code"]
        default: path.pathComponents
        }
    }
}

/// The JSON API, under `/api/v1`.
public enum APIPath: Sendable {
    case localities
    case voivodeships

    public static let prefix: [PathComponent] = ["api", "v1"]

    public var path: String {
        switch self {
        case .localities: "/api/v1/localities"
        case .voivodeships: "/api/v1/voivodeships"
        }
    }

    public var components: [PathComponent] { path.pathComponents }
}
