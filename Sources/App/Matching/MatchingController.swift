import Fluent
import KorpusCore
import Vapor

/// The matching service's pages: "Polecane dla Ciebie" for volunteers.
struct MatchingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(SignedInGuard()).get(SitePath.recommendations.components, use: recommendations)
    }

    struct Reason: Encodable {
        let text: String
        let favourable: Bool
    }

    struct Item: Encodable {
        let card: OffersController.Card
        let reasons: [Reason]
    }

    struct Page: Encodable {
        let items: [Item]
        let excluded: [String]
        let missing: [String]
        let hasHelpOffer: Bool
        let helpOfferHref: String
    }

    @Sendable
    func recommendations(req: Request) async throws -> View {
        let user = try req.requireUser()
        let helpOffer = try await HelpOffer.query(on: req.db).filter(\.$volunteer.$id == user.requireID()).first()
        let facts = try await Recommendations.facts(of: user, helpOffer: helpOffer, on: req.db)
        let result = try await Recommendations.recommend(for: facts, on: req.db)
        let items = result.recommendations.map { recommendation in
            Item(card: OffersController.card(recommendation.offer, distance: recommendation.match.kilometres, req),
                 reasons: recommendation.match.reasons.map { Reason(text: $0.text(in: req.catalogue), favourable: $0.favourable) })
        }
        let excluded = MatchExclusion.allCases.compactMap { exclusion in
            result.excluded[exclusion].map { "\(req.t(exclusion.catalogueKey)): \(NumberFormat.integer($0, in: req.language))" }
        }
        return try await req.render("matching/recommendations", title: req.t("recommendations.title"), Page(
            items: items, excluded: excluded, missing: result.missing.map { req.t($0) }, hasHelpOffer: helpOffer != nil,
            helpOfferHref: SitePath.myHelpOffer.path))
    }
}
