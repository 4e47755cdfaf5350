import Fluent
import Foundation
import KorpusCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// The text `pdftotext` (poppler-utils) reads from a PDF, or nil when the tool is not installed. `.ci/run`
/// installs it and sets KORPUS_REQUIRE_PDFTOTEXT, so there a missing tool fails the test.
func pdfText(_ body: ByteBuffer) throws -> String? {
    let tool = "/usr/bin/pdftotext"
    guard FileManager.default.isExecutableFile(atPath: tool) else {
        #expect(ProcessInfo.processInfo.environment["KORPUS_REQUIRE_PDFTOTEXT"] == nil, "pdftotext is required here")
        return nil
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("korpus-\(UUID().uuidString).pdf")
    try Data(buffer: body).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = [file.path, "-"]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "pdftotext could not read the PDF")
    return String(data: data, encoding: .utf8)
}

@Suite("Engagement: agreements, certificates and their verification")
struct AgreementsTests {
    func agreementForm(_ engagement: Engagement, endsOn: String? = nil) -> [String: String] {
        ["scope": "Pomoc w świetlicy: zajęcia plastyczne z dziećmi.", "manner": "Osobiście, we wtorki po południu.", "place": "Gdańsk, ul. Długa 1",
         "starts_on": engagement.startsOn, "ends_on": endsOn ?? HoursTests.day(-10), "termination": "Z tygodniowym wypowiedzeniem.",
         "risks": "Praca z nożyczkami i klejem; zapewniamy opiekę.", "rights_duties": "Prawo do informacji i zaświadczenia.",
         "reimburses_costs": "on"]
    }

    static func textHash(_ page: String) -> String? {
        guard let range = page.range(of: "name=\"text_hash\" value=\"") else { return nil }
        return String(page[range.upperBound...].prefix(64))
    }

