import Fluent
import Foundation
import KorpusCore
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Competences: the self-assessment, its results, evidence, sharing and statistics")
struct CompetencesTests {
    /// Every statement of one area of the model answered with `level`, with the model's version.
    static func page(_ area: CompetenceModel.Area, level: Int, version: String = CompetenceModel.v2026.version) -> [String: String] {
        var form = ["version": version, "go": "next"]
        for number in 1...area.statements { form[AssessmentController.field(area.statementCode(number))] = String(level) }
        return form
    }

    /// A page's text without its tags, white space collapsed.
    static func plain(_ html: String) -> String {
        html.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
            .replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
    }

    /// Starts (or continues) an assessment; the path of its pages without the number.
    static func start(_ browser: TestBrowser) async throws -> String {
        let response = try await browser.post("/kompetencje/samoocena", [:])
        #expect(response.status == .seeOther)
        let location = try #require(response.headers.first(name: .location)).split(separator: "?")[0]
        return String(location[..<(location.lastIndex(of: "/") ?? location.endIndex)])
    }

    /// Answers every page from `from` on with `level`; the result's path.
    static func answerAll(_ browser: TestBrowser, _ base: String, level: Int, from: Int = 1, model: CompetenceModel = .v2026) async throws -> String {
        var location = ""
        for number in from...model.areas.count {
            let response = try await browser.post("\(base)/\(number)", page(model.areas[number - 1], level: level, version: model.version))
            #expect(response.status == .seeOther, "page \(number)")
            location = response.headers.first(name: .location) ?? ""
        }
        return String(location.split(separator: "?")[0])
    }

