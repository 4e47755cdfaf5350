import Fluent
import Foundation
import KorpusCore
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Engagement: hours, their confirmation and membership")
struct HoursTests {
    /// A volunteer accepted by an organisation: the engagement it begins, made to start `daysAgo` days ago.
    func engagement(_ app: Application, coordinator: TestBrowser, organisation: UUID, volunteer: TestBrowser, daysAgo: Int = 60) async throws -> Engagement {
        let offerID = try #require(try await OffersTests().postOffer(coordinator, organisation: organisation, offerForm(needed: 5)))
        #expect(try await volunteer.post("/oferty/\(offerID)/zgloszenie", ["message": "Chętnie!", "website": ""]).status == .seeOther)
        let application = try #require(try await OfferApplication.query(on: app.db).filter(\.$offer.$id == offerID).first())
        #expect(try await coordinator.post("/zgloszenia/\(application.requireID())/decyzja", ["decision": "accepted"]).status == .seeOther)
        let engagement = try #require(try await Engagement.query(on: app.db).filter(\.$application.$id == application.requireID()).first())
        engagement.startsOn = OfferDates.today(Date().addingTimeInterval(-Double(daysAgo) * 86_400))
        try await engagement.save(on: app.db)
        return engagement
    }

    static func day(_ daysAgo: Int) -> String { OfferDates.today(Date().addingTimeInterval(-Double(daysAgo) * 86_400)) }

    @Test func hoursAreLoggedConfirmedCorrectedAndCounted() async throws {
        try await withKorpus { app in
            // setup: a volunteer engaged by two organisations
            let offersTests = OffersTests()
            let (first, firstID) = try await offersTests.verifiedOrganisation(app)
            let (second, secondID) = try await offersTests.verifiedOrganisation(app, email: "drugi@example.org", name: "Fundacja Druga")
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Ala Nowak", email: "ala@example.org")
            let withFirst = try await engagement(app, coordinator: first, organisation: firstID, volunteer: volunteer)
            let withSecond = try await engagement(app, coordinator: second, organisation: secondID, volunteer: volunteer)
            let other = TestBrowser(app)
            try await other.registerAndVerify(name: "Olek Inny", email: "olek@example.org")
            func entry(_ engagement: Engagement, _ day: String, _ hours: String, _ what: String = "Spacer z seniorem") -> [String: String] {
                ["engagement_id": engagement.id!.uuidString, "worked_on": day, "hours": hours, "description": what]
            }

            // Bad input: each refused with its message, nothing written.
            let cases: [([String: String], String, TestBrowser)] = [
                (entry(withFirst, Self.day(-1), "2"), "Nie można wpisać godzin z przyszłości.", volunteer),
                (entry(withFirst, Self.day(90), "2"), "poza okresem zaangażowania", volunteer),
                (entry(withFirst, Self.day(3), "1,3"), "w pełnych kwadransach", volunteer),
                (entry(withFirst, Self.day(3), "25"), "w pełnych kwadransach", volunteer),
                (entry(withFirst, Self.day(3), "inf"), "w pełnych kwadransach", volunteer),
                (entry(withFirst, Self.day(3), "1e300"), "w pełnych kwadransach", volunteer),
                (entry(withFirst, Self.day(3), "2"), "Wybierz jedno ze swoich zaangażowań.", other),
            ]
            for (fields, message, who) in cases {
                let response = try await who.post("/moje-godziny", fields)
                #expect(response.status == .unprocessableEntity, "\(message)")
                #expect(response.body.string.contains(message), "\(message)")
            }
            #expect(try await HourEntry.query(on: app.db).count() == 0)
            // 25 hours in one day across two organisations: the second entry is refused.
            #expect(try await volunteer.post("/moje-godziny", entry(withFirst, Self.day(5), "20")).status == .seeOther)
            let tooMany = try await volunteer.post("/moje-godziny", entry(withSecond, Self.day(5), "5"))
            #expect(tooMany.status == .unprocessableEntity && tooMany.body.string.contains("masz już 20 godz."))
            #expect(try await volunteer.post("/moje-godziny", entry(withSecond, Self.day(5), "4")).status == .seeOther, "24 hours fit")
            // Two entries of 13 hours sent at the same instant for one day: only one passes.
            async let one = volunteer.post("/moje-godziny", entry(withFirst, Self.day(6), "13"))
            async let two = volunteer.post("/moje-godziny", entry(withSecond, Self.day(6), "13"))
            let statuses = [try await one.status, try await two.status]
            #expect(statuses.filter { $0 == .seeOther }.count == 1 && statuses.contains(.unprocessableEntity), "\(statuses)")
            try await HourEntry.query(on: app.db).filter(\.$workedOn == Self.day(6)).delete()

            // act: two entries in the first organisation, confirmed at once
            #expect(try await volunteer.post("/moje-godziny", entry(withFirst, Self.day(4), "2,5")).status == .seeOther)
            let firstEntries = try await HourEntry.query(on: app.db).filter(\.$organisation.$id == firstID).all()
            #expect(firstEntries.count == 2)
            var ticked: [String: String] = [:]
            for entry in firstEntries { ticked["entry_\(try entry.requireID())"] = "on" }
            // Another organisation's coordinator cannot confirm them, not even through their own page.
            #expect(try await second.post("/organizacje/\(firstID)/godziny/potwierdz", ticked).status == .notFound)
            #expect(try await second.post("/organizacje/\(secondID)/godziny/potwierdz", ticked).status == .notFound)
            #expect(try await HourEntry.query(on: app.db).filter(\.$status == "confirmed").count() == 0)
            #expect(try await first.post("/organizacje/\(firstID)/godziny/potwierdz", ticked).status == .seeOther)
            #expect(try await HourEntry.query(on: app.db).filter(\.$organisation.$id == firstID).filter(\.$status == "confirmed").count() == 2)
            #expect(try await first.post("/organizacje/\(firstID)/godziny/potwierdz", ticked).status == .conflict, "not twice")

            // A confirmed entry changes only through a correction that the coordinator confirms again.
            let confirmedEntry = try #require(firstEntries.first { $0.quarterHours == 10 })
            #expect(try await volunteer.post("/moje-godziny/\(try confirmedEntry.requireID())/usun", [:]).status == .conflict)
            #expect(try await other.post("/moje-godziny/\(try confirmedEntry.requireID())/korekta", ["hours": "3", "description": "Spacer"]).status == .notFound)
            #expect(try await volunteer.post("/moje-godziny/\(try confirmedEntry.requireID())/korekta",
                                            ["hours": "3", "description": "Spacer i zakupy"]).status == .seeOther)
            let correction = try #require(try await HourEntry.query(on: app.db).filter(\.$correctsID == confirmedEntry.id).first())
            #expect(try await first.post("/organizacje/\(firstID)/godziny/potwierdz", ["entry_\(try correction.requireID())": "on"]).status == .seeOther)
            #expect(try await HourEntry.find(confirmedEntry.id, on: app.db)?.status == "superseded")
            let ala = try #require(try await User.query(on: app.db).filter(\.$email == "ala@example.org").first()?.id)
            let (byMonth, _) = try await Membership.hours(of: ala, on: app.db)
            let confirmedQuarters: Int = byMonth.values.reduce(0, +)
            #expect(confirmedQuarters == 92, "20 h and the corrected 3 h confirmed; the 4 h of the second organisation wait")