    @Test func anAgreementIsPreparedAcceptedByBothSidesAndVersioned() async throws {
        try await withKorpus { app in
            // setup: an adult volunteer accepted by a foundation; another organisation; a stranger
            let offersTests = OffersTests()
            let (coordinator, organisationID) = try await offersTests.verifiedOrganisation(app)
            let (otherCoordinator, _) = try await offersTests.verifiedOrganisation(app, email: "inna@example.org", name: "Fundacja Inna")
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Ala Zażółć", email: "ala@example.org")
            let engagement = try await HoursTests().engagement(app, coordinator: coordinator, organisation: organisationID, volunteer: volunteer, daysAgo: 10)
            let id = try engagement.requireID()
            let page = "/zaangazowania/\(id)/porozumienie"
            let prepare = page + "/przygotuj"

            // Only a coordinator of the organisation prepares it; anyone else is told it does not exist.
            #expect(try await otherCoordinator.get(page).status == .notFound)
            #expect(try await otherCoordinator.post(prepare, agreementForm(engagement)).status == .notFound)
            #expect(try await volunteer.post(prepare, agreementForm(engagement)).status == .forbidden)
            #expect(try await volunteer.get(page).text.contains("Koordynator nie przygotował jeszcze porozumienia."))
            // The form starts from the organisation's template and the offer.
            let form = try await coordinator.get(prepare)
            #expect(form.status == .ok && form.text.contains("Wolontariusz wykonuje świadczenia osobiście"))
            // Bad input: nothing written.
            var bad = agreementForm(engagement)
            bad["scope"] = ""
            bad["ends_on"] = "2001-01-01"
            let refused = try await coordinator.post(prepare, bad)
            #expect(refused.status == .unprocessableEntity && refused.text.contains("Wpisz co najmniej kilka słów."))
            #expect(try await Agreement.query(on: app.db).count() == 0)

            // act: the coordinator prepares it (20 days: electronic form, the organisation insures)
            #expect(try await coordinator.post(prepare, agreementForm(engagement)).status == .seeOther)
            let first = try #require(try await Agreement.query(on: app.db).first())
            #expect(first.version == 1 && first.requiredParties == [.volunteer, .organisation] && first.textHash == TextDigest.sha256(first.text))
            #expect(first.text.contains("Korzystający ubezpiecza Wolontariusza") && first.text.contains("akceptację jego treści w systemie Korpus"))
            let mail = try await Mailbox(app).link(to: "ala@example.org", containing: "/porozumienie")
            #expect(mail == page)
            let shown = try await volunteer.get(page)
            let hash = try #require(Self.textHash(shown.text))
            #expect(hash == first.textHash && shown.text.contains("Akceptuję porozumienie"))
            let accept = "/porozumienia/\(try first.requireID())/akceptacja"

            // Bad input: a forged hash, a stranger.
            #expect(try await volunteer.post(accept, ["text_hash": String(repeating: "0", count: 64)]).status == .conflict)
            #expect(try await otherCoordinator.post(accept, ["text_hash": hash]).status == .notFound)
            #expect(try await AgreementAcceptance.query(on: app.db).count() == 0)
            #expect(try await volunteer.post(accept, ["text_hash": hash]).status == .seeOther)
            let twice = try await volunteer.post(accept, ["text_hash": hash])
            #expect(twice.status == .conflict && twice.text.contains("To porozumienie zostało już przez Ciebie zaakceptowane."))
            #expect(try await coordinator.post(accept, ["text_hash": hash]).status == .seeOther)
            let concluded = try #require(try await Agreement.find(first.requireID(), on: app.db))
            #expect(concluded.status == "concluded")
            let acceptances = try await AgreementAcceptance.query(on: app.db).all()
            #expect(acceptances.count == 2 && acceptances.allSatisfy { $0.textHash == hash && !$0.address.isEmpty })

            // A change makes version 2 (over 30 days: written form); version 1 stays, and cannot be accepted.
            #expect(try await coordinator.post(prepare, agreementForm(engagement, endsOn: HoursTests.day(-60))).status == .seeOther)
            let versions = try await Agreement.query(on: app.db).sort(\.$version).all()
            #expect(versions.map(\.version) == [1, 2] && versions.map(\.status) == ["superseded", "awaiting"])
            #expect(versions[1].text.contains("wymaga formy pisemnej"))
            let old = try await coordinator.post(accept, ["text_hash": hash])
            #expect(old.status == .conflict && old.text.contains("To nie jest aktualna wersja porozumienia"))
            let newAccept = "/porozumienia/\(try versions[1].requireID())/akceptacja"
            #expect(try await volunteer.post(newAccept, ["text_hash": hash]).status == .conflict, "the old text's hash does not accept the new version")
            #expect(try await volunteer.get(page).text.contains("Wersje"))

            // The PDF: correct Polish text, and its code verifies on the public page.
            let pdf = try await volunteer.get("/porozumienia/\(try first.requireID())/pdf")
            #expect(pdf.status == .ok && pdf.headers.contentType == HTTPMediaType(type: "application", subType: "pdf"))
            #expect(try await otherCoordinator.get("/porozumienia/\(try first.requireID())/pdf").status == .notFound)
            if let text = try pdfText(pdf.body) {
                #expect(text.contains("Porozumienie wolontariackie nr") && text.contains("Ala Zażółć") && text.contains("Bezpieczeństwo i higiena"))
                #expect(text.contains("Akceptacje elektroniczne") && text.contains(hash))
                let code = try #require(text.components(separatedBy: "Kod weryfikacyjny:").last?.split(whereSeparator: \.isWhitespace).first)
                let verified = try await TestBrowser(app).get("/weryfikacja/\(code)")
                #expect(verified.status == .ok && verified.text.contains("Porozumienie jest prawdziwe") && verified.text.contains("Ala Zażółć"))
            }
        }
    }