    @Test func aVolunteerTakesItPageByPagePausesContinuesAndRepeatsIt() async throws {
        try await withKorpus { app in
            // setup: a volunteer and someone else
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Ala Nowak", email: "ala@example.org")
            let stranger = TestBrowser(app)
            try await stranger.registerAndVerify(name: "Obcy Ktoś", email: "obcy@example.org")
            let model = CompetenceModel.v2026
            let communication = model.areas[0]

            // act: the first page
            let base = try await Self.start(volunteer)
            let first = try await volunteer.get("\(base)/1")
            #expect(first.status == .ok && first.text.contains("Obszar 1 z 9") && first.text.contains("Słucham uważnie i dopytuję"))
            #expect(first.text.contains("Nie mam jeszcze doświadczenia") && first.text.contains("Uczę tego innych"))

            // Bad input: a level out of the scale refuses the page, nothing saved.
            var form = Self.page(communication, level: 3)
            form["s_communication_1"] = "7"
            form["s_communication_2"] = "trzy"
            let refused = try await volunteer.post("\(base)/1", form)
            #expect(refused.status == .unprocessableEntity && refused.text.contains("Wybierz jedną z odpowiedzi od 1 do 5."))
            #expect(try await CompetenceAnswer.query(on: app.db).count() == 0)
            // "Next" with an answer missing keeps what was answered and asks for the rest.
            form = Self.page(communication, level: 3)
            form.removeValue(forKey: "s_communication_4")
            let incomplete = try await volunteer.post("\(base)/1", form)
            #expect(incomplete.status == .unprocessableEntity && incomplete.text.contains("Zaznacz odpowiedź na to stwierdzenie."))
            #expect(try await CompetenceAnswer.query(on: app.db).count() == 3)
            #expect(try await volunteer.post("\(base)/1", Self.page(communication, level: 3)).headers.first(name: .location) == "\(base)/2")
            // Pause on page 2 with one answer; the overview says how far it got; starting again continues there.
            var pause = Self.page(model.areas[1], level: 2)
            pause = pause.filter { !$0.key.hasPrefix("s_") || $0.key == "s_teamwork_1" }
            pause["go"] = "pause"
            #expect(try await volunteer.post("\(base)/2", pause).headers.first(name: .location) == "/kompetencje?komunikat=competence_paused")
            #expect(try await volunteer.get("/kompetencje").text.contains("odpowiedzi 5 z 33"))
            #expect(try await Self.start(volunteer) == base, "one assessment in progress at a time")
            let again = try await volunteer.post("/kompetencje/samoocena", [:])
            #expect(again.headers.first(name: .location) == "\(base)/2")
            #expect(try await volunteer.get("\(base)/2").text.contains("value=\"2\" checked"), "the answer given before is shown")
            // Back saves too.
            var back = Self.page(model.areas[1], level: 2)
            back["go"] = "back"
            #expect(try await volunteer.post("\(base)/2", back).headers.first(name: .location) == "\(base)/1")

            // Other people's assessment, a page that does not exist: not found, nothing changed.
            #expect(try await stranger.get("\(base)/1").status == .notFound)
            #expect(try await stranger.post("\(base)/3", Self.page(model.areas[2], level: 5)).status == .notFound)
            #expect(try await volunteer.get("\(base)/99").status == .notFound)
            #expect(try await volunteer.post("\(base)/0", Self.page(communication, level: 5)).status == .notFound)
            #expect(try await CompetenceAnswer.query(on: app.db).count() == 8)

            // The rest, then the result.
            let result = try await Self.answerAll(volunteer, base, level: 2, from: 3)
            #expect(result == base.replacingOccurrences(of: "samoocena", with: "wyniki"))
            let page = try await volunteer.get(result)
            #expect(page.status == .ok && page.text.contains("Ala Nowak, samoocena z") && page.text.contains("id=\"radar-current\""))
            #expect(page.text.contains("Masz pierwsze doświadczenia z pomocą innych") && !page.text.contains("id=\"radar-previous\""))
            #expect(try await stranger.get(result).status == .notFound)
            #expect(try await stranger.get(result + "/pdf").status == .notFound)
            #expect(try await volunteer.post("\(base)/9", Self.page(model.areas[8], level: 5)).status == .conflict, "a finished one stays as it was")

            // Again, higher: compared with the earlier result.
            let second = try await Self.start(volunteer)
            #expect(second != base)
            let secondResult = try await volunteer.get(try await Self.answerAll(volunteer, second, level: 4))
            #expect(secondResult.text.contains("Porównanie z wynikiem z") && secondResult.text.contains("id=\"radar-previous\""))
            #expect(secondResult.text.contains("<td>+2</td>"))
            let history = try await volunteer.get("/kompetencje")
            #expect(history.text.components(separatedBy: "Wynik z").count - 1 == 2)

            // Their personal data include the answers; erasing the account erases the assessments.
            let export = try await volunteer.get("/konto/dane.json")
            #expect(export.text.contains("\"competenceAssessments\"") && export.text.contains("\"communication.1\""))
            #expect(try await volunteer.post("/konto/usun", ["password": "zielone-jablko-nad-rzeka", "confirm": "on"]).status == .seeOther)
            #expect(try await CompetenceAssessment.query(on: app.db).count() == 0)
            #expect(try await CompetenceAnswer.query(on: app.db).count() == 0)
        }
    }

    @Test func aModelChangedMidwayKeepsTheAnswersAndRefusesTheStalePage() async throws {
        try await withKorpus { app in
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Ala Nowak", email: "ala@example.org")
            let old = CompetenceModel.v2026
            let base = try await Self.start(volunteer)
            #expect(try await volunteer.post("\(base)/1", Self.page(old.areas[0], level: 3)).status == .seeOther)

            // A new version comes into force while page 2 is open: communication stays, teamwork and leadership follow.
            let newer = CompetenceModel(version: "2026-2", effectiveFrom: YearMonth("2026-01")!, areas: [old.areas[0], old.areas[1], old.areas[4]])
            app.competenceModels = [old, newer]
            let stale = try await volunteer.post("\(base)/2", Self.page(old.areas[1], level: 4))
            #expect(stale.status == .conflict && stale.text.contains("zmienił się model kompetencji") && stale.text.contains("2026-2"))
            #expect(stale.text.contains("Obszar 2 z 3"))
            let assessment = try #require(try await CompetenceAssessment.query(on: app.db).first())
            #expect(assessment.modelVersion == "2026-2")
            #expect(try await CompetenceAnswer.query(on: app.db).count() == 4, "nothing answered before is lost, nothing of the stale page written")

            // Continuing starts where the new version has no answer yet.
            #expect(try await volunteer.post("/kompetencje/samoocena", [:]).headers.first(name: .location) == "\(base)/2")
            let result = try await volunteer.get(try await Self.answerAll(volunteer, base, level: 4, from: 2, model: newer))
            #expect(result.status == .ok && result.text.contains("Wersja modelu: 2026-2") && result.text.contains("Przywództwo"))
            #expect(!result.text.contains("Kompetencje cyfrowe"))
        }
    }

