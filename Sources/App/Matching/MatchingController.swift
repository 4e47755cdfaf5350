import Fluent
import KorpusCore
import Vapor

/// The matching service's pages: "Polecane dla Ciebie" for volunteers, fitting volunteers for an offer's
/// coordinators.
struct MatchingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInGuard())
        signedIn.get(SitePath.recommendations.components, use: recommendations)
        signedIn.get(SitePath.offerMatches("").components, use: volunteers)
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
        var alertAction = SitePath.alerts.path
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

    struct Volunteer: Encodable {
        let name: String
        let place: String
        let description: String
        let reasons: [Reason]
        let inviteAction: String
        let invited: Bool
    }

    struct VolunteersPage: Encodable {
        let title: String
        let offerHref: String
        let offerID: String
        let volunteers: [Volunteer]
    }

    /// The offers of help that fit an offer, for its coordinators: first name and locality only until the
    /// volunteer applies to one of the organisation's offers, as in the search; one click invites.
    @Sendable
    func volunteers(req: Request) async throws -> View {
        let offer = try await OffersController.coordinatedOffer(req)
        guard offer.organisation.isVerified else { throw LocalizedAbort(.forbidden, key: "help_offer.error.coordinators_only") }
        let offerID = try offer.requireID()
        let found = try await Recommendations.volunteers(for: offer, on: req.db)
        let volunteerIDs = found.map { $0.helpOffer.$volunteer.id }
        let known = try await HelpOffersController.volunteersKnown(to: [offer.$organisation.id], among: volunteerIDs, on: req.db)
        let invited = Set(try await OfferInvitation.query(on: req.db).filter(\.$offer.$id == offerID).all().map { $0.$volunteer.id })
        let places = try await LocalityQuery.names(of: found.compactMap(\.helpOffer.localityID), on: req.db)
        let volunteers = found.map { entry in
            let volunteer = entry.helpOffer.volunteer
            return Volunteer(
                name: known.contains(entry.helpOffer.$volunteer.id) ? volunteer.displayName : HelpOffersController.firstName(volunteer.displayName),
                place: entry.helpOffer.localityID.flatMap { places[$0] } ?? req.t("offer.badge.remote"),
                description: entry.helpOffer.description,
                reasons: entry.match.reasons.map { Reason(text: $0.text(in: req.catalogue), favourable: $0.favourable) },
                inviteAction: SitePath.inviteVolunteer(entry.helpOffer.id?.uuidString ?? "").path,
                invited: invited.contains(entry.helpOffer.$volunteer.id))
        }
        return try await req.render("matching/volunteers", title: req.t("offer_matches.title"), VolunteersPage(
            title: offer.title, offerHref: SitePath.offer(offerID.uuidString).path, offerID: offerID.uuidString, volunteers: volunteers))
    }
}
