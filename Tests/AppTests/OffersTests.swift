import Fluent
import KorpusCore
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import App

/// A valid offer form: regular work in Gdańsk on Tuesday afternoons.
func offerForm(title: String = "Spacery z seniorami w Gdańsku", needed: Int = 1, publish: Bool = true) -> [String: String] {
    var fields = [
        "title": title, "description": "Raz w tygodniu spacerujesz z osobą starszą po parku i rozmawiasz. Seniorom to bardzo pomaga.",
        "area": "seniors", "skills": "cierpliwość, rozmowa", "schedule": "regular", "starts_on": OfferDates.today(),
        "ends_on": "2099-12-31", "hours_per_week": "3", "locality": "gdansk", "voivodeship": "", "address": "ul. Długa 1",
        "volunteers_needed": String(needed), "minimum_age": "16", "languages": "polski", "recruitment_deadline": "",
        "slot_tue-afternoon": "on", "minors_welcome": "on", "provides_insurance": "on",
    ]
    if publish { fields["publish"] = "on" }
    return fields
}

@Suite("SOW: offers, search and applications")
struct OffersTests {
    /// A verified organisation with a coordinator signed in.
    func verifiedOrganisation(_ app: Application, email: String = "koordynator@example.org", name: String = "Fundacja Testowa",
                              locality: String = "gdansk", verified: Bool = true) async throws -> (TestBrowser, UUID) {
        let browser = TestBrowser(app)
        try await browser.registerAndVerify(name: "Koordynator", email: email)
        let response = try await browser.postMultipart("/organizacje/nowa", foundationForm(name: name, locality: locality), file: nil)
        let id = try #require(response.headers.first(name: .location)?.split(separator: "/").dropFirst().first.flatMap { UUID(uuidString: String($0)) })
        if verified {
            let organisation = try #require(try await Organisation.find(id, on: app.db))
            organisation.status = Organisation.Status.verified.rawValue
            try await organisation.save(on: app.db)
        }
        return (browser, id)
    }

    func postOffer(_ browser: TestBrowser, organisation: UUID, _ fields: [String: String]) async throws -> UUID? {
        let response = try await browser.post("/organizacje/\(organisation)/oferty/nowa", fields)
        guard response.status == .seeOther else { return nil }
        return response.headers.first(name: .location)?.split(separator: "/").dropFirst().first
            .flatMap { UUID(uuidString: String($0.split(separator: "?").first ?? "")) }
    }