    @Test func evidenceSuggestionsCertificatesPDFAndSharing() async throws {
        try await withKorpus { app in
            // setup: a volunteer engaged by a foundation, a training completed, a training coming
            let offersTests = OffersTests()
            let (coordinator, organisationID) = try await offersTests.verifiedOrganisation(app)
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Ala Zażółć", email: "ala@example.org")
            let stranger = TestBrowser(app)
            try await stranger.registerAndVerify(name: "Obcy Ktoś", email: "obcy@example.org")
            let engagement = try await HoursTests().engagement(app, coordinator: coordinator, organisation: organisationID, volunteer: volunteer, daysAgo: 30)
            let volunteerID = try #require(try await User.query(on: app.db).filter(\.$email == "ala@example.org").first()?.requireID())
            func event(_ title: String, days: Double, competences: String) async throws -> Event {
                let event = Event()
                event.organiserName = "Regionalne Centrum Wolontariatu w Gdańsku"
                event.kind = EventKind.developmentTraining.rawValue
                event.title = title
                event.description = "Szkolenie."
                event.audiences = "volunteers"
                event.voivodeshipCode = "22"
                event.address = "ul. Długa 12"
                event.capacity = 20
                event.waitlist = false
                event.regionOnly = false
                event.coordinatorsOnly = false
                event.selection = false
                event.questions = ""
                event.status = Event.Status.open.rawValue
                event.startsAt = Date().addingTimeInterval(days * 86_400)
                event.endsAt = event.startsAt.addingTimeInterval(3 * 3600)
                event.competences = competences
                event.createdBy = UUID()
                event.createdAt = Date()
                try await event.create(on: app.db)
                return event
            }
            let past = try await event("Rozmowa z seniorem — warsztat", days: -20, competences: "communication,care")
            let registration = EventRegistration()
            registration.$event.id = try past.requireID()
            registration.$user.id = volunteerID
            registration.status = EventRegistration.Status.registered.rawValue
            registration.registeredBy = volunteerID
            registration.createdAt = Date()
            registration.answers = ""
            registration.certificateIssuedAt = Date().addingTimeInterval(-19 * 86_400)
            try await registration.create(on: app.db)
            _ = try await event("Przywództwo w małym zespole", days: 10, competences: "leadership,projects")

            // Hours tagged with competences (an unknown one is left out), confirmed by the coordinator.
            let logged = try await volunteer.post("/moje-godziny", [
                "engagement_id": try engagement.requireID().uuidString, "worked_on": HoursTests.day(2), "hours": "3",
                "description": "Zakupy i rozmowa z panią Heleną", "competence_care": "on", "competence_communication": "on", "competence_cooking": "on",
            ])
            #expect(logged.status == .seeOther)
            let entry = try #require(try await HourEntry.query(on: app.db).first())
            #expect(entry.competences == "communication,care")
            #expect(try await coordinator.get("/organizacje/\(organisationID)/godziny").text.contains("Komunikacja, Troska o innych"))
            #expect(try await coordinator.post("/organizacje/\(organisationID)/godziny/potwierdz", ["entry_\(try entry.requireID())": "on"]).status == .seeOther)

            // The volunteer names what the completed training developed; someone else's training is not found.
            let overview = try await volunteer.get("/kompetencje")
            #expect(overview.text.contains("Rozmowa z seniorem — warsztat") && overview.text.contains("name=\"competence_care\" checked"))
            let tag = "/kompetencje/szkolenia/\(try registration.requireID())"
            #expect(try await stranger.post(tag, ["competence_digital": "on"]).status == .notFound)
            #expect(try await volunteer.post(tag, ["competence_communication": "on", "competence_teamwork": "on"]).status == .seeOther)
            #expect(try await EventRegistration.find(registration.id, on: app.db)?.competences == "communication,teamwork")

            // A certificate confirming competences; a word on them without any ticked is refused.
            #expect(try await volunteer.post("/zaangazowania/\(try engagement.requireID())/zaswiadczenie", ["note": "Do CV"]).status == .seeOther)
            let certificate = try #require(try await Certificate.query(on: app.db).first())
            let issue = "/zaswiadczenia/\(try certificate.requireID())/wystaw"
            let issueForm = try await coordinator.get(issue)
            #expect(issueForm.text.contains("name=\"competence_care\" checked") && issueForm.text.contains("name=\"competence_communication\" checked"))
            var fields = ["period_from": engagement.startsOn, "period_to": HoursTests.day(1), "scope": "Pomoc seniorom.", "opinion": "",
                          "competence_note": "Cierpliwa i uważna."]
            let noAreas = try await coordinator.post(issue, fields)
            #expect(noAreas.status == .unprocessableEntity && noAreas.text.contains("Zaznacz co najmniej jedną kompetencję"))
            fields["competence_care"] = "on"
            #expect(try await coordinator.post(issue, fields).status == .seeOther)
            let issued = try #require(try await Certificate.find(certificate.id, on: app.db))
            #expect(issued.competences == "care" && issued.competenceNote == "Cierpliwa i uważna." && issued.sealedFacts.contains("care"))
            let certificatePDF = try await volunteer.get("/zaswiadczenia/\(try certificate.requireID())/pdf")
            if let text = try pdfText(certificatePDF.body) {
                #expect(text.contains("Potwierdzone kompetencje") && text.contains("Troska o innych") && text.contains("Cierpliwa i uważna."))
            }

            // The self-assessment: low on leadership, high elsewhere.
            let base = try await Self.start(volunteer)
            for (index, area) in CompetenceModel.v2026.areas.enumerated() {
                #expect(try await volunteer.post("\(base)/\(index + 1)", Self.page(area, level: area.code == "leadership" ? 1 : 4)).status == .seeOther)
            }
            let resultPath = base.replacingOccurrences(of: "samoocena", with: "wyniki")
            let result = try await volunteer.get(resultPath)
            #expect(result.status == .ok)
            // The evidence beside each area: hours, the training as tagged, the certificate.
            let table = Self.plain(result.text)
            #expect(table.contains("Komunikacja") && table.contains("Godziny potwierdzone przez organizacje: 3"))
            #expect(table.contains("Szkolenia: Rozmowa z seniorem — warsztat") && table.contains("Potwierdzone w zaświadczeniu: Fundacja Testowa"))
            // Suggestions for the weak area: the coming training that develops it.
            #expect(result.text.contains("Jak rozwijać słabsze obszary") && result.text.contains("Przywództwo w małym zespole"))
            #expect(!result.text.contains("Rozmowa z seniorem — warsztat</a>"), "a past training is not suggested")

            // The PDF summary, with its Polish text.
            let pdf = try await volunteer.get(resultPath + "/pdf")
            #expect(pdf.status == .ok && pdf.headers.contentType == HTTPMediaType(type: "application", subType: "pdf"))
            if let text = try pdfText(pdf.body) {
                for phrase in ["Samoocena kompetencji wolontariackich", "Ala Zażółć", "Troska o innych", "Przywództwo", "Zarządzanie projektem",
                               "Godziny potwierdzone przez organizacje: 3", "Rozmowa z seniorem — warsztat"] {
                    #expect(text.contains(phrase), "\(phrase)")
                }
            }

            // Sharing (a second result, which the owner sees compared with the first): a link shown once, readable
            // without signing in, that result alone; withdrawn; forged links find nothing.
            let again = try await Self.answerAll(volunteer, try await Self.start(volunteer), level: 3)
            #expect(try await volunteer.get(again).text.contains("Porównanie z wynikiem"))
            let shared = try await volunteer.post(again + "/udostepnij", [:])
            #expect(shared.status == .ok && shared.text.contains("Skopiuj go teraz"))
            let link = try #require(shared.text.components(separatedBy: "/kompetencje/udostepnione/").dropFirst().first?.prefix(43)).description
            let anonymous = TestBrowser(app)
            let view = try await anonymous.get("/kompetencje/udostepnione/\(link)")
            #expect(view.status == .ok && view.text.contains("Samoocena kompetencji: Ala Zażółć") && view.text.contains("id=\"result-table\""))
            #expect(!view.text.contains("Jak rozwijać słabsze obszary") && view.headers.first(name: "X-Robots-Tag") == "noindex")
            #expect(!view.text.contains("Porównanie z wynikiem"), "only the shared result")
            #expect(try await anonymous.get("/kompetencje/udostepnione/\(String(link.dropLast()))x").status == .notFound)
            #expect(try await anonymous.get("/kompetencje/udostepnione/%3Cscript%3E").status == .notFound)
            let share = try #require(try await CompetenceShare.query(on: app.db).first())
            #expect(share.tokenHash == SecureToken.hash(link) && share.tokenHash != link, "only the hash is stored")
            #expect(try await stranger.post("/kompetencje/udostepnienia/\(try share.requireID())/wycofaj", [:]).status == .notFound)
            #expect(try await volunteer.get("/kompetencje").text.contains("Wycofaj link"))
            #expect(try await volunteer.post("/kompetencje/udostepnienia/\(try share.requireID())/wycofaj", [:]).status == .seeOther)
            let withdrawn = try await anonymous.get("/kompetencje/udostepnione/\(link)")
            #expect(withdrawn.status == .gone && withdrawn.text.contains("Właściciel wycofał ten link"))
        }
    }

