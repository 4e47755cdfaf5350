import Fluent
import Foundation
import KorpusCore
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Events: catalogue, registration, waitlist, attendance, certificates, calendars")
struct EventsTests {
    static func local(_ days: Int, _ hour: Int) -> String {
        OfferDates.today(Date().addingTimeInterval(Double(days) * 86_400)) + "T" + (hour < 10 ? "0" : "") + "\(hour):00"
    }

    func eventForm(_ partnerID: UUID, capacity: Int = 2, waitlist: Bool = true, title: String = "Szkolenie podstawowe — test") -> [String: String] {
        var form = ["organiser": "partner:\(partnerID)", "kind": "basic_training", "title": title,
                    "description": "Czym jest wolontariat, prawa i obowiązki, porozumienie i bezpieczeństwo.",
                    "audience_volunteers": "on", "voivodeship": "22", "locality": "Gdańsk", "address": "ul. Długa 12",
                    "online_link": "", "session_1_start": Self.local(2, 17), "session_1_end": Self.local(2, 20),
                    "session_2_start": Self.local(3, 17), "session_2_end": Self.local(3, 20), "capacity": String(capacity),
                    "registration_deadline": "", "minimum_age": "15", "maximum_age": "", "prerequisite": ""]
        if waitlist { form["waitlist"] = "on" }
        return form
    }

    /// The demo content, and the Pomeranian operator signed in.
    func organiser(_ app: Application) async throws -> (TestBrowser, UUID) {
        _ = try await DemoContent.seed(on: app.db, administratorEmail: "admin@example.org", passwordHasher: app.password)
        let browser = TestBrowser(app)
        #expect(try await browser.signIn("operator.pomorskie@demo.korpus.local").status == .seeOther)
        let partner = try #require(try await Partner.query(on: app.db).filter(\.$name == "Regionalne Centrum Wolontariatu w Gdańsku").first())
        return (browser, try partner.requireID())
    }

