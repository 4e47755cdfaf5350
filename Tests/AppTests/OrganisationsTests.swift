import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// A valid registration form of a foundation in Gdańsk, with numbers that pass their checksums.
func foundationForm(name: String = "Fundacja Testowa", locality: String = "gdansk") -> [String: String] {
    [
        "name": name, "kind": "foundation", "krs": "0000123456", "nip": DemoNumbers.nip(seed: 42), "regon": DemoNumbers.regon(seed: 42),
        "street": "ul. Długa 1", "postal_code": "80-001", "locality": locality, "voivodeship": "",
        "description": "Pomagamy seniorom w codziennych sprawach i organizujemy spotkania.", "website": "https://example.org",
        "contact_email": "kontakt@example.org", "contact_phone": "", "accept_rules": "on", "accept_charter": "on",
    ]
}

@Suite("Organisations, partners and their areas")
struct OrganisationsTests {
    /// Registers an organisation through the form; returns its id.
    func register(_ browser: TestBrowser, _ fields: [String: String], logo: (field: String, name: String, type: String, data: Data)? = nil) async throws -> UUID? {
        let response = try await browser.postMultipart("/organizacje/nowa", fields, file: logo)
        guard response.status == .seeOther, let location = response.headers.first(name: .location) else { return nil }
        return location.split(separator: "/").dropFirst().first.flatMap { UUID(uuidString: String($0)) }
    }

