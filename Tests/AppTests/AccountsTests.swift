import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Accounts: registration, verification, sign-in, reset, profile, GDPR")
struct AccountsTests {
    @Test func registrationVerificationAndSignIn() async throws {
        try await withKorpus { app in
            // setup
            let browser = TestBrowser(app)
            try await browser.get("/rejestracja")
            // act
            let user = try await browser.registerAndVerify(name: "Ala Nowak", email: "ala@example.org")
            // validate
            #expect(user.emailVerifiedAt != nil)
            let account = try await browser.get("/konto?komunikat=verified")
            #expect(account.status == .ok)
            #expect(account.body.string.contains("Ala Nowak"))
            #expect(account.body.string.contains("Adres e-mail potwierdzony"))
            let consents = try await ConsentRecord.query(on: app.db).filter(\.$user.$id == user.requireID()).all()
            #expect(Set(consents.map(\.kind)) == ["terms", "privacy", "marketing"])
            #expect(consents.first { $0.kind == "terms" }?.version == "2026-11")
            #expect(consents.first { $0.kind == "marketing" }?.granted == false)
            // Signing out and in again.
            let out = try await browser.post("/wylogowanie", [:])
            #expect(out.status == .seeOther)
            #expect(try await browser.get("/konto").status == .seeOther)
            let signIn = try await browser.signIn("ala@example.org", "zielone-jablko-nad-rzeka")
            #expect(signIn.status == .seeOther)
            #expect(signIn.headers.first(name: .location) == "/konto")
            #expect(try await browser.get("/konto").status == .ok)
        }
    }

    @Test func verificationMailIsInThePersonsLanguageAndDeliveredAsEml() async throws {
        try await withKorpus { app in
            let browser = TestBrowser(app)
            browser.languageHeader = "uk"
            _ = try await browser.post("/rejestracja", [
                "name": "Олена Шевченко", "email": "olena@example.org", "password": "soniachnyk-nad-vysloiu",
                "password_confirm": "soniachnyk-nad-vysloiu", "date_of_birth": "1990-01-01", "locality": "wroclaw",
                "terms": "on", "privacy": "on",
            ])
            let message = try #require(try await Mailbox(app).messages(to: "olena@example.org").first)
            #expect(message.language == "uk")
            #expect(message.subject == "Підтвердіть адресу електронної пошти в Korpus")
            #expect(Mailbox.text(of: message.rendered).contains("Добрий день, Олена Шевченко!"))
            #expect(message.rendered.contains("Content-Type: text/html; charset=utf-8"))
            // The worker delivers it to the outbox folder as an .eml file, once.
            #expect(try await MailWorker.deliverDue(app) == 1)
            #expect(try await MailWorker.deliverDue(app) == 0)
            let files = try FileManager.default.contentsOfDirectory(atPath: app.outboxFolder.path).filter { $0.hasSuffix(".eml") }
            #expect(files.count == 1)
            let eml = try String(contentsOf: app.outboxFolder.appendingPathComponent(files[0]), encoding: .utf8)
            #expect(eml.contains("To: olena@example.org"))
            #expect(eml.contains("Subject: =?utf-8?B?"))
        }
    }

    @Test func registrationRefusesBadInputClearly() async throws {
        try await withKorpus { app in
            let browser = TestBrowser(app)
            try await browser.registerAndVerify(name: "Ala", email: "ala@example.org")
            let other = TestBrowser(app)
            let response = try await other.post("/rejestracja", [
                "name": "", "email": "ala@example.org", "password": "qwerty1234", "password_confirm": "qwerty1234",
                "date_of_birth": "2031-02-30", "locality": "Nibylandia", "phone": "abc", "terms": "", "privacy": "on",
            ])
            #expect(response.status == .unprocessableEntity)
            let html = response.body.string
            #expect(html.contains("To pole jest wymagane."))
            #expect(html.contains("Konto z tym adresem już istnieje"))
            #expect(html.contains("To hasło jest zbyt popularne"))
            #expect(html.contains("Podaj prawdziwą datę"))
            #expect(html.contains("Nie znamy takiej miejscowości"))
            #expect(html.contains("Podaj numer telefonu"))
            #expect(html.contains("zaakceptuj regulamin"))
            #expect(!html.contains("qwerty1234"), "a password is never shown back")
            #expect(try await User.query(on: app.db).count() == 1)
        }
    }