    @Test func aMinorsAgreementNeedsTheGuardianWhoAcceptsByTheLinkInTheirMail() async throws {
        try await withKorpus { app in
            // setup: a 16-year-old with her guardian's consent, accepted by a foundation
            let offersTests = OffersTests()
            let (coordinator, organisationID) = try await offersTests.verifiedOrganisation(app)
            let minor = TestBrowser(app)
            let born = OfferDates.today(Date().addingTimeInterval(-16.5 * 365 * 86_400))
            try await minor.registerAndVerify(name: "Zosia Młoda", email: "zosia@example.org", born: born, guardianEmail: "mama@example.org")
            let consent = try await Mailbox(app).link(to: "mama@example.org", containing: "/zgoda-opiekuna/")
            #expect(try await TestBrowser(app).post(consent, ["guardian_name": "Maria Młoda", "consent": "on"]).status == .ok)
            let engagement = try await HoursTests().engagement(app, coordinator: coordinator, organisation: organisationID, volunteer: minor, daysAgo: 5)
            let id = try engagement.requireID()

            // act: prepared, accepted by the minor and the organisation; still waiting for the guardian
            #expect(try await coordinator.post("/zaangazowania/\(id)/porozumienie/przygotuj", agreementForm(engagement)).status == .seeOther)
            let agreement = try #require(try await Agreement.query(on: app.db).first())
            #expect(agreement.requiredParties == [.volunteer, .guardian, .organisation])
            let accept = "/porozumienia/\(try agreement.requireID())/akceptacja"
            #expect(try await minor.post(accept, ["text_hash": agreement.textHash]).status == .seeOther)
            #expect(try await Agreement.find(agreement.requireID(), on: app.db)?.status == "awaiting")

            // The guardian's link: the text, a name and a tick are needed; accepted once.
            let link = try await Mailbox(app).link(to: "mama@example.org", containing: "/porozumienie-opiekuna/")
            let guardianMail = try #require(try await Mailbox(app).messages(to: "mama@example.org").last)
            #expect(Mailbox.text(of: guardianMail.rendered).hasPrefix("Dzień dobry,\n"), "no empty name in the greeting")
            let guardian = TestBrowser(app)
            let page = try await guardian.get(link)
            #expect(page.status == .ok && page.text.contains("Zosia Młoda") && Self.textHash(page.text) == agreement.textHash)
            let unticked = try await guardian.post(link, ["guardian_name": "Maria Młoda", "text_hash": agreement.textHash])
            #expect(unticked.status == .unprocessableEntity && unticked.text.contains("Zaznacz, że akceptujesz porozumienie."))
            // The last two parties accept at the same moment: the agreement is concluded all the same.
            async let byGuardian = guardian.post(link, ["guardian_name": "Maria Młoda", "consent": "on", "text_hash": agreement.textHash])
            async let byOrganisation = coordinator.post(accept, ["text_hash": agreement.textHash])
            #expect(try await byGuardian.status == .ok)
            #expect(try await byOrganisation.status == .seeOther)
            #expect(try await guardian.post(link, ["guardian_name": "Maria Młoda", "consent": "on", "text_hash": agreement.textHash]).status == .gone)
            let concluded = try #require(try await Agreement.find(agreement.requireID(), on: app.db))
            #expect(concluded.status == "concluded")
            let guardianAcceptance = try #require(try await AgreementAcceptance.query(on: app.db).filter(\.$party == "guardian").first())
            #expect(guardianAcceptance.name == "Maria Młoda" && guardianAcceptance.email == "mama@example.org" && guardianAcceptance.userID == nil)
            #expect(try await Mailbox(app).messages(to: "zosia@example.org").contains { $0.template == "agreement_concluded" })
        }
    }

