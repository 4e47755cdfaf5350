import Fluent
import Foundation
import KorpusCore
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Matching: e-mail alerts")
struct AlertsTests {
    @Test func aSavedSearchSendsOnlyNewOffersAndUnsubscribesWithoutSigningIn() async throws {
        try await withKorpus { app in
            // setup: an offer in Gdańsk and a volunteer who saves a search for it
            let offersTests = OffersTests()
            let (coordinator, organisation) = try await offersTests.verifiedOrganisation(app)
            _ = try #require(try await offersTests.postOffer(coordinator, organisation: organisation, offerForm(title: "Spacery z seniorami w Gdańsku")))
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Ala Nowak", email: "ala@example.org")
            let search = try await volunteer.get("/oferty?q=gdansku&sortuj=newest")
            #expect(search.body.string.contains("name=\"query\" value=\"q=gdansku\""), "the search page offers to save the search, without its order")
            // Bad input changes nothing.
            #expect(try await volunteer.post("/powiadomienia-email", ["kind": "search", "query": "q=gdansku", "frequency": "hourly"]).status == .unprocessableEntity)
            #expect(try await volunteer.post("/powiadomienia-email", ["kind": "spam", "query": "q=gdansku", "frequency": "daily"]).status == .badRequest)
            #expect(try await volunteer.post("/powiadomienia-email", ["kind": "search", "query": "miejscowosc=Nibylandia", "frequency": "daily"]).status == .badRequest)
            #expect(try await Alert.query(on: app.db).count() == 0)
            // act
            let saved = try await volunteer.post("/powiadomienia-email", ["kind": "search", "query": "q=gdansku&evil=1", "frequency": "weekly"])
            #expect(saved.headers.first(name: .location) == "/powiadomienia-email?komunikat=alert_saved")
            #expect(try await volunteer.get("/powiadomienia-email").body.string.contains("Wyszukiwanie: gdansku"))
            #expect(try await Alert.query(on: app.db).first()?.query == "q=gdansku", "only the search's own parameters are kept")
            // validate: the first run sends the offer, the next finds nothing due or nothing new
            let now = Date()
            #expect(try await AlertSender.sendDue(app, now: now) == 1)
            let first = try #require(try await Mailbox(app).messages(to: "ala@example.org").last)
            #expect(first.template == "alert_search")
            #expect(Mailbox.text(of: first.rendered).contains("Spacery z seniorami w Gdańsku"))
            #expect(try await AlertSender.sendDue(app, now: now.addingTimeInterval(3_600)) == 0, "not due yet")
            #expect(try await AlertSender.sendDue(app, now: now.addingTimeInterval(8 * 86_400)) == 0, "nothing new")
            _ = try #require(try await offersTests.postOffer(coordinator, organisation: organisation, offerForm(title: "Zakupy dla seniorów w Gdańsku")))
            #expect(try await AlertSender.sendDue(app, now: now.addingTimeInterval(16 * 86_400)) == 1)
            let second = Mailbox.text(of: try #require(try await Mailbox(app).messages(to: "ala@example.org").last).rendered)
            #expect(second.contains("Zakupy dla seniorów w Gdańsku") && !second.contains("Spacery z seniorami w Gdańsku"), "only offers not sent before")
            // Unsubscribing needs no sign-in; a forged or reused link changes nothing.
            let link = try await Mailbox(app).link(to: "ala@example.org", containing: "/wypisz/")
            let stranger = TestBrowser(app)
            #expect(try await stranger.get(link).status == .ok)
            #expect(try await Alert.query(on: app.db).count() == 1, "opening the link changes nothing")
            #expect(try await stranger.post("/wypisz/\(SecureToken.generate())", [:]).status == .notFound)
            #expect(try await stranger.post(link, [:]).status == .seeOther)
            #expect(try await Alert.query(on: app.db).count() == 0)
            let reused = try await stranger.post(link, [:])
            #expect(reused.status == .notFound && reused.body.string.contains("został już użyty"))
        }
    }

    @Test func recommendationsByEmailAndOnlyOwnAlerts() async throws {
        try await withKorpus { app in
            let offersTests = OffersTests()
            let (coordinator, organisation) = try await offersTests.verifiedOrganisation(app)
            _ = try #require(try await offersTests.postOffer(coordinator, organisation: organisation, offerForm()))
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Ala Nowak", email: "ala@example.org")
            #expect(try await volunteer.post("/moja-oferta-pomocy", [
                "description": "Mogę pomagać seniorom w zakupach i czytać im gazety.", "skills": "cierpliwość", "area_seniors": "on",
                "slot_tue-afternoon": "on", "locality": "gdansk", "distance_km": "15", "active": "on",
            ]).status == .seeOther)
            #expect(try await volunteer.get("/polecane").body.string.contains("name=\"kind\" value=\"recommendations\""))
            #expect(try await volunteer.post("/powiadomienia-email", ["kind": "recommendations", "frequency": "daily"]).status == .seeOther)
            #expect(try await AlertSender.sendDue(app) == 1)
            #expect(try await Mailbox(app).messages(to: "ala@example.org").last?.template == "alert_recommendations")
            let alert = try #require(try await Alert.query(on: app.db).first())
            let other = TestBrowser(app)
            try await other.registerAndVerify(name: "Bob Lis", email: "bob@example.org")
            #expect(try await other.post("/powiadomienia-email/\(alert.requireID())/usun", [:]).status == .notFound)
            #expect(try await volunteer.post("/powiadomienia-email/\(alert.requireID())/usun", [:]).status == .seeOther)
            #expect(try await Alert.query(on: app.db).count() == 0)
        }
    }
}