    @Test func aTrainingFillsUpWaitsMovesUpAndCertifiesWhoAttended() async throws {
        try await withKorpus { app in
            // setup: a partner's operator and three volunteers
            let (organiser, partnerID) = try await organiser(app)
            var people: [TestBrowser] = []
            for (name, email) in [("Ala Pierwsza", "ala@example.org"), ("Bartek Drugi", "bartek@example.org"), ("Celina Trzecia", "celina@example.org")] {
                let browser = TestBrowser(app)
                try await browser.registerAndVerify(name: name, email: email)
                people.append(browser)
            }
            let (ala, bartek, celina) = (people[0], people[1], people[2])

            // Bad input: nothing created.
            #expect(try await ala.get("/wydarzenia/nowe").status == .forbidden, "a volunteer organises nothing")
            var bad = eventForm(partnerID)
            bad["session_1_start"] = Self.local(-2, 17)
            bad["session_1_end"] = Self.local(-2, 20)
            bad["session_2_end"] = Self.local(3, 16)
            bad["online_link"] = "javascript:alert(1)"
            bad["organiser"] = "partner:\(UUID())"
            let refused = try await organiser.post("/wydarzenia/nowe", bad)
            #expect(refused.status == .unprocessableEntity)
            for message in ["Pierwsze spotkanie nie może być w przeszłości.", "Spotkanie 2:", "Link zaczyna się od https://", "Wybierz organizatora"] {
                #expect(refused.text.contains(message), "\(message)")
            }
            let before = try await Event.query(on: app.db).count()

            // act: a training with 2 places and a waitlist
            let created = try await organiser.post("/wydarzenia/nowe", eventForm(partnerID))
            #expect(created.status == .seeOther)
            #expect(try await Event.query(on: app.db).count() == before + 1)
            let event = try #require(try await Event.query(on: app.db).filter(\.$title == "Szkolenie podstawowe — test").first())
            let id = try event.requireID()
            #expect(try await EventSession.query(on: app.db).filter(\.$event.$id == id).count() == 2)

            // Three register: two places, the third waits; registering twice is refused.
            #expect(try await ala.post("/wydarzenia/\(id)/zapis", [:]).status == .seeOther)
            #expect(try await bartek.post("/wydarzenia/\(id)/zapis", [:]).status == .seeOther)
            #expect(try await celina.post("/wydarzenia/\(id)/zapis", [:]).status == .seeOther)
            let twice = try await ala.post("/wydarzenia/\(id)/zapis", [:])
            #expect(twice.status == .conflict && twice.text.contains("Jesteś już zapisany(-a) na to wydarzenie."))
            #expect(try await celina.get("/wydarzenia/\(id)").text.contains("Jesteś na liście rezerwowej (miejsce 1)."))
            #expect(try await Mailbox(app).messages(to: "celina@example.org").contains { $0.template == "event_waiting" })
            let list = try await TestBrowser(app).get("/wydarzenia?rodzaj=basic_training&wolne=tak")
            #expect(!list.text.contains("Szkolenie podstawowe — test"), "full events are left out of 'places left'")
            #expect(try await TestBrowser(app).get("/wydarzenia?rodzaj=basic_training").text.contains("Szkolenie podstawowe — test"))

            // Only the organiser sees the registrants.
            #expect(try await ala.get("/wydarzenia/\(id)/uczestnicy").status == .notFound)
            let registrants = try await organiser.get("/wydarzenia/\(id)/uczestnicy")
            #expect(registrants.status == .ok && registrants.text.contains("Celina Trzecia"))

            // One cancels: the first waiting moves up and is told.
            #expect(try await ala.post("/wydarzenia/\(id)/rezygnacja", [:]).status == .seeOther)
            let statuses = try await EventRegistration.query(on: app.db).filter(\.$event.$id == id).with(\.$user).all()
                .reduce(into: [String: String]()) { $0[$1.user.email] = $1.status }
            #expect(statuses == ["ala@example.org": "cancelled", "bartek@example.org": "registered", "celina@example.org": "registered"])
            #expect(try await Mailbox(app).messages(to: "celina@example.org").contains { $0.template == "event_promoted" })
            #expect(try await ala.post("/wydarzenia/\(id)/rezygnacja", [:]).status == .notFound)

            // Attendance: someone not registered cannot be marked; the session is saved as ticked.
            let sessions = try await EventSession.query(on: app.db).filter(\.$event.$id == id).sort(\.$position).all()
            let registrations = try await EventRegistration.query(on: app.db).filter(\.$event.$id == id).with(\.$user).all()
            func registration(_ email: String) -> String { registrations.first { $0.user.email == email }!.id!.uuidString }
            let wrong = try await organiser.post("/wydarzenia/\(id)/obecnosc", ["session_id": sessions[0].id!.uuidString,
                                                                               "present_\(registration("ala@example.org"))": "on"])
            #expect(wrong.status == .unprocessableEntity && wrong.text.contains("tylko osobom zapisanym"))
            #expect(try await ala.post("/wydarzenia/\(id)/obecnosc", ["session_id": sessions[0].id!.uuidString]).status == .notFound)
            #expect(try await SessionAttendance.query(on: app.db).count() == 0)
            for (session, present) in [(sessions[0], ["bartek@example.org", "celina@example.org"]), (sessions[1], ["bartek@example.org"])] {
                var fields = ["session_id": session.id!.uuidString]
                for email in present { fields["present_\(registration(email))"] = "on" }
                #expect(try await organiser.post("/wydarzenia/\(id)/obecnosc", fields).status == .seeOther)
            }
            #expect(try await SessionAttendance.query(on: app.db).count() == 3)

            // Certificates for whoever attended every session: Bartek, not Celina.
            #expect(try await organiser.post("/wydarzenia/\(id)/zaswiadczenia", [:]).status == .seeOther)
            let certified = try await EventRegistration.query(on: app.db).filter(\.$certificateIssuedAt != nil).with(\.$user).with(\.$event).all()
            #expect(certified.map(\.user.email) == ["bartek@example.org"])
            let certificate = try #require(certified.first)
            let pdfPath = "/zaswiadczenia-ukonczenia/\(try certificate.requireID())/pdf"
            #expect(try await bartek.get("/moje-wydarzenia").text.contains(pdfPath))
            let account = try await bartek.get("/konto").text
            #expect(account.contains("Ukończone szkolenia") && account.contains(pdfPath), "completed trainings show on the account")
            #expect(try await celina.get(pdfPath).status == .notFound)
            let pdf = try await bartek.get(pdfPath)
            #expect(pdf.status == .ok)
            let code = try app.documentSeal.code(kind: .trainingCertificate, id: try certificate.requireID(), facts: SealedTrainingCertificates.facts(certificate))
            if let text = try pdfText(pdf.body) {
                #expect(text.contains("Zaświadczenie ukończenia") && text.contains("Bartek Drugi") && text.contains(code))
            }
            let verified = try await TestBrowser(app).get("/weryfikacja/\(code)")
            #expect(verified.status == .ok && verified.text.contains("Zaświadczenie ukończenia jest prawdziwe") && verified.text.contains("Bartek Drugi"))

            // The developmental training needs the basic one: Bartek may register, Celina may not.
            let developmental = try #require(try await Event.query(on: app.db).filter(\.$kind == "development_training").first())
            #expect(try await bartek.post("/wydarzenia/\(try developmental.requireID())/zapis", [:]).status == .seeOther)
            let withoutBasic = try await celina.post("/wydarzenia/\(try developmental.requireID())/zapis", [:])
            #expect(withoutBasic.status == .forbidden && withoutBasic.text.contains("Najpierw ukończ wymagane szkolenie."))

            // Calendars: the event's file, and Bartek's feed by its secret address, which can be replaced.
            let file = try await TestBrowser(app).get("/wydarzenia/\(id)/kalendarz.ics")
            #expect(file.headers.contentType?.subType == "calendar" && file.text.components(separatedBy: "BEGIN:VEVENT").count == 3)
            #expect(try await bartek.post("/moje-wydarzenia/kalendarz", [:]).status == .seeOther)
            let feed = try #require(try await CalendarFeed.query(on: app.db).first())
            let feedText = try await TestBrowser(app).get("/kalendarz/\(feed.secret).ics").text
            #expect(feedText.contains("Szkolenie podstawowe — test") && feedText.contains("Komunikacja w zespole"))
            #expect(try await bartek.post("/moje-wydarzenia/kalendarz", [:]).status == .seeOther)
            #expect(try await TestBrowser(app).get("/kalendarz/\(feed.secret).ics").status == .notFound)
            #expect(try await TestBrowser(app).get("/kalendarz/nie-ma.ics").status == .notFound)

            // The organiser calls the training off with a reason: everyone is told; the feed marks it cancelled.
            #expect(try await bartek.post("/wydarzenia/\(id)/odwolanie", ["reason": "Choroba prowadzącej"]).status == .notFound)
            #expect(try await organiser.post("/wydarzenia/\(id)/odwolanie", ["reason": ""]).status == .unprocessableEntity)
            #expect(try await organiser.post("/wydarzenia/\(id)/odwolanie", ["reason": "Choroba prowadzącej"]).status == .seeOther)
            #expect(try await organiser.post("/wydarzenia/\(id)/odwolanie", ["reason": "Drugi raz"]).status == .conflict)
            #expect(try await Mailbox(app).messages(to: "celina@example.org").contains { $0.template == "event_called_off" })
            let renewed = try #require(try await CalendarFeed.query(on: app.db).first())
            #expect(try await TestBrowser(app).get("/kalendarz/\(renewed.secret).ics").text.contains("STATUS:CANCELLED"))
            #expect(try await !TestBrowser(app).get("/wydarzenia?rodzaj=basic_training").text.contains("Szkolenie podstawowe — test"))
        }
    }

