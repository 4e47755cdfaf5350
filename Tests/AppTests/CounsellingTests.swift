import Fluent
import Foundation
import KorpusCore
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Counselling: times, booking (one wins), cancelling, reminders, the calendar feed")
struct CounsellingTests {
    @Test func aTimeIsBookedOnceCancelledFreedRemindedAndInTheFeed() async throws {
        try await withKorpus { app in
            // setup: the demo partners; the Słupsk operator publishes three times of 30 minutes
            _ = try await DemoContent.seed(on: app.db, administratorEmail: "admin@example.org", passwordHasher: app.password)
            let operatorBrowser = TestBrowser(app)
            #expect(try await operatorBrowser.signIn("operator.slupsk@demo.korpus.local").status == .seeOther)
            let partner = try #require(try await Partner.query(on: app.db).filter(\.$name == "Regionalne Centrum Wolontariatu w Słupsku").first())
            let day = OfferDates.today(Date().addingTimeInterval(3 * 86_400))
            var form = ["partner": try partner.requireID().uuidString, "kind": "legal", "counsellor": "mec. Jan Prawnik", "day": day,
                        "start": "10:00", "minutes": "30", "count": "3", "locality": "Słupsk", "address": "ul. Kościuszki 5", "online_link": ""]
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Ola Pyta", email: "ola@example.org")
            #expect(try await volunteer.post("/poradnictwo/nowe", form).status == .forbidden, "only partners publish")
            form["count"] = "40"
            #expect(try await operatorBrowser.post("/poradnictwo/nowe", form).status == .unprocessableEntity)
            form["count"] = "3"
            let before = try await CounsellingSlot.query(on: app.db).count()
            #expect(try await operatorBrowser.post("/poradnictwo/nowe", form).status == .seeOther)
            let slots = try await CounsellingSlot.query(on: app.db).filter(\.$counsellor == "mec. Jan Prawnik").sort(\.$startsAt).all()
            let after = try await CounsellingSlot.query(on: app.db).count()
            #expect(slots.count == 3 && after == before + 3)
            #expect(slots[1].startsAt.timeIntervalSince(slots[0].startsAt) == 1800 && DateFormat.time(slots[0].startsAt) == "10:00")
            let first = try slots[0].requireID()

            // act: Ola books the first; Piotr cannot book it too; a bad topic is refused
            #expect(try await volunteer.post("/poradnictwo/\(first)/rezerwacja", ["topic": "x"]).status == .unprocessableEntity)
            #expect(try await volunteer.post("/poradnictwo/\(first)/rezerwacja", ["topic": "Porozumienie z niepełnoletnim"]).status == .seeOther)
            let piotr = TestBrowser(app)
            #expect(try await piotr.signIn("piotr.nowak@demo.korpus.local").status == .seeOther)
            let taken = try await piotr.post("/poradnictwo/\(first)/rezerwacja", ["topic": "Też chcę"])
            #expect(taken.status == .conflict && taken.text.contains("Ktoś właśnie zarezerwował ten termin"))
            #expect(try await Mailbox(app).messages(to: "ola@example.org").contains { $0.template == "counselling_booked" })
            #expect(try await Mailbox(app).messages(to: "operator.slupsk@demo.korpus.local").contains { $0.template == "counselling_booked_partner" })
            let list = try await operatorBrowser.get("/poradnictwo")
            #expect(list.text.contains("Ola Pyta") && list.text.contains("Porozumienie z niepełnoletnim"))
            #expect(try await TestBrowser(app).get("/poradnictwo").text.contains("Zajęty"))

            // Two people booking the second time at the same moment: exactly one wins.
            let second = try slots[1].requireID()
            async let one = volunteer.post("/poradnictwo/\(second)/rezerwacja", ["topic": "Drugie pytanie"])
            async let two = piotr.post("/poradnictwo/\(second)/rezerwacja", ["topic": "Moje pytanie"])
            let statuses = [try await one.status, try await two.status]
            #expect(statuses.filter { $0 == .seeOther }.count == 1 && statuses.contains(.conflict), "\(statuses)")
            #expect(try await CounsellingBooking.query(on: app.db).filter(\.$activeSlotID == second).count() == 1)

            // The booking is in Ola's feed; she cancels the first, which frees it for Piotr.
            #expect(try await volunteer.post("/moje-wydarzenia/kalendarz", [:]).status == .seeOther)
            let feed = try #require(try await CalendarFeed.query(on: app.db).first())
            #expect(try await TestBrowser(app).get("/kalendarz/\(feed.secret).ics").text.contains("SUMMARY:Konsultacja: Poradnictwo prawne"))
            let booking = try #require(try await CounsellingBooking.query(on: app.db).filter(\.$activeSlotID == first).first())
            #expect(try await piotr.post("/poradnictwo/rezerwacje/\(try booking.requireID())/anuluj", [:]).status == .notFound)
            #expect(try await volunteer.post("/poradnictwo/rezerwacje/\(try booking.requireID())/anuluj", [:]).status == .seeOther)
            #expect(try await volunteer.post("/poradnictwo/rezerwacje/\(try booking.requireID())/anuluj", [:]).status == .conflict)
            #expect(try await Mailbox(app).messages(to: "operator.slupsk@demo.korpus.local").contains { $0.template == "counselling_cancelled_partner" })
            #expect(try await piotr.post("/poradnictwo/\(first)/rezerwacja", ["topic": "Teraz ja"]).status == .seeOther)

            // Reminders the day before: each booking once, however often the worker looks.
            let dayBefore = slots[0].startsAt.addingTimeInterval(-12 * 3600)
            let sent = try await Reminders.sendDue(app, now: dayBefore)
            #expect(sent == 2, "Piotr's first time and whoever holds the second")
            #expect(try await Reminders.sendDue(app, now: dayBefore) == 0)
            #expect(try await Mailbox(app).messages(to: "piotr.nowak@demo.korpus.local").contains { $0.template == "counselling_reminder" })
            #expect(try await Mailbox(app).messages(to: "operator.slupsk@demo.korpus.local").filter { $0.template == "counselling_reminder_partner" }.count == 2,
                    "the partner is reminded of each booking too")
        }
    }

    @Test func eventsAreRemindedTheDayBeforeOnce() async throws {
        try await withKorpus { app in
            _ = try await DemoContent.seed(on: app.db, administratorEmail: "admin@example.org", passwordHasher: app.password)
            let event = try #require(try await Event.query(on: app.db).filter(\.$kind == "basic_training").first())
            let anna = TestBrowser(app)
            #expect(try await anna.signIn("anna.kowalska@demo.korpus.local").status == .seeOther)
            #expect(try await anna.post("/wydarzenia/\(try event.requireID())/zapis", [:]).status == .seeOther)
            #expect(try await Reminders.sendDue(app, now: event.startsAt.addingTimeInterval(-3 * 86_400)) == 0, "not yet")
            #expect(try await Reminders.sendDue(app, now: event.startsAt.addingTimeInterval(-20 * 3600)) == 1)
            #expect(try await Reminders.sendDue(app, now: event.startsAt.addingTimeInterval(-19 * 3600)) == 0)
            #expect(try await Mailbox(app).messages(to: "anna.kowalska@demo.korpus.local").contains { $0.template == "event_reminder" })
        }
    }
}