    @Test func postFindApplyAcceptReserveAndMoveUp() async throws {
        try await withKorpus { app in
            // setup: a coordinator posts an offer for one volunteer
            let (coordinator, organisation) = try await verifiedOrganisation(app)
            let offerID = try #require(try await postOffer(coordinator, organisation: organisation, offerForm(needed: 1)))
            // act: volunteers find it by a word without diacritics and by distance
            let first = TestBrowser(app)
            try await first.registerAndVerify(name: "Ala Pierwsza", email: "ala@example.org")
            for query in ["q=seniorow", "q=gdansk", "q=Gda%C5%84sk", "miejscowosc=sopot&odleglosc=25", "miejscowosc=gdynia&odleglosc=30&sortuj=nearest"] {
                let page = try await first.get("/oferty?\(query)")
                #expect(page.status == .ok, "\(query)")
                #expect(page.body.string.contains("Spacery z seniorami w Gdańsku"), "\(query) finds the offer")
            }
            #expect(!(try await first.get("/oferty?miejscowosc=krakow&odleglosc=50").body.string.contains("Spacery z seniorami")))
            #expect(!(try await first.get("/oferty?q=psy").body.string.contains("Spacery z seniorami")))
            // The first volunteer applies and is accepted.
            #expect(try await first.post("/oferty/\(offerID)/zgloszenie", ["message": "Chętnie!", "website": ""]).status == .seeOther)
            #expect(try await first.post("/oferty/\(offerID)/zgloszenie", ["message": "Jeszcze raz", "website": ""]).status == .conflict, "not twice")
            let firstApplication = try #require(try await OfferApplication.query(on: app.db).filter(\.$offer.$id == offerID).first())
            #expect(firstApplication.status == "pending")
            #expect(try await Mailbox(app).messages(to: "koordynator@example.org").contains { $0.template == "application_new" })
            let applicationsPage = try await coordinator.get("/oferty/\(offerID)/zgloszenia")
            #expect(applicationsPage.body.string.contains("Ala Pierwsza"))
            #expect(try await coordinator.post("/zgloszenia/\(firstApplication.requireID())/decyzja", ["decision": "accepted"]).status == .seeOther)
            #expect(try await OfferApplication.find(firstApplication.requireID(), on: app.db)?.status == "accepted")
            #expect(try await Mailbox(app).messages(to: "ala@example.org").contains { $0.template == "application_accepted" })
            // The second volunteer lands on the reserve list…
            let second = TestBrowser(app)
            try await second.registerAndVerify(name: "Bartek Drugi", email: "bartek@example.org")
            let applied = try await second.post("/oferty/\(offerID)/zgloszenie", ["message": "", "website": ""])
            #expect(applied.headers.first(name: .location)?.contains("application_reserve") == true)
            let secondApplication = try #require(try await OfferApplication.query(on: app.db).filter(\.$offer.$id == offerID)
                .filter(\.$status == "reserve").first())
            // …cannot be accepted over the limit…
            #expect(try await coordinator.post("/zgloszenia/\(secondApplication.requireID())/decyzja", ["decision": "accepted"]).status == .conflict)
            // …and moves up when the first withdraws.
            #expect(try await first.post("/zgloszenia/\(firstApplication.requireID())/wycofaj", [:]).status == .seeOther)
            #expect(try await OfferApplication.find(firstApplication.requireID(), on: app.db)?.status == "withdrawn")
            #expect(try await OfferApplication.find(secondApplication.requireID(), on: app.db)?.status == "accepted")
            #expect(try await Mailbox(app).messages(to: "bartek@example.org").contains { $0.template == "application_promoted" })
            let mine = try await second.get("/moje-zgloszenia")
            #expect(mine.body.string.contains("przyjęte"))
            // Both sides filter their lists.
            #expect(try await first.get("/moje-zgloszenia?stan=withdrawn").body.string.contains("Spacery z seniorami"))
            #expect(!(try await first.get("/moje-zgloszenia?stan=accepted").body.string.contains("Spacery z seniorami")))
            #expect(try await first.get("/moje-zgloszenia?stan=nonsense").status == .badRequest)
            let all = try await coordinator.get("/organizacje/\(organisation)/zgloszenia").body.string
            #expect(all.contains("Ala Pierwsza") && all.contains("Bartek Drugi"))
            let accepted = try await coordinator.get("/organizacje/\(organisation)/zgloszenia?stan=accepted&oferta=\(offerID)").body.string
            #expect(accepted.contains("Bartek Drugi") && !accepted.contains("Ala Pierwsza"))
            #expect(try await coordinator.get("/organizacje/\(organisation)/zgloszenia?oferta=\(UUID())").status == .notFound)
            #expect(try await second.get("/organizacje/\(organisation)/zgloszenia").status == .notFound, "only its coordinators")
        }
    }

    @Test func offerFormRefusesBadInputAndShowsHTMLAsText() async throws {
        try await withKorpus { app in
            let (coordinator, organisation) = try await verifiedOrganisation(app)
            var bad = offerForm()
            bad["title"] = "ab"
            bad["area"] = "piracy"
            bad["ends_on"] = "2000-01-01"
            bad["hours_per_week"] = "-3"
            bad["volunteers_needed"] = "0"
            bad["minimum_age"] = "5"
            bad["slot_tue-afternoon"] = nil
            bad["slot_xyz-noon"] = "on"
            let refused = try await coordinator.post("/organizacje/\(organisation)/oferty/nowa", bad)
            #expect(refused.status == .unprocessableEntity)
            for message in ["Tytuł musi mieć", "Wybierz obszar.", "Koniec nie może być przed początkiem.", "Podaj liczbę od 0 do 60.",
                            "Podaj liczbę od 1 do 1000.", "Podaj liczbę od 13 do 99.", "Nie znamy takiej pory tygodnia."] {
                #expect(refused.body.string.contains(message), "\(message)")
            }
            #expect(try await Offer.query(on: app.db).count() == 0)
            var hostile = offerForm(title: "<script>alert('x')</script> Pomoc")
            hostile["description"] = "<img src=x onerror=alert(1)> Opis oferty, który jest wystarczająco długi."
            let id = try #require(try await postOffer(coordinator, organisation: organisation, hostile))
            let page = try await TestBrowser(app).get("/oferty/\(id)")
            #expect(!page.body.string.contains("<script>alert"))
            #expect(!page.body.string.contains("<img src=x"))
            #expect(page.body.string.contains("&lt;script&gt;"))
            // The search page's cards are written in Swift, not by the template: escaped all the same.
            let found = try await TestBrowser(app).get("/oferty?q=pomoc")
            #expect(found.body.string.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Pomoc</a>"))
            #expect(!found.body.string.contains("<script>alert"))
        }
    }

    @Test func oneOrganisationCannotTouchAnothersOffersOrApplications() async throws {
        try await withKorpus { app in
            let (first, firstOrganisation) = try await verifiedOrganisation(app)
            let offerID = try #require(try await postOffer(first, organisation: firstOrganisation, offerForm()))
            let (second, _) = try await verifiedOrganisation(app, email: "inny@example.org", name: "Fundacja Druga")
            #expect(try await second.get("/oferty/\(offerID)/edycja").status == .notFound)
            #expect(try await second.post("/oferty/\(offerID)/edycja", offerForm(title: "Przejęta oferta")).status == .notFound)
            #expect(try await second.post("/oferty/\(offerID)/stan", ["status": "closed"]).status == .notFound)
            #expect(try await second.get("/oferty/\(offerID)/zgloszenia").status == .notFound)
            #expect(try await second.post("/organizacje/\(firstOrganisation)/oferty/nowa", offerForm()).status == .notFound)
            #expect(try await Offer.find(offerID, on: app.db)?.title == "Spacery z seniorami w Gdańsku")
            // An application to the first organisation's offer cannot be decided by the second.
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Ala", email: "ala@example.org")
            _ = try await volunteer.post("/oferty/\(offerID)/zgloszenie", ["message": "", "website": ""])
            let application = try #require(try await OfferApplication.query(on: app.db).first())
            #expect(try await second.post("/zgloszenia/\(application.requireID())/decyzja", ["decision": "declined", "reason": "nie"]).status == .notFound)
            #expect(try await second.post("/zgloszenia/\(application.requireID())/wycofaj", [:]).status == .notFound, "nor withdrawn by someone else")
            #expect(try await OfferApplication.find(application.requireID(), on: app.db)?.status == "pending")
        }
    }

    @Test func applicationsAreRefusedWhenTheyMustBe() async throws {
        try await withKorpus { app in
            let (coordinator, organisation) = try await verifiedOrganisation(app)
            var adults = offerForm(title: "Dyżury w jadłodajni")
            adults["minors_welcome"] = nil
            adults["minimum_age"] = "18"
            let adultsOnly = try #require(try await postOffer(coordinator, organisation: organisation, adults))
            let open = try #require(try await postOffer(coordinator, organisation: organisation, offerForm()))
            let draft = try #require(try await postOffer(coordinator, organisation: organisation, offerForm(title: "Szkic oferty", publish: false)))
            // A minor without the guardian's consent.
            let minor = TestBrowser(app)
            try await minor.registerAndVerify(name: "Ola", email: "ola@example.org", born: "2010-01-01", guardianEmail: "mama@example.org")
            let noConsent = try await minor.post("/oferty/\(open)/zgloszenie", ["message": "", "website": ""])
            #expect(noConsent.status == .forbidden)
            #expect(noConsent.body.string.contains("zgoda Twojego opiekuna"))
            #expect(try await minor.post("/oferty/\(adultsOnly)/zgloszenie", ["message": "", "website": ""]).status == .forbidden)
            // A draft is not found by others; a closed offer takes no applications.
            let adult = TestBrowser(app)
            try await adult.registerAndVerify(name: "Ala", email: "ala@example.org")
            #expect(try await adult.post("/oferty/\(draft)/zgloszenie", ["message": "", "website": ""]).status == .notFound)
            #expect(try await coordinator.post("/oferty/\(open)/stan", ["status": "closed"]).status == .seeOther)
            #expect(try await adult.post("/oferty/\(open)/zgloszenie", ["message": "", "website": ""]).status == .conflict)
            #expect(try await coordinator.post("/oferty/\(open)/stan", ["status": "draft"]).status == .conflict, "no way back to a draft")
            // The honeypot.
            #expect(try await coordinator.post("/oferty/\(open)/stan", ["status": "published"]).status == .seeOther)
            #expect(try await adult.post("/oferty/\(open)/zgloszenie", ["message": "", "website": "http://spam.example"]).status == .badRequest)
            #expect(try await OfferApplication.query(on: app.db).count() == 0)
        }
    }

    @Test(arguments: [
        "odleglosc=-5&miejscowosc=gdansk", "odleglosc=1000000000&miejscowosc=gdansk", "strona=1000000000", "strona=0",
        "obszar=piracy", "wojewodztwo=99", "sortuj=random", "od=2026-02-30", "sortuj=nearest", "miejscowosc=Nibylandia",
    ])
    func badSearchesAreRefusedClearly(query: String) async throws {
        try await withKorpus { app in
            let page = try await TestBrowser(app).get("/oferty?\(query)")
            #expect(page.status == .badRequest, "\(query)")
            #expect(page.body.string.contains(#"role="alert""#))
            let api = try await app.testing().sendRequest(.GET, "/api/v1/offers?\(query.replacingOccurrences(of: "odleglosc", with: "distance").replacingOccurrences(of: "miejscowosc", with: "locality").replacingOccurrences(of: "strona", with: "page").replacingOccurrences(of: "obszar", with: "area").replacingOccurrences(of: "wojewodztwo", with: "voivodeship").replacingOccurrences(of: "sortuj", with: "sort").replacingOccurrences(of: "od=", with: "from="))")
            #expect(api.status == .badRequest, "API \(query)")
            #expect(api.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true)
        }
    }

    @Test func longAndHostileSearchesAreHarmless() async throws {
        try await withKorpus { app in
            let long = String(repeating: "a", count: 5000)
            #expect(try await TestBrowser(app).get("/oferty?q=\(long)").status == .badRequest)
            for hostile in ["%27%20OR%201%3D1%20--", "%22%2A%20NEAR", "%3Cscript%3E", "%00"] {
                let page = try await TestBrowser(app).get("/oferty?q=\(hostile)")
                #expect(page.status == .ok, "\(hostile)")
                #expect(!page.body.string.contains("<script>"))
            }
        }
    }

    @Test func searchOverTheAPIAndItsDocument() async throws {
        try await withKorpus { app in
            _ = try await DemoContent.seed(on: app.db, administratorEmail: "admin@example.org", passwordHasher: app.password)
            let response = try await app.testing().sendRequest(.GET, "/api/v1/offers?q=seniorow&voivodeship=22&locality=gdansk&distance=25")
            #expect(response.status == .ok)
            let list = try JSONDecoder().decode(OffersAPIController.OfferList.self, from: Data(response.body.string.utf8))
            #expect(list.total > 0)
            #expect(list.items.allSatisfy { $0.voivodeship == "22" && $0.status == "published" })
            #expect(list.items.allSatisfy { $0.remote || ($0.distanceKm ?? 999) <= 25.5 })
            let one = try #require(list.items.first)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/offers/\(one.id)").status == .ok)
            let draft = try #require(try await Offer.query(on: app.db).filter(\.$status == "draft").first())
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/offers/\(draft.requireID())").status == .notFound)
            // The demo covers every voivodeship and every area, with applications in every state.
            let offers = try await Offer.query(on: app.db).all()
            #expect(offers.count >= 200)
            #expect(Set(offers.compactMap(\.voivodeshipCode)).count == 16)
            #expect(Set(offers.map(\.area)) == Set(OfferArea.allCases.map(\.rawValue)))
            #expect(Set(try await OfferApplication.query(on: app.db).all().map(\.status)) == Set(OfferApplication.Status.allCases.map(\.rawValue)))
            // Paging.
            let second = try await app.testing().sendRequest(.GET, "/api/v1/offers?page=2")
            let page2 = try JSONDecoder().decode(OffersAPIController.OfferList.self, from: Data(second.body.string.utf8))
            #expect(page2.page == 2)
            #expect(page2.items.count == 20)
        }
    }
}

