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

        /// The reasons of a match as the pages show them, in the reader's language.
        static func of(_ match: OfferMatch, _ req: Request) -> [Reason] {
            match.reasons.map { Reason(text: $0.text(in: req.catalogue), favourable: $0.favourable) }
        }
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

    /// Recommendations as the pages show them: the offer's card and the reasons in the reader's language.
    static func items(_ recommendations: [Recommendations.Recommendation], _ req: Request) -> [Item] {
        recommendations.map { recommendation in
            Item(card: OffersController.card(recommendation.offer, distance: recommendation.match.kilometres, req),
                 reasons: Reason.of(recommendation.match, req))
        }
    }

    @Sendable
    func recommendations(req: Request) async throws -> View {
        let user = try req.requireUser()
        let (facts, hasHelpOffer) = try await Recommendations.facts(of: user, on: req.db)
        let result = try await Recommendations.recommend(for: facts, memory: req.application.memoryIndexes, on: req.db)
        let items = Self.items(result.recommendations, req)
        let excluded = MatchExclusion.allCases.compactMap { exclusion in
            result.excluded[exclusion].map { "\(req.t(exclusion.catalogueKey)): \(NumberFormat.integer($0, in: req.language))" }
        }
        return try await req.render("matching/recommendations", title: req.t("recommendations.title"), Page(
            items: items, excluded: excluded, missing: result.missing.map { req.t($0) }, hasHelpOffer: hasHelpOffer,
            helpOfferHref: SitePath.myHelpOffer.path))
    }

    struct Volunteer: Encodable {
        let helpOfferID: UUID
        let name: String
        let place: String
        let description: String
        let score: Double
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

    /// The offers of help that fit the coordinator's offer of the URL: first name and locality only until the
    /// volunteer applies to one of the organisation's offers, as in the search of offers of help.
    static func fittingVolunteers(_ req: Request) async throws -> (CoordinatedOffer, [Volunteer]) {
        let db = req.db
        let offer = try await Recommendations.coordinatedOffer(req, on: db)
        guard offer.organisationVerified else { throw LocalizedAbort(.forbidden, key: "help_offer.error.coordinators_only") }
        let found = try await Recommendations.volunteers(for: offer, memory: req.application.memoryIndexes, on: db)
        let places = try await LocalityQuery.names(of: found.compactMap(\.localityID), on: db)
        return (offer, found.map { entry in
            Volunteer(
                helpOfferID: entry.helpOfferID,
                name: entry.known ? entry.volunteerName : HelpOffersController.firstName(entry.volunteerName),
                place: entry.localityID.flatMap { places[$0] } ?? req.t("offer.badge.remote"),
                description: entry.description, score: entry.match.score,
                reasons: Reason.of(entry.match, req),
                inviteAction: SitePath.inviteVolunteer(entry.helpOfferID.uuidString).path,
                invited: entry.invited)
        })
    }

    @Sendable
    func volunteers(req: Request) async throws -> View {
        let (offer, volunteers) = try await Self.fittingVolunteers(req)
        return try await req.render("matching/volunteers", title: req.t("offer_matches.title"), VolunteersPage(
            title: offer.title, offerHref: SitePath.offer(offer.id.uuidString).path, offerID: offer.id.uuidString, volunteers: volunteers))
    }
}

/// The matching service over the JSON API, for holders of an access token: a volunteer's recommendations,
/// and the offers of help that fit a coordinator's offer.
struct MatchingAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(AccessTokenAuthenticator(), SignedInGuard())
        signedIn.get(APIPath.recommendations.components, use: recommendations)
        signedIn.get(APIPath.offerVolunteers("").components, use: volunteers)
    }

    struct Recommendation: Content {
        let offer: OffersAPIController.OfferDTO
        let score: Double
        let reasons: [String]
    }

    struct RecommendationList: Content {
        let items: [Recommendation]
        /// How many offers each hard condition left out, by its code.
        let excluded: [String: Int]
    }

    /// A `RecommendationList`, each offer written from its remembered JSON (see `OffersAPIController.apiSearch`).
    @Sendable
    func recommendations(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let db = req.db
        let result = try await Recommendations.recommend(for: try await Recommendations.facts(of: user, on: db).facts, memory: req.application.memoryIndexes, on: db)
        let encoder = JSONEncoder()
        var body = ByteBuffer()
        body.writeString(#"{"items":["#)
        for (index, recommendation) in result.recommendations.enumerated() {
            if index > 0 { body.writeString(",") }
            body.writeString(#"{"offer":"#)
            try OffersAPIController.write(recommendation.offer, json: recommendation.json, distance: recommendation.match.kilometres, into: &body, encoder: encoder)
            body.writeString(#","score":"# + String((recommendation.match.score * 10).rounded() / 10) + #","reasons":"#)
            body.writeBytes(try encoder.encode(recommendation.match.reasons.map { $0.text(in: req.catalogue) }))
            body.writeString("}")
        }
        body.writeString(#"],"excluded":"#)
        body.writeBytes(try encoder.encode(Dictionary(uniqueKeysWithValues: result.excluded.map { ($0.key.rawValue, $0.value) })))
        body.writeString("}")
        return OffersAPIController.jsonResponse(body)
    }

    struct FittingVolunteer: Content {
        let helpOfferID: UUID
        let name: String
        let locality: String
        let description: String
        let score: Double
        let reasons: [String]
        let invited: Bool
    }

    struct FittingVolunteerList: Content {
        let items: [FittingVolunteer]
    }

    /// A `FittingVolunteerList`, written by hand (`JSONText`).
    @Sendable
    func volunteers(req: Request) async throws -> Response {
        let (_, volunteers) = try await MatchingController.fittingVolunteers(req)
        var body = ByteBuffer()
        body.writeString(#"{"items":["#)
        for (index, volunteer) in volunteers.enumerated() {
            if index > 0 { body.writeString(",") }
            body.writeString(#"{"helpOfferID":""# + volunteer.helpOfferID.uuidString + #"","name":"# + JSONText.quoted(volunteer.name)
                + #","locality":"# + JSONText.quoted(volunteer.place) + #","description":"# + JSONText.quoted(volunteer.description)
                + #","score":"# + String((volunteer.score * 10).rounded() / 10)
                + #","reasons":["# + volunteer.reasons.map { JSONText.quoted($0.text) }.joined(separator: ",")
                + #"],"invited":"# + (volunteer.invited ? "true" : "false") + "}")
        }
        body.writeString("]}")
        return OffersAPIController.jsonResponse(body)
    }
}