    @Test func aChildsAgreementIsConcludedByTheGuardianAloneFromTheirAccount() async throws {
        try await withKorpus { app in
            // setup: a guardian's account manages a 10-year-old's; the child was accepted by a foundation
            let (coordinator, organisationID) = try await OffersTests().verifiedOrganisation(app)
            let guardian = TestBrowser(app)
            try await guardian.registerAndVerify(name: "Piotr Rodzic", email: "rodzic@example.org")
            let born = OfferDates.today(Date().addingTimeInterval(-10.5 * 365 * 86_400))
            #expect(try await guardian.post("/konto/dzieci", ["child_name": "Kuba Rodzic", "child_date_of_birth": born, "child_locality": "gdansk",
                                                              "voivodeship": "", "child_consent": "on"]).status == .seeOther)
            let child = try #require(try await User.query(on: app.db).filter(\.$displayName == "Kuba Rodzic").first())
            let offerID = try #require(try await OffersTests().postOffer(coordinator, organisation: organisationID, offerForm(needed: 5)))
            let application = OfferApplication()
            application.$offer.id = offerID
            application.$volunteer.id = try child.requireID()
            application.message = "Zgłasza rodzic."
            application.status = OfferApplication.Status.accepted.rawValue
            application.createdAt = Date()
            application.decidedAt = Date()
            try await application.create(on: app.db)
            let engagement = try #require(try await Engagement.query(on: app.db).filter(\.$volunteer.$id == child.requireID()).first())
            let id = try engagement.requireID()

            // act: prepared; the guardian is told at their own address and accepts as the guardian
            #expect(try await coordinator.post("/zaangazowania/\(id)/porozumienie/przygotuj", agreementForm(engagement)).status == .seeOther)
            let agreement = try #require(try await Agreement.query(on: app.db).first())
            #expect(agreement.requiredParties == [.guardian, .organisation] && agreement.text.contains("w imieniu dziecka działa przedstawiciel ustawowy"))
            #expect(try await Mailbox(app).link(to: "rodzic@example.org", containing: "/porozumienie") == "/zaangazowania/\(id)/porozumienie")
            let page = try await guardian.get("/zaangazowania/\(id)/porozumienie")
            #expect(page.status == .ok && page.text.contains("Akceptuję porozumienie"))
            let accept = "/porozumienia/\(try agreement.requireID())/akceptacja"
            #expect(try await guardian.post(accept, ["text_hash": agreement.textHash]).status == .seeOther)
            #expect(try await coordinator.post(accept, ["text_hash": agreement.textHash]).status == .seeOther)
            #expect(try await Agreement.find(agreement.requireID(), on: app.db)?.status == "concluded")
            let parties = try await AgreementAcceptance.query(on: app.db).all().map(\.party).sorted()
            #expect(parties == ["guardian", "organisation"])
        }
    }

    @Test func aCertificateIsAskedForIssuedOnceAndVerifiedWhileATamperedCodeFails() async throws {
        try await withKorpus { app in
            // setup: a volunteer with confirmed and pending hours
            let offersTests = OffersTests()
            let (coordinator, organisationID) = try await offersTests.verifiedOrganisation(app)
            let (otherCoordinator, _) = try await offersTests.verifiedOrganisation(app, email: "inna@example.org", name: "Fundacja Inna")
            let volunteer = TestBrowser(app)
            try await volunteer.registerAndVerify(name: "Łucja Śliwińska", email: "lucja@example.org")
            let engagement = try await HoursTests().engagement(app, coordinator: coordinator, organisation: organisationID, volunteer: volunteer, daysAgo: 40)
            let id = try engagement.requireID()
            for (day, hours) in [(30, "3"), (20, "2,5"), (10, "4")] {
                #expect(try await volunteer.post("/moje-godziny", ["engagement_id": id.uuidString, "worked_on": HoursTests.day(day),
                                                                   "hours": hours, "description": "Zajęcia w świetlicy"]).status == .seeOther)
            }
            let entries = try await HourEntry.query(on: app.db).filter(\.$workedOn != HoursTests.day(10)).all()
            var ticked: [String: String] = [:]
            for entry in entries { ticked["entry_\(try entry.requireID())"] = "on" }
            #expect(try await coordinator.post("/organizacje/\(organisationID)/godziny/potwierdz", ticked).status == .seeOther)

            // The volunteer asks (once while a request waits); the coordinator is told.
            let ask = "/zaangazowania/\(id)/zaswiadczenie"
            #expect(try await coordinator.post(ask, ["note": ""]).status == .forbidden)
            #expect(try await volunteer.post(ask, ["note": "Do CV."]).status == .seeOther)
            #expect(try await volunteer.post(ask, ["note": ""]).status == .conflict)
            let issue = try await Mailbox(app).link(to: "koordynator@example.org", containing: "/wystaw")
            #expect(try await otherCoordinator.get(issue).status == .notFound)
            #expect(try await volunteer.get(issue).status == .notFound)
            let form = try await coordinator.get(issue)
            #expect(form.status == .ok && form.text.contains("Do CV."))

            // Bad input: a period in the future or outside the engagement, no scope; nothing issued.
            let good = ["period_from": engagement.startsOn, "period_to": HoursTests.day(0), "scope": "Zajęcia plastyczne w świetlicy.",
                        "opinion": "Sumienna i życzliwa."]
            for (field, value, message) in [("period_to", HoursTests.day(-3), "nie może kończyć się w przyszłości"),
                                            ("period_from", "2001-01-01", "poza okresem zaangażowania"),
                                            ("scope", "", "Wpisz co najmniej kilka słów."), ("period_to", "31.12.2026", "Podaj prawdziwą datę")] {
                var bad = good
                bad[field] = value
                let response = try await coordinator.post(issue, bad)
                #expect(response.status == .unprocessableEntity, "\(field)=\(value)")
                #expect(response.text.contains(message), "\(field)=\(value): \(response.text.components(separatedBy: "form-errors").last?.prefix(600) ?? "")")
            }
            #expect(try await Certificate.query(on: app.db).filter(\.$status == "issued").count() == 0)
            #expect(try await otherCoordinator.post(issue, good).status == .notFound)

            // act: issued with the confirmed hours of the period only (3 + 2.5; the 4 waiting do not count)
            #expect(try await coordinator.post(issue, good).status == .seeOther)
            #expect(try await coordinator.post(issue, good).status == .conflict, "issued once")
            let certificate = try #require(try await Certificate.query(on: app.db).first())
            #expect(certificate.status == "issued" && certificate.quarterHours == 22 && certificate.volunteerName == "Łucja Śliwińska")
            #expect(try await Mailbox(app).messages(to: "lucja@example.org").contains { $0.template == "certificate_issued" })
            #expect(try await volunteer.get("/moje-godziny").text.contains("/zaswiadczenia/\(try certificate.requireID())/pdf"))

            // The PDF and its code.
            let path = "/zaswiadczenia/\(try certificate.requireID())/pdf"
            #expect(try await otherCoordinator.get(path).status == .notFound)
            let pdf = try await volunteer.get(path)
            #expect(pdf.status == .ok && pdf.body.readableBytes > 1000)
            let code = try app.documentSeal.code(kind: .certificate, id: try certificate.requireID(), facts: certificate.sealedFacts)
            if let text = try pdfText(pdf.body) {
                #expect(text.contains("Zaświadczenie o wykonywaniu świadczeń wolontariackich") && text.contains("Łucja Śliwińska"))
                #expect(text.contains("Potwierdzone godziny: 5,5") && text.contains("Sumienna i życzliwa.") && text.contains(code))
            }
            let public_ = TestBrowser(app)
            let genuine = try await public_.get("/weryfikacja/\(code)")
            #expect(genuine.status == .ok && genuine.text.contains("Zaświadczenie jest prawdziwe") && genuine.text.contains("Łucja Śliwińska"))
            #expect(genuine.text.contains("5,5") && !genuine.text.contains("Sumienna"), "the opinion is not public")
            #expect(try await public_.get("/weryfikacja?kod=\(code)").headers.first(name: .location) == "/weryfikacja/\(code)")
            // Every changed character, and a record changed behind the seal's back, fail.
            for position in stride(from: 0, to: code.count, by: 7) {
                var characters = Array(code)
                characters[position] = characters[position] == "A" ? "B" : "A"
                let tampered = try await public_.get("/weryfikacja/\(String(characters))")
                #expect(tampered.status == .notFound && tampered.text.contains("Dokument nie jest prawdziwy"), "position \(position)")
            }
            #expect(try await public_.get("/weryfikacja/nie-kod").status == .notFound)
            let injected = try await public_.get("/weryfikacja?kod=abc%0D%0ASet-Cookie:%20x=1")
            #expect(injected.status == .notFound && injected.headers.first(name: .location) == nil && injected.text.contains("Dokument nie jest prawdziwy"))
            certificate.quarterHours = 400
            try await certificate.save(on: app.db)
            #expect(try await public_.get("/weryfikacja/\(code)").status == .notFound)
        }
    }

    @Test func theSigningKeyIsCreatedOnceAndKeptInTheDataFolder() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("korpus-key-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let settings = Settings(dataDirectory: directory.path)
        let first = try DocumentSeals.load(settings, logger: Logger(label: "test"))
        let again = try DocumentSeals.load(settings, logger: Logger(label: "test"))
        #expect(first.publicKey == again.publicKey)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(DocumentSeals.fileName).path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        var fromEnvironment = settings
        fromEnvironment.signingKey = DocumentSeal.newSecret().base64EncodedString()
        #expect(try DocumentSeals.load(fromEnvironment, logger: Logger(label: "test")).publicKey != first.publicKey)
        #expect(throws: SettingsError.self) { try Settings.fromEnvironment(["KORPUS_SIGNING_KEY": "krótki"]) }
    }
}
