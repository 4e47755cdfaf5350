import Fluent
import Foundation
import KorpusCore
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Engagement: the Volunteer Card")
struct VolunteerCardTests {
    @Test func theMonthlyJobActivatesCardsByTheRulesAndAPublicPageChecksThem() async throws {
        try await withKorpus { app in
            // setup: two volunteers of one organisation; last month one gave exactly 16 confirmed hours, the other 15.75
            let (coordinator, organisationID) = try await OffersTests().verifiedOrganisation(app)
            let hours = HoursTests()
            var engaged: [(TestBrowser, Engagement)] = []
            for (name, email) in [("Ala Nowak", "ala@example.org"), ("Ola Lis", "ola@example.org")] {
                let volunteer = TestBrowser(app)
                try await volunteer.registerAndVerify(name: name, email: email)
                engaged.append((volunteer, try await hours.engagement(app, coordinator: coordinator, organisation: organisationID, volunteer: volunteer, daysAgo: 120)))
            }
            let now = try #require(Age.parseDay(OfferDates.today()).flatMap(YearMonth.init(day:)))
            let previous = now.adding(months: -1)
            let coordinatorID = try #require(try await User.query(on: app.db).filter(\.$email == "koordynator@example.org").first()?.id)
            for ((_, engagement), quarters) in zip(engaged, [64, 63]) {
                for (day, part) in [("05", quarters / 2), ("28", quarters - quarters / 2)] {
                    let entry = HourEntry()
                    entry.$engagement.id = try engagement.requireID()
                    entry.$volunteer.id = engagement.$volunteer.id
                    entry.$organisation.id = organisationID
                    entry.workedOn = previous.description + "-" + day
                    entry.quarterHours = part
                    entry.description = "Dyżur"
                    entry.status = "confirmed"
                    entry.decidedBy = coordinatorID
                    entry.createdAt = Date()
                    try await entry.create(on: app.db)
                }
            }
            // act: the job runs once for the month, whichever instance starts it
            let result = try #require(try await CardJob.runIfDue(now, app: app))
            #expect(try await CardJob.runIfDue(now, app: app) == nil, "once a month")
            // validate: 16 hours activate, 15.75 do not; the coordinator who confirmed them is active too
            #expect(result.volunteers == 1 && result.coordinators == 1)
            let (ala, _) = engaged[0], (ola, _) = engaged[1]
            let alaCard = try await ala.get("/karta").body.string
            #expect(alaCard.contains("Aktywna do"))
            #expect(try await ola.get("/karta").body.string.contains("Nieaktywna w tym miesiącu"))
            #expect(try await coordinator.get("/karta").body.string.contains("Aktywna do"))
            #expect(try await Mailbox(app).messages(to: "ala@example.org").contains { $0.template == "card_activated" })
            #expect(!(try await Mailbox(app).messages(to: "ola@example.org").contains { $0.template == "card_activated" }))
            // The public check says only whether and until when; a number with one digit changed is refused.
            let number = try #require(try await VolunteerCard.query(on: app.db).filter(\.$user.$id == engaged[0].1.$volunteer.id).first()?.number)
            let checked = try await TestBrowser(app).get("/karta/sprawdz?numer=\(number)")
            #expect(checked.status == .ok && checked.body.string.contains("Karta aktywna do") && !checked.body.string.contains("Ala"))
            var altered = Array(number)
            altered[3] = altered[3] == "9" ? "0" : Character(String((Int(String(altered[3]))! + 1)))
            let forged = try await TestBrowser(app).get("/karta/sprawdz?numer=\(String(altered))")
            #expect(forged.status == .unprocessableEntity && forged.body.string.contains("To nie jest poprawny numer karty"))
            let olaNumber = try #require(try await VolunteerCard.query(on: app.db).filter(\.$user.$id == engaged[1].1.$volunteer.id).first()?.number)
            #expect(try await TestBrowser(app).get("/karta/sprawdz?numer=KS%20\(olaNumber)").body.string.contains("Karta nie jest aktywna"))
        }
    }

    @Test func cardNumbersCarryACheckDigit() {
        for _ in 0..<100 {
            let number = VolunteerCard.newNumber()
            #expect(number.count == 12 && VolunteerCard.normalised(VolunteerCard.display(number)) == number)
        }
        #expect(VolunteerCard.normalised("4539 1488 0343 6467") == nil, "sixteen digits")
        #expect(VolunteerCard.normalised("KS 0000 0000 0000") == "000000000000")
        #expect(VolunteerCard.normalised("KS 0000 0000 0001") == nil)
    }
}
