import Fluent
import Foundation
import KorpusCore
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Matching: recommendations for volunteers")
struct MatchingTests {
    @Test func aVolunteerSeesFittingOffersWithTrueReasons() async throws {
        try await withKorpus { app in
            // setup: two offers in Gdańsk — one fits (seniors, Tuesday afternoons), one needs a record check
            let offersTests = OffersTests()
            let (coordinator, organisation) = try await offersTests.verifiedOrganisation(app)
            let fitting = try #require(try await offersTests.postOffer(coordinator, organisation: organisation, offerForm()))
            var childrenForm = offerForm(title: "Świetlica dla dzieci w Gdańsku")
            childrenForm["involves_children"] = "on"
            childrenForm["area"] = "children_youth"
            let children = try #require(try await offersTests.postOffer(coordinator, organisation: organisation, childrenForm))
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Ala Nowak", email: "ala@example.org")
            // Without an offer of help the page says what is missing, and still answers.
            let bare = try await volunteer.get("/polecane")
            #expect(bare.status == .ok)
            #expect(bare.body.string.contains("Nie masz jeszcze oferty pomocy"))
            #expect(bare.body.string.contains("Nie podałeś/podałaś umiejętności."))
            #expect(try await TestBrowser(app).get("/polecane").status == .seeOther, "signed-in only")
            // act
            #expect(try await volunteer.post("/moja-oferta-pomocy", [
                "description": "Mogę pomagać seniorom w zakupach i czytać im gazety.", "skills": "cierpliwość, rozmowa", "area_seniors": "on",
                "slot_tue-afternoon": "on", "locality": "gdansk", "distance_km": "15", "active": "on", "languages": "polski",
            ]).status == .seeOther)
            let page = try await volunteer.get("/polecane")
            // validate: the fitting offer with its reasons; the other left out, and why
            let html = page.body.string
            #expect(html.contains("/oferty/\(fitting)"))
            #expect(!html.contains("/oferty/\(children)"))
            for reason in ["2 z 2 umiejętności", "Twój obszar: seniorzy", "Pasuje: wtorek po południu", "0 km od Ciebie"] {
                #expect(html.contains(reason), "\(reason)")
            }
            #expect(html.contains("Praca z dziećmi: potrzebne zaświadczenie"))
            // Saying the record check can be shown brings the second offer in.
            #expect(try await volunteer.post("/moja-oferta-pomocy", [
                "description": "Mogę pomagać seniorom w zakupach i czytać im gazety.", "skills": "cierpliwość, rozmowa", "area_seniors": "on",
                "slot_tue-afternoon": "on", "locality": "gdansk", "distance_km": "15", "active": "on", "record_check": "on",
            ]).status == .seeOther)
            let again = try await volunteer.get("/polecane").body.string
            #expect(again.contains("/oferty/\(children)"))
            let first = try #require(again.range(of: "/oferty/\(fitting)")), second = try #require(again.range(of: "/oferty/\(children)"))
            #expect(first.lowerBound < second.lowerBound, "the better fit first")
            // The search sorted by fit puts the better fit first, though the other is newer.
            let newest = try await volunteer.get("/oferty?q=gdansku&sortuj=newest").body.string
            #expect(try #require(newest.range(of: "/oferty/\(children)")).lowerBound < (try #require(newest.range(of: "/oferty/\(fitting)"))).lowerBound)
            let byFit = try await volunteer.get("/oferty?q=gdansku&sortuj=fit").body.string
            #expect(try #require(byFit.range(of: "/oferty/\(fitting)")).lowerBound < (try #require(byFit.range(of: "/oferty/\(children)"))).lowerBound)
            let anonymous = try await TestBrowser(app).get("/oferty?q=gdansku&sortuj=fit")
            #expect(anonymous.status == .unauthorized && anonymous.body.string.contains("po zalogowaniu"))
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/offers?sort=fit").status == .badRequest)
        }
    }

    @Test func aCoordinatorSeesFittingVolunteersAndInvitesOne() async throws {
        try await withKorpus { app in
            // setup: an offer in Gdańsk; one volunteer nearby who fits, one in Kraków
            let offersTests = OffersTests()
            let (coordinator, organisation) = try await offersTests.verifiedOrganisation(app)
            let offerID = try #require(try await offersTests.postOffer(coordinator, organisation: organisation, offerForm()))
            for (name, email, place) in [("Ala Nowak", "ala@example.org", "gdansk"), ("Bogdan Lis", "bogdan@example.org", "krakow")] {
                let volunteer = TestBrowser(app)
                try await volunteer.registerAndVerify(name: name, email: email)
                #expect(try await volunteer.post("/moja-oferta-pomocy", [
                    "description": "Mogę pomagać seniorom w zakupach i czytać im gazety.", "skills": "cierpliwość", "area_seniors": "on",
                    "slot_tue-afternoon": "on", "locality": place, "distance_km": "15", "active": "on",
                ]).status == .seeOther)
            }
            // act
            let path = "/oferty/\(offerID)/pasujacy-wolontariusze"
            let page = try await coordinator.get(path)
            // validate: only the one who fits, by first name, with reasons
            let html = page.body.string
            #expect(page.status == .ok)
            #expect(html.contains("<h2 class=\"card__title\">Ala</h2>") && !html.contains("Nowak"))
            #expect(!html.contains("Bogdan"))
            #expect(html.contains("Twój obszar: seniorzy") && html.contains("Pasuje: wtorek po południu"))
            let helpOffer = try #require(try await HelpOffer.query(on: app.db).join(User.self, on: \HelpOffer.$volunteer.$id == \User.$id)
                .filter(User.self, \.$email == "ala@example.org").first())
            let invited = try await coordinator.post("/oferty-pomocy/\(helpOffer.requireID())/zapros",
                                                     ["offer_id": offerID.uuidString, "message": "Zapraszamy!", "from": "matches"])
            #expect(invited.headers.first(name: .location)?.hasPrefix(path) == true)
            #expect(try await coordinator.get(path).body.string.contains("Zaproszenie wysłane"))
            #expect(try await Mailbox(app).messages(to: "ala@example.org").contains { $0.template == "offer_invitation" })
            // Nobody else sees the list.
            let (other, _) = try await offersTests.verifiedOrganisation(app, email: "inny@example.org", name: "Stowarzyszenie Inne")
            #expect(try await other.get(path).status == .notFound)
            // The same over the API, for both sides.
            let api = APIClient(app: app, token: try await coordinator.accessToken())
            let fitting = try api.decode(MatchingAPIController.FittingVolunteerList.self, try await api.send(.GET, "/api/v1/offers/\(offerID)/volunteers"))
            #expect(fitting.items.map(\.name) == ["Ala"] && fitting.items.first?.invited == true)
            #expect(try await APIClient(app: app, token: try await other.accessToken()).send(.GET, "/api/v1/offers/\(offerID)/volunteers").status == .notFound)
            let ala = TestBrowser(app)
            _ = try await ala.signIn("ala@example.org", "zielone-jablko-nad-rzeka")
            let own = APIClient(app: app, token: try await ala.accessToken())
            let recommended = try own.decode(MatchingAPIController.RecommendationList.self, try await own.send(.GET, "/api/v1/recommendations"))
            #expect(recommended.items.map(\.offer.id) == [offerID])
            #expect(recommended.items.first?.reasons.contains("Pasuje: wtorek po południu") == true)
            // Once she applies to one of the organisation's offers, its coordinators see her full name.
            #expect(try await ala.post("/oferty/\(offerID)/zgloszenie", ["message": "Chętnie!", "website": ""]).status == .seeOther)
            let known = try api.decode(MatchingAPIController.FittingVolunteerList.self, try await api.send(.GET, "/api/v1/offers/\(offerID)/volunteers"))
            #expect(known.items.map(\.name) == ["Ala Nowak"] && known.items.first?.invited == true)
            // A suspended organisation's coordinators get a refusal; one whose membership was revoked, no list at all.
            let organisationID = try #require(try await Offer.find(offerID, on: app.db)).$organisation.id
            try await Organisation.query(on: app.db).filter(\.$id == organisationID).set(\.$status, to: Organisation.Status.suspended.rawValue).update()
            #expect(try await api.send(.GET, "/api/v1/offers/\(offerID)/volunteers").status == .forbidden)
            try await Organisation.query(on: app.db).filter(\.$id == organisationID).set(\.$status, to: Organisation.Status.verified.rawValue).update()
            #expect(try await api.send(.GET, "/api/v1/offers/\(offerID)/volunteers").status == .ok)
            try await OrganisationMembership.query(on: app.db).filter(\.$organisation.$id == organisationID)
                .set(\.$status, to: OrganisationMembership.Status.revoked.rawValue).update()
            #expect(try await coordinator.get(path).status == .notFound)
        }
    }

    /// The hand-written JSON of the fitting volunteers reads back as the texts it was given.
    @Test func handWrittenJSONStringsReadBack() throws {
        for text in ["", "Ala", "cudzysłów \" i \\ ukośnik", "linia\nnowa\r\tz tabulatorem", "\u{01}\u{1F}\u{7F}", "Ж😀 </script> /", "\u{2028}"] {
            let json = JSONText.quoted(text)
            #expect(try JSONDecoder().decode(String.self, from: Data(json.utf8)) == text, "\(json)")
        }
    }
}