    @Test func theDeadlineTheAudienceAndTheRegionRefuseWithTheirReasons() async throws {
        try await withKorpus { app in
            let (organiser, partnerID) = try await organiser(app)
            var late = eventForm(partnerID, title: "Zapisy już zamknięte")
            late["registration_deadline"] = OfferDates.today(Date().addingTimeInterval(-86_400))
            var coordinators = eventForm(partnerID, title: "Tylko dla koordynatorów")
            coordinators["coordinators_only"] = "on"
            var region = eventForm(partnerID, title: "Tylko dla Małopolski")
            region["voivodeship"] = "12"
            region["locality"] = "Kraków"
            region["region_only"] = "on"
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Ela Gdańska", email: "ela@example.org")
            for (form, message) in [(late, "Termin zapisów minął."), (coordinators, "tylko dla koordynatorów organizacji"),
                                    (region, "dla mieszkańców innego województwa")] {
                #expect(try await organiser.post("/wydarzenia/nowe", form).status == .seeOther, "\(form["title"] ?? "")")
                let event = try #require(try await Event.query(on: app.db).filter(\.$title == form["title"] ?? "").first())
                #expect(try await volunteer.get("/wydarzenia/\(try event.requireID())").text.contains(message))
                let refused = try await volunteer.post("/wydarzenia/\(try event.requireID())/zapis", [:])
                #expect(refused.status == .forbidden && refused.text.contains(message), "\(message)")
                #expect(try await EventRegistration.query(on: app.db).filter(\.$event.$id == event.requireID()).count() == 0)
            }
        }
    }