    @Test func childrenCannotRegisterThemselvesAndMinorsNeedTheGuardian() async throws {
        try await withKorpus { app in
            let browser = TestBrowser(app)
            let child = try await browser.post("/rejestracja", [
                "name": "Kuba", "email": "kuba@example.org", "password": "wielki-czerwony-balon", "password_confirm": "wielki-czerwony-balon",
                "date_of_birth": "2017-03-03", "locality": "Gdańsk", "terms": "on", "privacy": "on",
            ])
            #expect(child.status == .unprocessableEntity)
            #expect(child.body.string.contains("Konto dziecka poniżej 13 lat zakłada rodzic lub opiekun"))
            let minorWithoutGuardian = try await browser.post("/rejestracja", [
                "name": "Ola", "email": "ola@example.org", "password": "wielki-czerwony-balon", "password_confirm": "wielki-czerwony-balon",
                "date_of_birth": "2010-03-03", "locality": "Gdańsk", "terms": "on", "privacy": "on",
            ])
            #expect(minorWithoutGuardian.status == .unprocessableEntity)
            // A minor with the guardian's address: after verification the guardian is asked, and consents.
            let minor = try await browser.registerAndVerify(name: "Ola", email: "ola@example.org", born: "2010-03-03",
                                                            guardianEmail: "mama@example.org")
            #expect(minor.ageBand == .minor)
            let account = try await browser.get("/konto")
            #expect(account.body.string.contains("Czekamy na zgodę Twojego opiekuna"))
            let link = try await Mailbox(app).link(to: "mama@example.org", containing: "/zgoda-opiekuna/")
            let guardian = TestBrowser(app)
            #expect(try await guardian.get(link).body.string.contains("Ola"))
            let refused = try await guardian.post(link, ["guardian_name": "Marta Nowak"])
            #expect(refused.status == .unprocessableEntity)
            let given = try await guardian.post(link, ["guardian_name": "Marta Nowak", "consent": "on"])
            #expect(given.status == .ok)
            let consent = try await ConsentRecord.query(on: app.db).filter(\.$user.$id == minor.requireID()).filter(\.$kind == "guardian").first()
            #expect(consent?.details == "Marta Nowak <mama@example.org>")
            #expect(try await guardian.post(link, ["guardian_name": "Marta Nowak", "consent": "on"]).status == .gone, "a link works once")
            #expect(try await browser.get("/konto").body.string.contains("Opiekun prawny wyraził zgodę"))
        }
    }

    @Test func guardianCreatesAChildAccount() async throws {
        try await withKorpus { app in
            let browser = TestBrowser(app)
            let parent = try await browser.registerAndVerify(name: "Marta Nowak", email: "marta@example.org")
            let added = try await browser.post("/konto/dzieci", [
                "child_name": "Staś Nowak", "child_date_of_birth": "2017-06-01", "child_locality": "gdansk", "child_consent": "on",
            ])
            #expect(added.status == .seeOther)
            let child = try #require(try await User.query(on: app.db).filter(\.$guardianID == parent.requireID()).first())
            #expect(child.canSignIn == false)
            #expect(child.ageBand == .child)
            let tooOld = try await browser.post("/konto/dzieci", [
                "child_name": "Ola", "child_date_of_birth": "2005-06-01", "child_locality": "gdansk", "child_consent": "on",
            ])
            #expect(tooOld.status == .unprocessableEntity)
        }
    }