/// A client of the JSON API with a bearer token.
struct APIClient {
    let app: Application
    let token: String?

    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, json: String? = nil, contentType: HTTPMediaType = .json) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let token { headers.add(name: .authorization, value: "Bearer \(token)") }
        if json != nil { headers.contentType = contentType }
        headers.add(name: .acceptLanguage, value: "pl")
        return try await app.testing().sendRequest(method, path, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    func decode<T: Decodable>(_ type: T.Type, _ response: TestingHTTPResponse) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(response.body.string.utf8))
    }
}

@Suite("SOW over the API")
struct OffersAPITests {
    static var offerJSON: String { """
        {"title": "Korepetycje z matematyki w Gdańsku", "description": "Pomagasz uczniom szkoły podstawowej odrobić lekcje i zrozumieć ułamki.",
         "area": "education", "skills": ["matematyka", "cierpliwość"], "schedule": "regular", "weekly_slots": ["wed-afternoon"],
         "hours_per_week": 2, "locality": "gdansk", "address": "ul. Szkolna 3", "volunteers_needed": 1, "minimum_age": 16,
         "minors_welcome": true, "languages": "polski", "publish": true, "starts_on": "\(OfferDates.today())", "ends_on": "2099-12-31"}
        """ }

    @Test func coordinatorsWriteOffersAndBothSidesMoveApplications() async throws {
        try await withKorpus { app in
            // setup: a coordinator, another organisation's coordinator, two volunteers, each with a token
            let (coordinatorBrowser, organisation) = try await OffersTests().verifiedOrganisation(app)
            let coordinator = APIClient(app: app, token: try await coordinatorBrowser.accessToken())
            let (otherBrowser, _) = try await OffersTests().verifiedOrganisation(app, email: "inny@example.org", name: "Stowarzyszenie Inne")
            let other = APIClient(app: app, token: try await otherBrowser.accessToken())
            var volunteers: [APIClient] = []
            for (name, email) in [("Ala Nowak", "ala@example.org"), ("Bartek Lis", "bartek@example.org")] {
                let browser = TestBrowser(app)
                try await browser.registerAndVerify(name: name, email: email)
                volunteers.append(APIClient(app: app, token: try await browser.accessToken()))
            }
            // act: the coordinator writes and publishes an offer
            let created = try await coordinator.send(.POST, "/api/v1/organisations/\(organisation)/offers", json: Self.offerJSON)
            #expect(created.status == .created, "\(created.body.string)")
            let offer = try coordinator.decode(OffersAPIController.OfferDTO.self, created)
            #expect(created.headers.first(name: .location) == "/api/v1/offers/\(offer.id)")
            #expect(offer.status == "published" && offer.weeklySlots == ["wed-afternoon"] && offer.skills == ["matematyka", "cierpliwość"])
            #expect(offer.locality == "Gdańsk")
            // bad input changes nothing and says which field is wrong, in Polish
            let short = try await coordinator.send(.POST, "/api/v1/organisations/\(organisation)/offers",
                                                   json: Self.offerJSON.replacingOccurrences(of: "Korepetycje z matematyki w Gdańsku", with: "Abc"))
            #expect(short.status == .unprocessableEntity)
            let problem = try coordinator.decode(ProblemDocument.self, short)
            #expect(problem.errors?["title"] != nil)
            #expect(problem.detail.contains("pola"))
            #expect(try await coordinator.send(.POST, "/api/v1/organisations/\(organisation)/offers", json: "{\"title\": ").status == .badRequest)
            #expect(try await coordinator.send(.POST, "/api/v1/organisations/\(organisation)/offers", json: "title=x", contentType: .urlEncodedForm).status == .unsupportedMediaType)
            #expect(try await other.send(.POST, "/api/v1/organisations/\(organisation)/offers", json: Self.offerJSON).status == .notFound)
            #expect(try await APIClient(app: app, token: nil).send(.POST, "/api/v1/organisations/\(organisation)/offers", json: Self.offerJSON).status == .unauthorized)
            #expect(try await Offer.query(on: app.db).count() == 1)
            // update: only its own coordinators
            let changed = Self.offerJSON.replacingOccurrences(of: "Korepetycje z matematyki", with: "Korepetycje z fizyki")
            #expect(try await other.send(.PUT, "/api/v1/offers/\(offer.id)", json: changed).status == .notFound)
            let updated = try await coordinator.send(.PUT, "/api/v1/offers/\(offer.id)", json: changed)
            #expect(updated.status == .ok)
            #expect(try coordinator.decode(OffersAPIController.OfferDTO.self, updated).title == "Korepetycje z fizyki w Gdańsku")
            #expect(try await APIClient(app: app, token: nil).send(.GET, "/api/v1/offers?q=fizyki").body.string.contains(offer.id.uuidString))
            // applications: the second volunteer lands on the reserve list once the first is accepted
            // A NUL character (which PostgreSQL cannot store; schemathesis sent one) is dropped, as from forms.
            let first = try await volunteers[0].send(.POST, "/api/v1/offers/\(offer.id)/applications", json: #"{"message": "Lubię\u0000 matematykę."}"#)
            #expect(first.status == .created)
            #expect(try volunteers[0].decode(OffersAPIController.ApplicationDTO.self, first).message == "Lubię matematykę.")
            let firstID = try volunteers[0].decode(OffersAPIController.ApplicationDTO.self, first).id
            #expect(try await volunteers[0].send(.POST, "/api/v1/offers/\(offer.id)/applications", json: "{}").status == .conflict, "twice")
            let accepted = try await coordinator.send(.POST, "/api/v1/applications/\(firstID)/state", json: #"{"status": "accepted"}"#)
            #expect(try coordinator.decode(OffersAPIController.ApplicationDTO.self, accepted).status == "accepted")
            let second = try await volunteers[1].send(.POST, "/api/v1/offers/\(offer.id)/applications", json: "{}")
            let secondApplication = try volunteers[1].decode(OffersAPIController.ApplicationDTO.self, second)
            #expect(secondApplication.status == "reserve")
            #expect(try await coordinator.send(.POST, "/api/v1/applications/\(secondApplication.id)/state", json: #"{"status": "accepted"}"#).status == .conflict, "no place left")
            #expect(try await coordinator.send(.POST, "/api/v1/applications/\(secondApplication.id)/state", json: #"{"status": "declined"}"#).status == .unprocessableEntity, "a reason is needed")
            #expect(try await coordinator.send(.POST, "/api/v1/applications/\(secondApplication.id)/state", json: #"{"status": "declined", "reason": "\u0000"}"#).status == .unprocessableEntity, "a reason of NUL alone is none")
            #expect(try await coordinator.send(.POST, "/api/v1/applications/\(secondApplication.id)/state", json: #"{"status": "maybe"}"#).status == .badRequest)
            #expect(try await volunteers[1].send(.POST, "/api/v1/applications/\(firstID)/state", json: #"{"status": "withdrawn"}"#).status == .notFound, "not hers")
            #expect(try await other.send(.POST, "/api/v1/applications/\(firstID)/state", json: #"{"status": "declined", "reason": "Nie"}"#).status == .notFound)
            #expect(try await volunteers[1].send(.POST, "/api/v1/applications/\(secondApplication.id)/state", json: #"{"status": "accepted"}"#).status == .notFound, "volunteers do not decide")
            // the first withdraws: the second moves up
            let withdrawn = try await volunteers[0].send(.POST, "/api/v1/applications/\(firstID)/state", json: #"{"status": "withdrawn"}"#)
            #expect(try volunteers[0].decode(OffersAPIController.ApplicationDTO.self, withdrawn).status == "withdrawn")
            let mine = try volunteers[1].decode(OffersAPIController.ApplicationList.self, try await volunteers[1].send(.GET, "/api/v1/applications"))
            #expect(mine.items.map(\.status) == ["accepted"])
            #expect(mine.items.first?.volunteerEmail == nil)
            #expect(try await volunteers[1].send(.GET, "/api/v1/applications?status=nonsense").status == .badRequest)
            let list = try coordinator.decode(OffersAPIController.ApplicationList.self,
                                              try await coordinator.send(.GET, "/api/v1/offers/\(offer.id)/applications?status=accepted"))
            #expect(list.items.map(\.volunteerEmail) == ["bartek@example.org"])
            #expect(try await other.send(.GET, "/api/v1/offers/\(offer.id)/applications").status == .notFound)
            #expect(try await Mailbox(app).messages(to: "bartek@example.org").contains { $0.template == "application_promoted" })
        }
    }
}

@Suite("SOW: offers of help and invitations")
struct HelpOffersTests {
    @Test func coordinatorFindsAnOfferOfHelpAndInvitesItsAuthor() async throws {
        try await withKorpus { app in
            // setup: a volunteer describes how they can help; a coordinator has a published offer
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Zuzanna Kwiatkowska", email: "zuza@example.org")
            #expect(try await volunteer.get("/moja-oferta-pomocy").status == .ok)
            let short = try await volunteer.post("/moja-oferta-pomocy", ["description": "krótko", "distance_km": "10", "locality": "gdansk"])
            #expect(short.status == .unprocessableEntity)
            let saved = try await volunteer.post("/moja-oferta-pomocy", [
                "description": "Mogę pomagać seniorom w zakupach i czytać im gazety.", "skills": "cierpliwość", "area_seniors": "on",
                "slot_tue-afternoon": "on", "locality": "gdansk", "distance_km": "15", "active": "on",
            ])
            #expect(saved.status == .seeOther)
            let offersTests = OffersTests()
            let (coordinator, organisation) = try await offersTests.verifiedOrganisation(app)
            let offerID = try #require(try await offersTests.postOffer(coordinator, organisation: organisation, offerForm()))
            // Only coordinators of verified organisations search offers of help.
            #expect(try await volunteer.get("/oferty-pomocy").status == .forbidden)
            // act: the coordinator finds it by a word without diacritics and by distance; only the first name shows
            for query in ["q=seniorow", "q=zakupach", "miejscowosc=sopot&odleglosc=20"] {
                let page = try await coordinator.get("/oferty-pomocy?\(query)")
                #expect(page.status == .ok, "\(query)")
                #expect(page.body.string.contains("Zuzanna"), "\(query)")
                #expect(!page.body.string.contains("Kwiatkowska"), "the surname stays private")
            }
            #expect(!(try await coordinator.get("/oferty-pomocy?miejscowosc=krakow&odleglosc=30").body.string.contains("Zuzanna")))
            let helpOffer = try #require(try await HelpOffer.query(on: app.db).first())
            let invited = try await coordinator.post("/oferty-pomocy/\(helpOffer.requireID())/zapros", ["offer_id": offerID.uuidString, "message": "Zapraszamy!"])
            #expect(invited.status == .seeOther)
            #expect(try await coordinator.post("/oferty-pomocy/\(helpOffer.requireID())/zapros", ["offer_id": offerID.uuidString]).status == .conflict)
            #expect(try await Mailbox(app).messages(to: "zuza@example.org").contains { $0.template == "offer_invitation" })
            // The volunteer accepts; the application is accepted and the full name now shows.
            let mine = try await volunteer.get("/moje-zgloszenia")
            #expect(mine.body.string.contains("Spacery z seniorami w Gdańsku"))
            let invitation = try #require(try await OfferInvitation.query(on: app.db).first())
            #expect(try await volunteer.post("/zaproszenia-do-ofert/\(invitation.requireID())/odpowiedz", ["answer": "accept"]).status == .seeOther)
            #expect(try await OfferApplication.query(on: app.db).filter(\.$offer.$id == offerID).first()?.status == "accepted")
            #expect(try await coordinator.get("/oferty-pomocy?q=seniorow").body.string.contains("Zuzanna Kwiatkowska"))
            #expect(try await volunteer.post("/zaproszenia-do-ofert/\(invitation.requireID())/odpowiedz", ["answer": "accept"]).status == .conflict)
        }
    }

    @Test func invitationsAreForTheirVolunteerAndTheCoordinatorsOwnOffers() async throws {
        try await withKorpus { app in
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Zuzanna K", email: "zuza@example.org")
            _ = try await volunteer.post("/moja-oferta-pomocy", ["description": "Mogę pomagać seniorom w zakupach.", "locality": "gdansk", "distance_km": "15", "active": "on"])
            let offersTests = OffersTests()
            let (first, firstOrganisation) = try await offersTests.verifiedOrganisation(app)
            let firstOffer = try #require(try await offersTests.postOffer(first, organisation: firstOrganisation, offerForm()))
            let (second, _) = try await offersTests.verifiedOrganisation(app, email: "drugi@example.org", name: "Fundacja Druga")
            let helpOffer = try #require(try await HelpOffer.query(on: app.db).first())
            // Another organisation's offer cannot be used to invite.
            #expect(try await second.post("/oferty-pomocy/\(helpOffer.requireID())/zapros", ["offer_id": firstOffer.uuidString]).status == .notFound)
            _ = try await first.post("/oferty-pomocy/\(helpOffer.requireID())/zapros", ["offer_id": firstOffer.uuidString])
            let invitation = try #require(try await OfferInvitation.query(on: app.db).first())
            // Someone else cannot answer it.
            let stranger = TestBrowser(app)
            try await stranger.registerAndVerify(name: "Obcy", email: "obcy@example.org")
            #expect(try await stranger.post("/zaproszenia-do-ofert/\(invitation.requireID())/odpowiedz", ["answer": "accept"]).status == .notFound)
            #expect(try await volunteer.post("/zaproszenia-do-ofert/\(invitation.requireID())/odpowiedz", ["answer": "maybe"]).status == .badRequest)
            #expect(try await volunteer.post("/zaproszenia-do-ofert/\(invitation.requireID())/odpowiedz", ["answer": "decline"]).status == .seeOther)
            #expect(try await OfferApplication.query(on: app.db).count() == 0)
        }
    }
}

@Suite("SOW: operators against abuse")
struct OfferModerationTests {
    @Test func anOperatorHidesAnOfferAndSuspendsASpammer() async throws {
        try await withKorpus { app in
            _ = try await DemoContent.seed(on: app.db, administratorEmail: "admin@example.org", passwordHasher: app.password)
            let offer = try #require(try await Offer.query(on: app.db).join(Organisation.self, on: \Offer.$organisation.$id == \Organisation.$id)
                .filter(Organisation.self, \.$name == "Fundacja Pomocna Dłoń").filter(\.$status == "published").first())
            let offerID = try offer.requireID()
            let query = TestBrowser.encode(offer.title + " pomocna dłoń")
            let outsider = TestBrowser(app)
            _ = try await outsider.signIn("operator.malopolskie@demo.korpus.local")
            #expect(try await outsider.post("/oferty/\(offerID)/ukrycie", ["reason": "Spam w treści oferty"]).status == .forbidden)
            let local = TestBrowser(app)
            _ = try await local.signIn("operator.pomorskie@demo.korpus.local")
            #expect(try await local.post("/oferty/\(offerID)/ukrycie", ["reason": ""]).status == .unprocessableEntity)
            #expect(try await local.post("/oferty/\(offerID)/ukrycie", ["reason": "Oferta wymaga opłaty od wolontariuszy."]).status == .seeOther)
            #expect(try await TestBrowser(app).get("/oferty/\(offerID)").status == .notFound, "hidden from the public")
            #expect(!(try await TestBrowser(app).get("/oferty?q=\(query)").body.string.contains(offerID.uuidString)))
            #expect(try await local.get("/oferty/\(offerID)").body.string.contains("Oferta wymaga opłaty"))
            #expect(try await Mailbox(app).messages(to: "ewa.nowicka@demo.korpus.local").contains { $0.template == "offer_hidden" })
            #expect(try await local.post("/oferty/\(offerID)/ukrycie", ["action": "show"]).status == .seeOther)
            #expect(try await TestBrowser(app).get("/oferty/\(offerID)").status == .ok)
            #expect(try await TestBrowser(app).get("/oferty?q=\(query)").body.string.contains(offerID.uuidString), "found again once shown")
            // A suspended organisation's offers leave the search, and come back when it is verified again.
            let organisationID = offer.$organisation.id
            #expect(try await local.post("/partner/organizacje/\(organisationID)/weryfikacja", ["decision": "suspend", "reason": "Pobieranie opłat od wolontariuszy."]).status == .seeOther)
            #expect(!(try await TestBrowser(app).get("/oferty?q=\(query)").body.string.contains(offerID.uuidString)))
            #expect(try await local.post("/partner/organizacje/\(organisationID)/weryfikacja", ["decision": "verify"]).status == .seeOther)
            #expect(try await TestBrowser(app).get("/oferty?q=\(query)").body.string.contains(offerID.uuidString))
            // Suspending: someone in the area, not outside it.
            let spammer = TestBrowser(app)
            _ = try await spammer.signIn("anna.kowalska@demo.korpus.local")
            #expect(try await outsider.post("/partner/zawieszenie-konta", ["email": "anna.kowalska@demo.korpus.local", "reason": "Spam w wiadomościach"]).status == .forbidden)
            #expect(try await local.post("/partner/zawieszenie-konta", ["email": "anna.kowalska@demo.korpus.local", "reason": "Spam w wiadomościach"]).status == .seeOther)
            #expect(try await spammer.get("/konto").status == .seeOther, "signed out at once")
            #expect(try await TestBrowser(app).signIn("anna.kowalska@demo.korpus.local").status == .forbidden)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.accountSuspended.rawValue).count() == 1)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.offerHidden.rawValue).count() == 1)
        }
    }
}

@Suite("The reference data set")
struct ReferenceDataTests {
    @Test func aSmallReferenceSetIsSearchable() async throws {
        try await withKorpus { app in
            // act
            let data = ReferenceData(db: app.db, size: .small, passwordHash: try app.password.hash("x"))
            let counts = try await data.seed()
            // validate
            #expect(counts["offers"] == 2_000)
            #expect(try await Offer.query(on: app.db).count() == 2_000)
            #expect(try await OfferApplication.query(on: app.db).count() == 4_000)
            #expect(try await Organisation.query(on: app.db).count() == 400)
            var filter = OfferFilter()
            filter.text = "seniorow"
            let result = try await OfferSearch.search(filter, memory: app.memoryIndexes, on: app.db)
            #expect(result.total > 0)
            #expect(result.offers.allSatisfy { $0.status == "published" })
            let api = try await app.testing().sendRequest(.GET, "/api/v1/offers?q=senior&voivodeship=14&locality=warszawa&distance=25")
            #expect(api.status == .ok)
            // What bench/ measures: a volunteer's recommendations and the volunteers that fit an offer, over the API.
            #expect(counts["offers of help"] == 400)
            let access = try await data.benchAccess()
            let volunteer = APIClient(app: app, token: access.volunteerToken)
            let recommended = try volunteer.decode(MatchingAPIController.RecommendationList.self, try await volunteer.send(.GET, "/api/v1/recommendations"))
            #expect(!recommended.items.isEmpty)
            let coordinator = APIClient(app: app, token: access.coordinatorToken)
            let fitting = try await coordinator.send(.GET, "/api/v1/offers/\(access.offerID)/volunteers")
            #expect(fitting.status == .ok)
            #expect(!(try coordinator.decode(MatchingAPIController.FittingVolunteerList.self, fitting).items.isEmpty))
        }
    }

    /// The index answers exactly what a plain reading of every offer answers, for words, voivodeship and distance.
    @Test func theIndexFindsWhatAReadingOfEveryOfferFinds() async throws {
        try await withKorpus { app in
            _ = try await ReferenceData(db: app.db, size: .small, passwordHash: try app.password.hash("x")).seed()
            let offers = try await Offer.query(on: app.db).filter(\.$status == "published").filter(\.$hiddenReason == nil).all()
            let warsaw = (latitude: 52.2298, longitude: 21.0118)
            func expected(_ text: String, voivodeship: String?, kilometres: Double?) -> Int {
                let terms = SearchTerms.terms(text)
                return offers.filter { offer in
                    let words = offer.searchText.split(separator: " ")
                    guard terms.allSatisfy({ term in words.contains { $0.hasPrefix(term) } }) else { return false }
                    if let voivodeship, offer.voivodeshipCode != voivodeship { return false }
                    guard let kilometres, !offer.remote else { return true }
                    guard let latitude = offer.latitude, let longitude = offer.longitude else { return false }
                    let dLat = (latitude - warsaw.latitude) * DistanceSQL.kilometresPerDegree
                    let dLon = (longitude - warsaw.longitude) * DistanceSQL.kilometresPerDegree * cos(warsaw.latitude * .pi / 180)
                    return dLat * dLat + dLon * dLon <= kilometres * kilometres
                }.count
            }
            for (text, voivodeship, kilometres) in [("senior", "14", 25.0), ("senior", "14", nil), ("dzieci", nil, 100.0), ("", "14", 25.0),
                                                    ("sport", nil, nil), ("", nil, 40.0), ("zwierzeta", "02", nil)] as [(String, String?, Double?)] {
                var filter = OfferFilter()
                filter.text = text
                filter.voivodeship = voivodeship.flatMap { Voivodeship(terytCode: $0) }
                if let kilometres {
                    filter.near = (warsaw.latitude, warsaw.longitude, "Warszawa")
                    filter.distanceKilometres = kilometres
                }
                let found = try await OfferSearch.search(filter, memory: .off, on: app.db).total
                #expect(found == expected(text, voivodeship: voivodeship, kilometres: kilometres), "\(text) \(voivodeship ?? "-") \(kilometres ?? 0)")
                #expect(found > 0 || text == "zwierzeta", "a search that finds nothing proves little: \(text)")
                // The index in memory finds the same offers; in the same order where the order is not a ranking.
                #expect(try await OfferSearch.search(filter, memory: app.memoryIndexes, on: app.db).total == found)
                let sql = try #require(app.db as? any SQLDatabase)
                for sort in [OfferFilter.Sort.relevance, .newest, .deadline] + (kilometres == nil ? [] : [.nearest]) {
                    filter.sort = sort
                    let fromDatabase = try await OfferSearch.databaseSearch(filter, offset: 0, limit: 5_000, on: sql).ids
                    var query = OfferFinder.Query()
                    query.terms = SearchTerms.terms(text)
                    query.voivodeshipCode = voivodeship
                    query.near = filter.near.map { ($0.latitude, $0.longitude, filter.distanceKilometres) }
                    query.sort = sort == .relevance ? .relevance : sort == .newest ? .newest : sort == .deadline ? .deadline : .nearest
                    query.limit = 5_000
                    let fromMemory = try await #require(app.memoryIndexes.offers).current(on: app.db).find(query).ids
                    #expect(Set(fromMemory) == Set(fromDatabase), "\(text) \(sort)")
                    if sort == .newest || sort == .deadline { #expect(fromMemory == fromDatabase, "\(text) \(sort)") }
                }
            }
        }
    }
}

@Suite("SOW: messages and notifications")
struct ConversationsTests {
    @Test func volunteerAndCoordinatorTalkInTheApplicationsThread() async throws {
        try await withKorpus { app in
            // setup
            let offersTests = OffersTests()
            let (coordinator, organisation) = try await offersTests.verifiedOrganisation(app)
            let offerID = try #require(try await offersTests.postOffer(coordinator, organisation: organisation, offerForm()))
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Ala Nowak", email: "ala@example.org")
            _ = try await volunteer.post("/oferty/\(offerID)/zgloszenie", ["message": "", "website": ""])
            let application = try #require(try await OfferApplication.query(on: app.db).first())
            let thread = "/zgloszenia/\(try application.requireID())/wiadomosci"
            // act
            #expect(try await volunteer.post(thread, ["body": ""]).status == .unprocessableEntity)
            #expect(try await volunteer.post(thread, ["body": "Czy mogę zacząć w grudniu? <b>pogrubione</b>"]).status == .seeOther)
            #expect(try await coordinator.post(thread, ["body": "Tak, zapraszamy od 1 grudnia."]).status == .seeOther)
            // validate
            let page = try await volunteer.get(thread)
            #expect(page.body.string.contains("Czy mogę zacząć w grudniu?"))
            #expect(page.body.string.contains("&lt;b&gt;pogrubione"), "HTML is shown as text")
            #expect(page.body.string.contains("Tak, zapraszamy od 1 grudnia."))
            #expect(try await Mailbox(app).messages(to: "koordynator@example.org").contains { $0.template == "message_new" })
            #expect(try await Mailbox(app).messages(to: "ala@example.org").contains { $0.template == "message_new" })
            // Nobody else reads or writes the thread.
            let stranger = TestBrowser(app)
            try await stranger.registerAndVerify(name: "Obcy", email: "obcy@example.org")
            #expect(try await stranger.get(thread).status == .notFound)
            #expect(try await stranger.post(thread, ["body": "spam"]).status == .notFound)
            #expect(try await ApplicationMessage.query(on: app.db).count() == 2)
            // Every message by e-mail is also a notification in Korpus; opening the list marks them read.
            let before = try await volunteer.get("/konto")
            #expect(before.body.string.contains("nowe)"))
            let list = try await volunteer.get("/powiadomienia")
            #expect(list.body.string.contains("Nowa wiadomość"))
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "ala@example.org").first())
            #expect(try await Notification.query(on: app.db).filter(\.$user.$id == user.requireID()).filter(\.$readAt == nil).count() == 0)
        }
    }
}