            // Returned with a comment: the volunteer is told and can delete it.
            let waiting = try #require(try await HourEntry.query(on: app.db).filter(\.$organisation.$id == secondID).first())
            #expect(try await first.post("/godziny/\(try waiting.requireID())/zwroc", ["comment": "To nie nasz dzień"]).status == .notFound)
            #expect(try await second.post("/godziny/\(try waiting.requireID())/zwroc", ["comment": ""]).status == .unprocessableEntity)
            #expect(try await second.post("/godziny/\(try waiting.requireID())/zwroc", ["comment": "Proszę opisać dokładniej"]).status == .seeOther)
            #expect(try await Mailbox(app).messages(to: "ala@example.org").contains { $0.template == "hours_returned" })
            let page = try await volunteer.get("/moje-godziny").body.string
            #expect(page.contains("Proszę opisać dokładniej") && page.contains("zwrócone"))
            #expect(page.contains("Jesteś członkiem Korpusu.") || page.contains("Na drodze do członkostwa."))
            #expect(try await volunteer.post("/moje-godziny/\(try waiting.requireID())/usun", [:]).status == .seeOther)

            // Totals and CSV for both sides; nobody else's.
            let csv = try await volunteer.get("/moje-godziny.csv")
            #expect(csv.headers.contentType?.subType == "csv" && csv.body.string.contains("Spacer i zakupy"))
            #expect(!(try await other.get("/moje-godziny.csv").body.string.contains("Spacer")))
            #expect(try await first.get("/organizacje/\(firstID)/godziny.csv").body.string.contains("Ala Nowak"))
            #expect(try await second.get("/organizacje/\(firstID)/godziny.csv").status == .notFound)
            #expect(try await first.get("/organizacje/\(firstID)/godziny").body.string.contains("Ala Nowak"))
            // "Download my data" holds the hours and the applications.
            let export = try await volunteer.get("/konto/dane.json").body.string
            #expect(export.contains("Spacer i zakupy") && export.contains("\"applications\""))
        }
    }

    @Test func aDeclaredDisabilityAppliesTheLowerRequirementUntilItIsWithdrawn() async throws {
        try await withKorpus { app in
            // setup: a 30-year-old with 7 confirmed hours in the month before
            let (coordinator, organisationID) = try await OffersTests().verifiedOrganisation(app)
            let volunteer = TestBrowser(app)
            let user = try await volunteer.registerAndVerify(name: "Ola Sprawna", email: "ola@example.org")
            let engagement = try await engagement(app, coordinator: coordinator, organisation: organisationID, volunteer: volunteer, daysAgo: 70)
            let previous = YearMonth.current().adding(months: -1)
            #expect(try await volunteer.post("/moje-godziny", ["engagement_id": try engagement.requireID().uuidString, "worked_on": previous.description + "-10",
                                                               "hours": "7", "description": "Dyżur w świetlicy"]).status == .seeOther)
            let entry = try #require(try await HourEntry.query(on: app.db).first())
            #expect(try await coordinator.post("/organizacje/\(organisationID)/godziny/potwierdz", ["entry_\(try entry.requireID())": "on"]).status == .seeOther)
            func required() async throws -> Int? {
                try await Membership.progress(of: user, on: app.db).months.first { $0.month == previous }?.requiredQuarterHours
            }
            #expect(try await required() == 64, "16 hours at 30")
            #expect(try await CardJob.compute(.current(), on: app.db).volunteers == 0)

            // act: she declares a disability (recorded once, however often the form is saved), then withdraws it
            #expect(try await volunteer.post("/konto/zgody", ["disability": "on"]).status == .seeOther)
            #expect(try await volunteer.post("/konto/zgody", ["disability": "on"]).status == .seeOther)
            #expect(try await ConsentRecord.query(on: app.db).filter(\.$kind == "disability").count() == 1)
            #expect(try await required() == 24, "6 hours with a disability")
            #expect(try await volunteer.get("/konto").text.contains("id=\"disability\" name=\"disability\" type=\"checkbox\" aria-describedby=\"disability-hint\" checked"))
            try await CardActivation.query(on: app.db).delete()
            #expect(try await CardJob.compute(.current(), on: app.db).volunteers == 1)
            #expect(try await volunteer.post("/konto/zgody", [:]).status == .seeOther)
            #expect(try await required() == 64)
        }
    }

    @Test func anEngagementEndsWhenTheApplicationIsWithdrawn() async throws {
        try await withKorpus { app in
            let (coordinator, organisationID) = try await OffersTests().verifiedOrganisation(app)
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Ala Nowak", email: "ala@example.org")
            let engaged = try await engagement(app, coordinator: coordinator, organisation: organisationID, volunteer: volunteer)
            #expect(engaged.status == "active")
            #expect(try await volunteer.post("/zgloszenia/\(engaged.$application.id)/wycofaj", [:]).status == .seeOther)
            let ended = try #require(try await Engagement.find(engaged.id, on: app.db))
            #expect(ended.status == "ended" && ended.endsOn == OfferDates.today())
            // Its days stay open for hours given before the end; later ones are refused.
            #expect(try await volunteer.post("/moje-godziny", ["engagement_id": engaged.id!.uuidString, "worked_on": Self.day(2), "hours": "2",
                                                              "description": "Spacer"]).status == .seeOther)
        }
    }

    @Test func overTheAPIMembershipIsReadAndEntriesConfirmedInABatch() async throws {
        try await withKorpus { app in
            let (coordinator, organisationID) = try await OffersTests().verifiedOrganisation(app)
            let (otherCoordinator, otherID) = try await OffersTests().verifiedOrganisation(app, email: "inny@example.org", name: "Fundacja Inna")
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Ala Nowak", email: "ala@example.org")
            let engaged = try await engagement(app, coordinator: coordinator, organisation: organisationID, volunteer: volunteer)
            for days in [3, 4, 5] {
                #expect(try await volunteer.post("/moje-godziny", ["engagement_id": engaged.id!.uuidString, "worked_on": Self.day(days), "hours": "6",
                                                                  "description": "Dyżur"]).status == .seeOther)
            }
            let coordinatorAPI = APIClient(app: app, token: try await coordinator.accessToken())
            let list = try await coordinatorAPI.send(.GET, "/api/v1/organisations/\(organisationID)/hours?status=pending")
            #expect(list.status == .ok)
            struct Entries: Decodable { struct Entry: Decodable { let id: UUID; let hours: Double }; let items: [Entry] }
            let entries = try coordinatorAPI.decode(Entries.self, list).items
            #expect(entries.count == 3 && entries.allSatisfy { $0.hours == 6 })
            let ids = entries.map { "\"\($0.id)\"" }.joined(separator: ",")
            // Another organisation's coordinator: not found, nothing confirmed; bad bodies refused.
            let otherAPI = APIClient(app: app, token: try await otherCoordinator.accessToken())
            #expect(try await otherAPI.send(.POST, "/api/v1/organisations/\(otherID)/hours/confirm", json: "{\"entries\": [\(ids)]}").status == .notFound)
            #expect(try await otherAPI.send(.POST, "/api/v1/organisations/\(organisationID)/hours/confirm", json: "{\"entries\": [\(ids)]}").status == .notFound)
            #expect(try await coordinatorAPI.send(.POST, "/api/v1/organisations/\(organisationID)/hours/confirm", json: "{\"entries\": []}").status == .unprocessableEntity)
            #expect(try await coordinatorAPI.send(.POST, "/api/v1/organisations/\(organisationID)/hours/confirm", json: "{\"entries\": 5}").status == .badRequest)
            #expect(try await HourEntry.query(on: app.db).filter(\.$status == "confirmed").count() == 0)
            let confirmed = try await coordinatorAPI.send(.POST, "/api/v1/organisations/\(organisationID)/hours/confirm", json: "{\"entries\": [\(ids)]}")
            #expect(confirmed.status == .ok && confirmed.body.string.contains("\"confirmed\":3"))
            // The volunteer's membership over the API counts the 18 confirmed hours in their month(s).
            let volunteerAPI = APIClient(app: app, token: try await volunteer.accessToken())
            struct Status: Decodable { struct Month: Decodable { let hours: Double }; let state: String; let months: [Month] }
            let status = try volunteerAPI.decode(Status.self, try await volunteerAPI.send(.GET, "/api/v1/membership"))
            #expect(status.months.reduce(0) { $0 + $1.hours } == 18)
            #expect(["member", "entry_window"].contains(status.state))
        }
    }

    @Test func aVolunteerLogsAndListsHoursOverTheAPIByTheTimeSheetsRules() async throws {
        try await withKorpus { app in
            let (coordinator, organisationID) = try await OffersTests().verifiedOrganisation(app)
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Ala Nowak", email: "ala@example.org")
            let other = TestBrowser(app)
            try await other.registerAndVerify(name: "Ola Inna", email: "ola@example.org")
            let engaged = try await engagement(app, coordinator: coordinator, organisation: organisationID, volunteer: volunteer)
            let api = APIClient(app: app, token: try await volunteer.accessToken())
            func entry(_ day: String, _ hours: Double, engagement: UUID? = nil) -> String {
                #"{"engagementID": "\#(engagement ?? engaged.id!)", "workedOn": "\#(day)", "hours": \#(hours), "description": "Dyżur w świetlicy", "competences": ["care", "cooking"]}"#
            }
            let logged = try await api.send(.POST, "/api/v1/hours", json: entry(Self.day(2), 2.5))
            #expect(logged.status == .created && logged.body.string.contains("\"status\":\"pending\""))
            #expect(try await HourEntry.query(on: app.db).first()?.competences == "care")
            // Bad input: refused with the time sheet's messages, nothing written.
            let future = try await api.send(.POST, "/api/v1/hours", json: entry(Self.day(-2), 2))
            #expect(future.status == .unprocessableEntity && future.body.string.contains("\"worked_on\""))
            #expect(try await api.send(.POST, "/api/v1/hours", json: entry(Self.day(2), 22)).status == .unprocessableEntity, "over 24 hours that day")
            #expect(try await api.send(.POST, "/api/v1/hours", json: entry(Self.day(3), 0.1)).status == .unprocessableEntity)
            #expect(try await api.send(.POST, "/api/v1/hours", json: entry(Self.day(3), 1, engagement: UUID())).status == .notFound)
            #expect(try await api.send(.POST, "/api/v1/hours", json: "{\"hours\": \"dużo\"}").status == .badRequest)
            #expect(try await api.send(.POST, "/api/v1/hours", json: "hours=2", contentType: .urlEncodedForm).status == .unsupportedMediaType)
            let otherAPI = APIClient(app: app, token: try await other.accessToken())
            #expect(try await otherAPI.send(.POST, "/api/v1/hours", json: entry(Self.day(3), 1)).status == .notFound, "another's engagement")
            #expect(try await HourEntry.query(on: app.db).count() == 1)
            // Listed as their own only.
            struct Entries: Decodable { struct Entry: Decodable { let hours: Double; let status: String }; let items: [Entry] }
            let mine = try api.decode(Entries.self, try await api.send(.GET, "/api/v1/hours?status=pending"))
            #expect(mine.items.count == 1 && mine.items[0].hours == 2.5)
            #expect(try otherAPI.decode(Entries.self, try await otherAPI.send(.GET, "/api/v1/hours")).items.isEmpty)
            #expect(try await api.send(.GET, "/api/v1/hours?status=lost").status == .badRequest)
        }
    }
}