    @Test func usedAndForgedLinksAreRefused() async throws {
        try await withKorpus { app in
            let browser = TestBrowser(app)
            try await browser.registerAndVerify(name: "Ala", email: "ala@example.org")
            let link = try await Mailbox(app).link(to: "ala@example.org", containing: "/rejestracja/potwierdz/")
            #expect(try await browser.get(link).status == .gone)
            #expect(try await browser.get("/rejestracja/potwierdz/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz").status == .notFound)
            #expect(try await browser.get("/rejestracja/potwierdz/'%20OR%201=1").status == .notFound)
            // An expired link.
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "ala@example.org").first())
            let secret = try await AccountToken.issue(for: user.requireID(), purpose: .resetPassword, lifetime: -1, on: app.db)
            let expired = try await browser.get("/haslo/\(secret)")
            #expect(expired.status == .gone)
            #expect(expired.body.string.contains("Ten link wygasł"))
        }
    }

    @Test func passwordResetDoesNotRevealAccountsAndWorksOnce() async throws {
        try await withKorpus { app in
            let browser = TestBrowser(app)
            try await browser.registerAndVerify(name: "Ala", email: "ala@example.org")
            let stranger = TestBrowser(app)
            let unknown = try await stranger.post("/haslo", ["email": "nobody@example.org"])
            let known = try await stranger.post("/haslo", ["email": "ala@example.org"])
            #expect(unknown.status == known.status)
            #expect(unknown.body.string == known.body.string, "the same page whether or not the account exists")
            #expect(try await Mailbox(app).messages(to: "nobody@example.org").isEmpty)
            let link = try await Mailbox(app).link(to: "ala@example.org", containing: "/haslo/")
            let weak = try await stranger.post(link, ["password": "haslo12345", "password_confirm": "haslo12345"])
            #expect(weak.status == .unprocessableEntity)
            let done = try await stranger.post(link, ["password": "nowe-haslo-na-zime", "password_confirm": "nowe-haslo-na-zime"])
            #expect(done.status == .seeOther)
            #expect(try await stranger.post(link, ["password": "inne-haslo-na-lato", "password_confirm": "inne-haslo-na-lato"]).status == .gone)
            // The old session was ended; the new password works.
            #expect(try await browser.get("/konto").status == .seeOther)
            #expect(try await stranger.signIn("ala@example.org", "nowe-haslo-na-zime").status == .seeOther)
        }
    }

    @Test func repeatedWrongPasswordsAreThrottledAndAudited() async throws {
        try await withKorpus { app in
            let browser = TestBrowser(app)
            try await browser.registerAndVerify(name: "Ala", email: "ala@example.org")
            let attacker = TestBrowser(app)
            var statuses: [HTTPResponseStatus] = []
            for attempt in 0..<100 {
                let response = try await attacker.signIn("ala@example.org", "zle-haslo-\(attempt)")
                statuses.append(response.status)
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == .unauthorized })
            #expect(statuses.contains(.tooManyRequests))
            let last = try await attacker.signIn("ala@example.org", "zielone-jablko-nad-rzeka")
            #expect(last.status == .tooManyRequests, "even the right password waits")
            #expect(last.body.string.contains("Za dużo nieudanych prób"))
            let failures = try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.signInFailed.rawValue).count()
            let throttled = try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.signInThrottled.rawValue).count()
            #expect(failures >= 5)
            #expect(throttled > 0)
        }
    }

    @Test func sessionIdChangesAtSignInAndCookiesAreProtected() async throws {
        try await withKorpus { app in
            let browser = TestBrowser(app)
            try await browser.registerAndVerify(name: "Ala", email: "ala@example.org")
            let first = browser.cookies[SessionAuthenticator.cookieName]
            _ = try await browser.post("/wylogowanie", [:])
            let response = try await browser.signIn("ala@example.org", "zielone-jablko-nad-rzeka")
            let cookie = try #require(response.headers.setCookie?[SessionAuthenticator.cookieName])
            #expect(cookie.isHTTPOnly)
            #expect(cookie.sameSite == .lax)
            #expect(cookie.string != first)
            #expect(try await SignInSession.query(on: app.db).count() == 1)
            #expect(try await SignInSession.query(on: app.db).first()?.id == SecureToken.hash(cookie.string), "only the hash is stored")
        }
    }

    @Test func formsWithoutTheCSRFTokenChangeNothing() async throws {
        try await withKorpus { app in
            let browser = TestBrowser(app)
            try await browser.get("/")
            let response = try await browser.post("/rejestracja", [
                "name": "Ala", "email": "ala@example.org", "password": "zielone-jablko-nad-rzeka",
                "password_confirm": "zielone-jablko-nad-rzeka", "date_of_birth": "1990-01-01", "locality": "gdansk", "terms": "on", "privacy": "on",
            ], csrf: false)
            #expect(response.status == .forbidden)
            #expect(response.body.string.contains("Formularz wygasł"))
            #expect(try await User.query(on: app.db).count() == 0)
            // A token from another browser does not help either.
            let forged = try await browser.post("/rejestracja", ["_csrf": SecureToken.generate(), "name": "Ala"], csrf: false)
            #expect(forged.status == .forbidden)
        }
    }

    @Test func changingPasswordAndEmail() async throws {
        try await withKorpus { app in
            let browser = TestBrowser(app)
            try await browser.registerAndVerify(name: "Ala", email: "ala@example.org")
            let wrong = try await browser.post("/konto/haslo", ["current_password": "nie-to", "new_password": "nowe-haslo-na-zime", "password_confirm": "nowe-haslo-na-zime"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("Hasło jest nieprawidłowe."))
            let changed = try await browser.post("/konto/haslo", ["current_password": "zielone-jablko-nad-rzeka", "new_password": "nowe-haslo-na-zime", "password_confirm": "nowe-haslo-na-zime"])
            #expect(changed.status == .seeOther)
            let email = try await browser.post("/konto/email", ["password": "nowe-haslo-na-zime", "new_email": "ala.nowa@example.org"])
            #expect(email.status == .seeOther)
            #expect(try await User.query(on: app.db).filter(\.$email == "ala@example.org").count() == 1, "unchanged until confirmed")
            let link = try await Mailbox(app).link(to: "ala.nowa@example.org", containing: "/konto/email/")
            #expect(try await browser.post(link, [:]).status == .seeOther)
            #expect(try await User.query(on: app.db).filter(\.$email == "ala.nowa@example.org").count() == 1)
            #expect(try await Mailbox(app).messages(to: "ala@example.org").contains { $0.template == "email_changed" })
        }
    }

    @Test func downloadMyDataAndDeleteMyAccount() async throws {
        try await withKorpus { app in
            let browser = TestBrowser(app)
            let user = try await browser.registerAndVerify(name: "Ala Nowak", email: "ala@example.org")
            let export = try await browser.get("/konto/dane.json")
            #expect(export.status == .ok)
            #expect(export.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(export.body.string.utf8)) as? [String: Any])
            let account = try #require(json["account"] as? [String: Any])
            #expect(account["email"] as? String == "ala@example.org")
            #expect((json["consents"] as? [Any])?.count == 3)
            #expect((json["messages"] as? [Any])?.isEmpty == false)
            // Deleting needs the password and a confirmation.
            #expect(try await browser.post("/konto/usun", ["password": "zielone-jablko-nad-rzeka"]).status == .unprocessableEntity)
            let erased = try await browser.post("/konto/usun", ["password": "zielone-jablko-nad-rzeka", "confirm": "on"])
            #expect(erased.status == .seeOther)
            let after = try #require(try await User.find(user.requireID(), on: app.db))
            #expect(after.email.hasSuffix("@korpus.invalid"))
            #expect(after.displayName == "—")
            #expect(after.dateOfBirth == nil)
            #expect(after.status == "erased")
            #expect(try await TestBrowser(app).signIn("ala@example.org", "zielone-jablko-nad-rzeka").status == .unauthorized)
            let audit = try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.erased.rawValue).count()
            #expect(audit == 1)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.dataExported.rawValue).count() == 1)
        }
    }

    @Test func personalAccessTokensForTheAPI() async throws {
        try await withKorpus { app in
            let browser = TestBrowser(app)
            try await browser.registerAndVerify(name: "Ala", email: "ala@example.org")
            let page = try await browser.post("/konto/tokeny", ["token_name": "Mój skrypt"])
            let html = page.body.string
            let start = try #require(html.range(of: "<code id=\"new-token\">"))
            let token = String(html[start.upperBound...].prefix(43))
            #expect(SecureToken.isWellFormed(token))
            let me = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(token)"])
            #expect(me.status == .ok)
            #expect(me.body.string.contains("ala@example.org"))
            #expect(try await AccessToken.query(on: app.db).first()?.tokenHash == SecureToken.hash(token))
            let stored = try #require(try await AccessToken.query(on: app.db).first())
            // Its use is recorded (at most every five minutes); a suspended account's token signs nobody in.
            #expect(stored.lastUsedAt != nil)
            let holder = try #require(try await User.query(on: app.db).filter(\.$email == "ala@example.org").first())
            holder.status = User.Status.suspended.rawValue
            try await holder.save(on: app.db)
            let suspended = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(token)"])
            #expect(suspended.status == .unauthorized)
            holder.status = User.Status.active.rawValue
            try await holder.save(on: app.db)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(token)"]).status == .ok)
            #expect(try await browser.post("/konto/tokeny/\(stored.requireID())/odwolaj", [:]).status == .seeOther)
            let revoked = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(token)"])
            #expect(revoked.status == .unauthorized)
            #expect(revoked.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true)
            // Someone else's token id is not found.
            let other = TestBrowser(app)
            try await other.registerAndVerify(name: "Bob", email: "bob@example.org")
            #expect(try await other.post("/konto/tokeny/\(stored.requireID())/odwolaj", [:]).status == .notFound)
            // A session cookie alone does not open the API.
            #expect(try await browser.get("/api/v1/me").status == .unauthorized)
        }
    }
}