    @Test func twoPeopleTakingTheLastPlaceAtOnceGetOnePlace() async throws {
        try await withKorpus { app in
            let (organiser, partnerID) = try await organiser(app)
            #expect(try await organiser.post("/wydarzenia/nowe", eventForm(partnerID, capacity: 1, waitlist: false, title: "Jedno miejsce")).status == .seeOther)
            let event = try #require(try await Event.query(on: app.db).filter(\.$title == "Jedno miejsce").first())
            let first = TestBrowser(app), second = TestBrowser(app)
            try await first.registerAndVerify(name: "Pierwsza Osoba", email: "p1@example.org")
            try await second.registerAndVerify(name: "Druga Osoba", email: "p2@example.org")
            async let one = first.post("/wydarzenia/\(try event.requireID())/zapis", [:])
            async let two = second.post("/wydarzenia/\(try event.requireID())/zapis", [:])
            let statuses = [try await one.status, try await two.status]
            #expect(statuses.filter { $0 == .seeOther }.count == 1 && statuses.contains(.forbidden), "\(statuses)")
            #expect(try await EventRegistration.query(on: app.db).filter(\.$event.$id == event.requireID()).count() == 1)
        }
    }

    @Test func aCampSelectsAmongApplicationsAndCoordinatorsRegisterTheirVolunteers() async throws {
        try await withKorpus { app in
            // setup: the demo camp (the Słupsk partner selects among applications) and its operator
            _ = try await DemoContent.seed(on: app.db, administratorEmail: "admin@example.org", passwordHasher: app.password)
            let camp = try #require(try await Event.query(on: app.db).filter(\.$kind == "camp").first())
            let id = try camp.requireID()
            #expect(camp.selection && camp.questionList.count == 2)
            let organiser = TestBrowser(app)
            #expect(try await organiser.signIn("operator.slupsk@demo.korpus.local").status == .seeOther)
            let anna = TestBrowser(app), piotr = TestBrowser(app)
            #expect(try await anna.signIn("anna.kowalska@demo.korpus.local").status == .seeOther)
            #expect(try await piotr.signIn("piotr.nowak@demo.korpus.local").status == .seeOther)

            // Applying needs an answer to every question.
            let unanswered = try await anna.post("/wydarzenia/\(id)/zapis", ["answer_1": "Lubię morze"])
            #expect(unanswered.status == .unprocessableEntity && unanswered.text.contains("Odpowiedz na każde pytanie organizatora"))
            #expect(try await EventRegistration.query(on: app.db).filter(\.$event.$id == id).count() == 0)
            let answers = ["answer_1": "Chcę pomagać przy sprzątaniu plaż.", "answer_2": "Tak, półkolonie w Gdańsku."]
            #expect(try await anna.post("/wydarzenia/\(id)/zapis", answers).status == .seeOther)
            #expect(try await piotr.post("/wydarzenia/\(id)/zapis", answers).status == .seeOther)
            #expect(try await EventRegistration.query(on: app.db).filter(\.$event.$id == id).all().allSatisfy { $0.status == "applied" })
            #expect(try await anna.get("/wydarzenia/\(id)").text.contains("Twoje zgłoszenie czeka na decyzję organizatora."))
            let page = try await organiser.get("/wydarzenia/\(id)/uczestnicy")
            #expect(page.text.contains("Chcę pomagać przy sprzątaniu plaż."))

            // The organiser selects Anna and declines Piotr; each is told; a decision is made once.
            let registrations = try await EventRegistration.query(on: app.db).filter(\.$event.$id == id).with(\.$user).all()
            func path(_ email: String) -> String { "/wydarzenia/\(id)/wybor/\(registrations.first { $0.user.email == email }!.id!.uuidString)" }
            #expect(try await anna.post(path("anna.kowalska@demo.korpus.local"), ["decision": "accept"]).status == .notFound)
            #expect(try await organiser.post(path("anna.kowalska@demo.korpus.local"), ["decision": "accept"]).status == .seeOther)
            #expect(try await organiser.post(path("piotr.nowak@demo.korpus.local"), ["decision": "decline"]).status == .seeOther)
            #expect(try await organiser.post(path("piotr.nowak@demo.korpus.local"), ["decision": "accept"]).status == .conflict)
            let decided = try await EventRegistration.query(on: app.db).filter(\.$event.$id == id).with(\.$user).all()
                .reduce(into: [String: String]()) { $0[$1.user.email] = $1.status }
            #expect(decided == ["anna.kowalska@demo.korpus.local": "registered", "piotr.nowak@demo.korpus.local": "declined"])
            #expect(try await Mailbox(app).messages(to: "anna.kowalska@demo.korpus.local").contains { $0.template == "event_selected" })
            #expect(try await Mailbox(app).messages(to: "piotr.nowak@demo.korpus.local").contains { $0.template == "event_declined" })
            #expect(try await piotr.post("/wydarzenia/\(id)/rezygnacja", [:]).status == .notFound, "a declined application stays declined")
            #expect(try await piotr.post("/wydarzenia/\(id)/zapis", answers).status == .conflict)

            // The organiser writes to the participants (the declined are left out).
            #expect(try await organiser.post("/wydarzenia/\(id)/wiadomosc", ["message": "x"]).status == .unprocessableEntity)
            #expect(try await organiser.post("/wydarzenia/\(id)/wiadomosc", ["message": "Zbiórka o 8:30 na dworcu w Ustce."]).status == .seeOther)
            #expect(try await Mailbox(app).messages(to: "anna.kowalska@demo.korpus.local").contains { $0.template == "event_message" })
            #expect(try await !Mailbox(app).messages(to: "piotr.nowak@demo.korpus.local").contains { $0.template == "event_message" })
            #expect(try await anna.post("/wydarzenia/\(id)/wiadomosc", ["message": "Spam spam spam"]).status == .notFound)

            // A coordinator registers a volunteer of her organisation for a training, not a stranger.
            let training = try #require(try await Event.query(on: app.db).filter(\.$kind == "basic_training").first())
            let karolina = TestBrowser(app)
            #expect(try await karolina.signIn("karolina.zawadzka@demo.korpus.local").status == .seeOther)
            let annaUser = try #require(try await User.query(on: app.db).filter(\.$email == "anna.kowalska@demo.korpus.local").first())
            let stranger = try await TestBrowser(app).registerAndVerify(name: "Obcy Wolontariusz", email: "obcy@example.org")
            #expect(try await karolina.get("/wydarzenia/\(try training.requireID())").text.contains("Zapisz wolontariusza swojej organizacji"))
            #expect(try await karolina.post("/wydarzenia/\(try training.requireID())/zapis-wolontariusza",
                                            ["volunteer_id": try stranger.requireID().uuidString]).status == .notFound)
            #expect(try await karolina.post("/wydarzenia/\(try training.requireID())/zapis-wolontariusza",
                                            ["volunteer_id": try annaUser.requireID().uuidString]).status == .seeOther)
            let registered = try #require(try await EventRegistration.query(on: app.db).filter(\.$event.$id == training.requireID())
                .filter(\.$user.$id == annaUser.requireID()).first())
            #expect(registered.status == "registered" && registered.registeredBy != annaUser.id)
            #expect(try await Mailbox(app).messages(to: "anna.kowalska@demo.korpus.local").contains { $0.template == "event_registered_by" })
            #expect(try await karolina.post("/wydarzenia/\(id)/zapis-wolontariusza", ["volunteer_id": try annaUser.requireID().uuidString]).status == .conflict,
                    "a camp takes applications from each person")
        }
    }
}
