import KorpusCore
import Vapor

/// The home page: what Korpus is, for each of the programme's audiences.
struct HomeController: RouteCollection {
    /// The four audiences of the programme, in the order the home page presents them.
    static let audiences = ["volunteers", "coordinators", "organisers", "environment"]

    struct Audience: Encodable {
        let id: String
        let title: String
        let lead: String
        let points: [String]
    }

    struct Content: Encodable {
        let audiences: [Audience]
        /// For a signed-in person, the best few of "Polecane dla Ciebie".
        let recommendations: [MatchingController.Item]?
    }

    /// How many recommendations the start page shows; the full list is on its own page.
    static let recommendationCount = 3

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.home.components, use: index).publicAccess()
        routes.get(SitePath.aboutData.components, use: aboutData).publicAccess()
    }

    @Sendable
    func index(req: Request) async throws -> View {
        let audiences = Self.audiences.map { id in
            Audience(
                id: id,
                title: req.t("home.\(id).title"),
                lead: req.t("home.\(id).lead"),
                points: (1...4).map { req.t("home.\(id).point\($0)") })
        }
        var recommendations: [MatchingController.Item]?
        if let user = req.user {
            let result = try await Recommendations.recommend(for: try await Recommendations.facts(of: user, on: req.db).facts, memory: req.application.memoryIndexes, on: req.db)
            recommendations = MatchingController.items(Array(result.recommendations.prefix(Self.recommendationCount)), req)
        }
        return try await req.render("home/index", title: req.t("home.title"), Content(audiences: audiences, recommendations: recommendations))
    }

    struct Region: Encodable {
        let code: String
        let name: String
    }

    struct AboutData: Encodable {
        let localitiesText: String
        let voivodeships: [Region]
    }

    /// Where the data comes from, with the credit the GeoNames licence (CC BY 4.0) asks for.
    @Sendable
    func aboutData(req: Request) async throws -> View {
        let count = try await LocalityRecord.query(on: req.db).count()
        let content = AboutData(
            localitiesText: req.t("about_data.localities_text", ["count": NumberFormat.integer(count, in: req.language)]),
            voivodeships: Voivodeship.allCases.map { Region(code: $0.terytCode, name: req.t($0.catalogueKey)) })
        return try await req.render("pages/about-data", title: req.t("about_data.title"), content)
    }
}
