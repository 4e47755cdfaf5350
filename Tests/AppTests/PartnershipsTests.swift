import Fluent
import Foundation
import KorpusCore
import Testing
import Vapor
import VaporTesting

@testable import App

func needForm(title: String = "Sala na spotkania seniorów w Gdańsku") -> [String: String] {
    [
        "kind": "premises", "title": title,
        "description": "Szukamy sali na 30 osób na cotygodniowe spotkania seniorów z wolontariuszami, we wtorki po południu.",
        "wanted": "sala, rzutnik", "area_seniors": "on", "locality": "gdansk", "voivodeship": "", "reach_km": "25", "valid_until": "",
    ]
}

@Suite("Matching: organisations looking for partners")
struct PartnershipsTests {
    /// Sets an organisation's description, as its representative would in its form.
    func describe(_ organisation: UUID, _ text: String, _ app: Application) async throws {
        let record = try #require(try await Organisation.find(organisation, on: app.db))
        record.description = text
        try await record.save(on: app.db)
    }

    @Test func aNeedIsMatchedToOrganisationsOfTheRegionAndAnswered() async throws {
        try await withKorpus { app in
            // setup: the asking foundation in Gdańsk; a fitting association in Sopot with an offer for seniors; one in
            // Słupsk in the same voivodeship but beyond the reach; one in Kraków; one in Gdynia not verified
            let offersTests = OffersTests()
            let (asking, askingID) = try await offersTests.verifiedOrganisation(app)
            let (sopot, sopotID) = try await offersTests.verifiedOrganisation(app, email: "sopot@example.org", name: "Stowarzyszenie Sopockie", locality: "sopot")
            try await describe(sopotID, "Mamy sala konferencyjna i rzutnik, prowadzimy kluby seniora.", app)
            var seniorsOffer = offerForm(title: "Klub seniora w Sopocie")
            seniorsOffer["locality"] = "sopot"
            #expect(try await offersTests.postOffer(sopot, organisation: sopotID, seniorsOffer) != nil)
            let (krakow, krakowID) = try await offersTests.verifiedOrganisation(app, email: "krakow@example.org", name: "Fundacja Krakowska", locality: "krakow")
            _ = try await offersTests.verifiedOrganisation(app, email: "slupsk@example.org", name: "Stowarzyszenie Słupskie", locality: "slupsk")
            let (pending, pendingID) = try await offersTests.verifiedOrganisation(app, email: "gdynia@example.org", name: "Fundacja Gdyńska", locality: "gdynia", verified: false)

            // Bad input: nothing is created, every problem is named.
            var bad = needForm()
            bad["kind"] = "piracy"
            bad["title"] = "ab"
            bad["locality"] = "Atlantyda"
            bad["reach_km"] = "7"
            bad["valid_until"] = "2001-01-01"
            let refused = try await asking.post("/organizacje/\(askingID)/partnerstwa/nowa", bad)
            #expect(refused.status == .unprocessableEntity)
            for message in ["Wybierz, czego szukacie.", "Wybierz jedną z podanych odległości.", "Data nie może być w przeszłości."] {
                #expect(refused.body.string.contains(message), "\(message)")
            }
            #expect(try await PartnershipNeed.query(on: app.db).count() == 0)
            #expect(try await pending.post("/organizacje/\(pendingID)/partnerstwa/nowa", needForm()).status == .forbidden,
                    "only verified organisations publish")
            #expect(try await krakow.post("/organizacje/\(askingID)/partnerstwa/nowa", needForm()).status == .notFound, "not a member")

            // act: the foundation publishes its need
            let published = try await asking.post("/organizacje/\(askingID)/partnerstwa/nowa", needForm())
            #expect(published.status == .seeOther)
            let need = try #require(try await PartnershipNeed.query(on: app.db).first())
            let path = "/partnerstwa/\(try need.requireID())"

            // validate: its members see the fitting organisations of the region, with true reasons
            let page = try await asking.get(path).body.string
            #expect(page.contains("Stowarzyszenie Sopockie"))
            for reason in ["Działa w obszarach: seniorzy", "Może wnieść: sala, rzutnik", "km od miejsca potrzeby"] {
                #expect(page.contains(reason), "\(reason)")
            }
            #expect(!page.contains("Fundacja Krakowska") && !page.contains("Fundacja Gdyńska") && !page.contains("Stowarzyszenie Słupskie"))
            #expect(page.contains("Dalej niż zasięg potrzeby: 1"))
            let anonymous = try await TestBrowser(app).get(path)
            #expect(anonymous.status == .ok && !anonymous.body.string.contains("Pasujące organizacje"), "the matches are the members' own")
            // The public list finds it by voivodeship, kind and area; other filters leave it out.
            #expect(try await TestBrowser(app).get("/partnerstwa?wojewodztwo=22&rodzaj=premises&obszar=seniors").body.string.contains(need.title))
            for query in ["wojewodztwo=12", "rodzaj=coalition", "obszar=sport"] {
                #expect(!(try await TestBrowser(app).get("/partnerstwa?\(query)").body.string.contains(need.title)), "\(query)")
            }
            // The Sopot association sees the need among those that fit it; the Kraków foundation does not.
            #expect(try await sopot.get("/organizacje/\(sopotID)/partnerstwa").body.string.contains(need.title))
            #expect(!(try await krakow.get("/organizacje/\(krakowID)/partnerstwa").body.string.contains(need.title)))

            // Answers: too short refused; one accepted and mailed; a second from the same organisation refused.
            #expect(try await sopot.post("\(path)/odpowiedz", ["organisation_id": sopotID.uuidString, "message": "Mamy."]).status == .unprocessableEntity)
            #expect(try await pending.post("\(path)/odpowiedz", ["message": "Możemy pomóc, mamy dużą salę w Gdyni."]).status == .forbidden)
            let answer = "Możemy udostępnić salę na 40 osób we wtorki, z rzutnikiem."
            #expect(try await sopot.post("\(path)/odpowiedz", ["organisation_id": sopotID.uuidString, "message": answer, "website": ""]).status == .seeOther)
            #expect(try await sopot.post("\(path)/odpowiedz", ["organisation_id": sopotID.uuidString, "message": answer]).status == .conflict)
            #expect(try await Mailbox(app).messages(to: "koordynator@example.org").contains { $0.template == "partnership_response" })
            let answered = try await asking.get(path).body.string
            #expect(answered.contains(answer) && answered.contains("kontakt@example.org"))
            #expect(try await asking.post("\(path)/odpowiedz", ["message": answer]).status == .forbidden, "not to one's own need")

            // Closing: only its members; then it leaves the list and the public page.
            #expect(try await krakow.post("\(path)/zamknij", [:]).status == .notFound)
            #expect(try await asking.post("/partnerstwa/\(UUID())/zamknij", [:]).status == .notFound, "a forged id")
            #expect(try await PartnershipNeed.find(need.id, on: app.db)?.status == "open")
            #expect(try await asking.post("\(path)/zamknij", [:]).status == .seeOther)
            #expect(try await PartnershipNeed.find(need.id, on: app.db)?.status == "closed")
            #expect(!(try await TestBrowser(app).get("/partnerstwa").body.string.contains(need.title)))
            #expect(try await TestBrowser(app).get(path).status == .notFound)
            #expect(try await krakow.post("\(path)/odpowiedz", ["message": answer]).status == .notFound)
            #expect(try await asking.get(path).status == .ok, "its members still see it")
        }
    }
}