    @Test func twoStartsAtOnceMakeOneAssessmentInProgress() async throws {
        try await withKorpus { app in
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Ala Nowak", email: "ala@example.org")
            async let first = volunteer.post("/kompetencje/samoocena", [:])
            async let second = volunteer.post("/kompetencje/samoocena", [:])
            let (a, b) = try await (first, second)
            #expect(a.status == .seeOther && b.status == .seeOther)
            #expect(a.headers.first(name: .location) == b.headers.first(name: .location))
            #expect(try await CompetenceAssessment.query(on: app.db).count() == 1)
        }
    }

    @Test func partnersSeeAnonymousStatisticsOfTheirAreaOnly() async throws {
        try await withKorpus { app in
            // setup: the demo — twelve volunteers of a Gdańsk foundation assessed themselves twice
            _ = try await DemoContent.seed(on: app.db, administratorEmail: "admin@example.org", passwordHasher: app.password)
            let pomorskie = TestBrowser(app)
            #expect(try await pomorskie.signIn("operator.pomorskie@demo.korpus.local").status == .seeOther)
            let page = try await pomorskie.get("/partner/kompetencje")
            #expect(page.status == .ok && page.text.contains("Regionalne Centrum Wolontariatu w Gdańsku"))
            #expect(page.text.contains("id=\"stats-change\"") && page.text.contains("<td>12</td>"))
            #expect(!page.text.contains("Magdalena Zielińska"), "no one is named")
            // Another region has no volunteers of its own there: nothing shown.
            let mazowieckie = TestBrowser(app)
            #expect(try await mazowieckie.signIn("operator.mazowieckie@demo.korpus.local").status == .seeOther)
            #expect(try await mazowieckie.get("/partner/kompetencje").text.contains("id=\"stats-empty\""))
            // A volunteer is not a partner.
            let volunteer = TestBrowser(app)
            #expect(try await volunteer.signIn("anna.kowalska@demo.korpus.local").status == .seeOther)
            #expect(try await volunteer.get("/partner/kompetencje").status == .forbidden)
        }
    }
}