    @Test func registrationVerificationAndCoordinatorInvitation() async throws {
        try await withKorpus { app in
            // setup: the demo partners and operators
            _ = try await DemoContent.seed(on: app.db, administratorEmail: "admin@example.org", passwordHasher: app.password)
            let representative = TestBrowser(app)
            try await representative.registerAndVerify(name: "Ewa Rep", email: "ewa@example.org")
            // act: register
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data(repeating: 0, count: 64)
            let id = try #require(try await register(representative, foundationForm(), logo: ("logo", "logo.png", "image/png", png)))
            let organisation = try #require(try await Organisation.find(id, on: app.db))
            #expect(organisation.status == "pending")
            #expect(organisation.logoType == "image/png")
            #expect(try await OrganisationAcceptance.query(on: app.db).filter(\.$organisation.$id == id).count() == 2)
            // Not public before verification.
            #expect(try await TestBrowser(app).get("/organizacje/\(id)").status == .notFound)
            // The pomorskie operator sees it and verifies it; the małopolskie operator cannot.
            let outsider = TestBrowser(app)
            #expect(try await outsider.signIn("operator.malopolskie@demo.korpus.local").status == .seeOther)
            #expect(!(try await outsider.get("/partner").body.string.contains("Fundacja Testowa")))
            let refused = try await outsider.post("/partner/organizacje/\(id)/weryfikacja", ["decision": "verify"])
            #expect(refused.status == .forbidden)
            #expect(refused.body.string.contains("poza obszarem"))
            #expect(try await Organisation.find(id, on: app.db)?.status == "pending")
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.verificationOutsideArea.rawValue).count() == 1)
            let operatorBrowser = TestBrowser(app)
            #expect(try await operatorBrowser.signIn("operator.pomorskie@demo.korpus.local").status == .seeOther)
            #expect(try await operatorBrowser.get("/partner").body.string.contains("Fundacja Testowa"))
            #expect(try await operatorBrowser.post("/partner/organizacje/\(id)/weryfikacja", ["decision": "verify"]).status == .seeOther)
            #expect(try await Organisation.find(id, on: app.db)?.status == "verified")
            #expect(try await Mailbox(app).messages(to: "ewa@example.org").contains { $0.template == "organisation_verified" })
            // Public now, with its logo.
            let page = try await TestBrowser(app).get("/organizacje/\(id)")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Pomagamy seniorom"))
            let logo = try await TestBrowser(app).get("/organizacje/\(id)/logo")
            #expect(logo.headers.contentType?.description.hasPrefix("image/png") == true)
            // The representative invites a coordinator, who accepts.
            #expect(try await representative.post("/organizacje/\(id)/koordynatorzy", ["email": "kasia@example.org"]).status == .seeOther)
            let coordinator = TestBrowser(app)
            try await coordinator.registerAndVerify(name: "Kasia Koordynator", email: "kasia@example.org")
            let link = try await Mailbox(app).link(to: "kasia@example.org", containing: "/zaproszenia/")
            #expect(try await coordinator.get(link).body.string.contains("Przyjmuję zaproszenie"))
            #expect(try await coordinator.post(link, [:]).status == .seeOther)
            let coordinatorID = try #require(try await User.query(on: app.db).filter(\.$email == "kasia@example.org").first()?.requireID())
            #expect(try await OrganisationMembership.role(of: coordinatorID, in: id, on: app.db) == .coordinator)
            #expect(try await coordinator.post(link, [:]).status == .gone, "an invitation works once")
            // A coordinator cannot invite or revoke; the representative can revoke.
            #expect(try await coordinator.post("/organizacje/\(id)/koordynatorzy", ["email": "x@example.org"]).status == .forbidden)
            let membership = try #require(try await OrganisationMembership.query(on: app.db).filter(\.$user.$id == coordinatorID).first())
            #expect(try await representative.post("/organizacje/\(id)/koordynatorzy/\(membership.requireID())/odwolaj", [:]).status == .seeOther)
            #expect(try await OrganisationMembership.role(of: coordinatorID, in: id, on: app.db) == nil)
            #expect(try await coordinator.get("/organizacje/\(id)/zarzadzanie").status == .notFound)
        }
    }

    @Test func anInvitationIsForItsAddressOnly() async throws {
        try await withKorpus { app in
            let representative = TestBrowser(app)
            try await representative.registerAndVerify(name: "Ewa", email: "ewa@example.org")
            let id = try #require(try await register(representative, foundationForm()))
            _ = try await representative.post("/organizacje/\(id)/koordynatorzy", ["email": "kasia@example.org"])
            let link = try await Mailbox(app).link(to: "kasia@example.org", containing: "/zaproszenia/")
            let intruder = TestBrowser(app)
            try await intruder.registerAndVerify(name: "Intruz", email: "intruz@example.org")
            #expect(try await intruder.post(link, [:]).status == .forbidden)
            #expect(try await OrganisationMembership.query(on: app.db).count() == 1)
        }
    }

    @Test func oneOrganisationsPeopleCannotTouchAnothersRecords() async throws {
        try await withKorpus { app in
            let first = TestBrowser(app)
            try await first.registerAndVerify(name: "Ewa", email: "ewa@example.org")
            let firstID = try #require(try await register(first, foundationForm(name: "Fundacja Pierwsza")))
            let second = TestBrowser(app)
            try await second.registerAndVerify(name: "Jan", email: "jan@example.org")
            let secondID = try #require(try await register(second, foundationForm(name: "Fundacja Druga")))
            // The second representative sees nothing of the first organisation and changes nothing.
            #expect(try await second.get("/organizacje/\(firstID)/zarzadzanie").status == .notFound)
            #expect(try await second.post("/organizacje/\(firstID)/koordynatorzy", ["email": "x@example.org"]).status == .notFound)
            let firstMembership = try #require(try await OrganisationMembership.query(on: app.db).filter(\.$organisation.$id == firstID).first())
            #expect(try await second.post("/organizacje/\(secondID)/koordynatorzy/\(firstMembership.requireID())/odwolaj", [:]).status == .notFound)
            #expect(try await second.post("/organizacje/\(firstID)/koordynatorzy/\(firstMembership.requireID())/odwolaj", [:]).status == .notFound)
            #expect(try await CoordinatorInvitation.query(on: app.db).count() == 0)
            #expect(try await OrganisationMembership.query(on: app.db).filter(\.$status == "active").count() == 2)
            // Forged ids.
            #expect(try await second.get("/organizacje/not-a-uuid/zarzadzanie").status == .notFound)
            #expect(try await second.get("/organizacje/\(UUID())/zarzadzanie").status == .notFound)
            // A volunteer is no operator.
            #expect(try await second.post("/partner/organizacje/\(firstID)/weryfikacja", ["decision": "verify"]).status == .forbidden)
            #expect(try await second.get("/admin").status == .forbidden)
        }
    }

    @Test func registrationRefusesBadNumbersAndFakeLogos() async throws {
        try await withKorpus { app in
            let browser = TestBrowser(app)
            try await browser.registerAndVerify(name: "Ewa", email: "ewa@example.org")
            var fields = foundationForm()
            fields["nip"] = "1234567890"
            fields["regon"] = "123456789"
            fields["krs"] = "12ab"
            fields["postal_code"] = "80001"
            fields["website"] = "javascript:alert(1)"
            fields["accept_charter"] = ""
            let script = Data("<script>alert('logo')</script>".utf8)
            let response = try await browser.postMultipart("/organizacje/nowa", fields, file: ("logo", "logo.png", "image/png", script))
            #expect(response.status == .unprocessableEntity)
            let html = response.body.string
            #expect(html.contains("Ten NIP jest nieprawidłowy"))
            #expect(html.contains("Ten REGON jest nieprawidłowy"))
            #expect(html.contains("Numer KRS ma 10 cyfr."))
            #expect(html.contains("Podaj kod pocztowy w formacie 00-000."))
            #expect(html.contains("http:// lub https://"))
            #expect(html.contains("Logo musi być obrazem PNG, JPEG albo WebP"))
            #expect(html.contains("zaakceptuj Kartę wartości"))
            #expect(try await Organisation.query(on: app.db).count() == 0)
            let uploads = app.uploadsFolder.appendingPathComponent("logos").path
            #expect((try? FileManager.default.contentsOfDirectory(atPath: uploads))?.isEmpty ?? true)
            // An informal group needs no numbers.
            var group = foundationForm(name: "Sąsiedzi z Oliwy")
            group["kind"] = "informal_group"
            group["krs"] = ""
            group["nip"] = ""
            group["regon"] = ""
            #expect(try await register(browser, group) != nil)
        }
    }

    @Test func rejectionNeedsAReasonAndInformsTheRepresentative() async throws {
        try await withKorpus { app in
            _ = try await DemoContent.seed(on: app.db, administratorEmail: "admin@example.org", passwordHasher: app.password)
            let representative = TestBrowser(app)
            try await representative.registerAndVerify(name: "Ewa", email: "ewa@example.org")
            let id = try #require(try await register(representative, foundationForm(locality: "Ustka")))
            // The local partner of Słupsk, Ustka and Lębork covers Ustka.
            let local = TestBrowser(app)
            #expect(try await local.signIn("operator.slupsk@demo.korpus.local").status == .seeOther)
            #expect(try await local.post("/partner/organizacje/\(id)/weryfikacja", ["decision": "reject", "reason": ""]).status == .unprocessableEntity)
            #expect(try await local.post("/partner/organizacje/\(id)/weryfikacja", ["decision": "maybe"]).status == .badRequest)
            #expect(try await local.post("/partner/organizacje/\(id)/weryfikacja", ["decision": "reject", "reason": "Brak statutu w KRS."]).status == .seeOther)
            let organisation = try #require(try await Organisation.find(id, on: app.db))
            #expect(organisation.status == "rejected")
            #expect(organisation.statusReason == "Brak statutu w KRS.")
            #expect(try await representative.get("/organizacje/\(id)/zarzadzanie").body.string.contains("Brak statutu w KRS."))
            #expect(try await Mailbox(app).messages(to: "ewa@example.org").contains { $0.template == "organisation_rejected" })
            // A verified organisation of the area can be suspended, with a reason.
            let verified = try #require(try await Organisation.query(on: app.db).filter(\.$name == "Stowarzyszenie Razem dla Słupska").first())
            let queue = try await local.get("/partner")
            #expect(queue.body.string.contains("Stowarzyszenie Razem dla Słupska"))
            #expect(try await local.post("/partner/organizacje/\(verified.requireID())/weryfikacja", ["decision": "suspend", "reason": ""]).status == .unprocessableEntity)
            #expect(try await local.post("/partner/organizacje/\(verified.requireID())/weryfikacja", ["decision": "suspend", "reason": "Pobieranie opłat od wolontariuszy."]).status == .seeOther)
            #expect(try await Organisation.find(verified.requireID(), on: app.db)?.status == "suspended")
            #expect(try await TestBrowser(app).get("/organizacje/\(verified.requireID())").status == .notFound)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.organisationSuspended.rawValue).count() == 1)
        }
    }

    @Test func administratorCreatesPartnersAndAssignsOperators() async throws {
        try await withKorpus { app in
            let outcome = try await DemoContent.seed(on: app.db, administratorEmail: "admin@example.org", passwordHasher: app.password)
            let admin = TestBrowser(app)
            #expect(try await admin.signIn("admin@example.org", try #require(outcome.administratorPassword)).status == .seeOther)
            #expect(try await admin.get("/admin").status == .ok)
            let duplicate = try await admin.post("/admin/partnerzy", ["name": "Drugie centrum", "kind": "regional", "voivodeship": "22"])
            #expect(duplicate.status == .unprocessableEntity)
            #expect(duplicate.body.string.contains("ma już partnera regionalnego"))
            let unknown = try await admin.post("/admin/partnerzy", ["name": "Centrum Kaszub", "kind": "local", "voivodeship": "22", "localities": "Kartuzy\nNibylandia"])
            #expect(unknown.status == .unprocessableEntity)
            let created = try await admin.post("/admin/partnerzy", ["name": "Centrum Kaszub", "kind": "local", "voivodeship": "22", "localities": "Kartuzy\nKoscierzyna"])
            #expect(created.status == .seeOther)
            let partner = try #require(try await Partner.query(on: app.db).filter(\.$name == "Centrum Kaszub").with(\.$localities).first())
            #expect(partner.localities.count == 2)
            let assigned = try await admin.post("/admin/partnerzy/\(partner.requireID())/operatorzy", ["email": "anna.kowalska@demo.korpus.local"])
            #expect(assigned.status == .seeOther)
            #expect(try await admin.post("/admin/partnerzy/\(partner.requireID())/operatorzy", ["email": "nikt@example.org"]).status == .unprocessableEntity)
            #expect(try await admin.get("/admin/audyt").body.string.contains("role.operator_assigned"))
            #expect(try await admin.get("/admin/poczta").status == .ok)
        }
    }

    @Test func publicDirectoryAndAPIShowVerifiedOrganisationsOnly() async throws {
        try await withKorpus { app in
            _ = try await DemoContent.seed(on: app.db, administratorEmail: "admin@example.org", passwordHasher: app.password)
            let list = try await TestBrowser(app).get("/organizacje?q=fundacja")
            #expect(list.body.string.contains("Fundacja Pomocna Dłoń"))
            #expect(!list.body.string.contains("Fundacja Morska Przystań"), "pending organisations are not public")
            let api = try await app.testing().sendRequest(.GET, "/api/v1/organisations?voivodeship=22")
            let decoded = try JSONDecoder().decode(APIController.OrganisationList.self, from: Data(api.body.string.utf8))
            #expect(decoded.items.map(\.name).sorted() == ["Fundacja Pomocna Dłoń", "Stowarzyszenie Centrum Wolontariatu w Gdańsku", "Stowarzyszenie Razem dla Słupska"])
            let pending = try #require(try await Organisation.query(on: app.db).filter(\.$status == "pending").first())
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/organisations/\(pending.requireID())").status == .notFound)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/organisations/xyz").status == .notFound)
        }
    }
}
