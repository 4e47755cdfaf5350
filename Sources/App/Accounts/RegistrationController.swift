import Fluent
import KorpusCore
import Vapor

/// Registration of a person, verification of their e-mail address, and a guardian's consent for a minor.
struct RegistrationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.register.components, use: form).publicAccess()
        routes.post(SitePath.register.components, use: register).publicAccess()
        routes.get(SitePath.registrationSent.components, use: sent).publicAccess()
        routes.get(SitePath.verifyEmail("").components, use: verifyPage).publicAccess()
        routes.post(SitePath.verifyEmail("").components, use: verify).publicAccess()
        routes.get(SitePath.guardianConsent("").components, use: guardianPage).publicAccess()
        routes.post(SitePath.guardianConsent("").components, use: guardianConsent).publicAccess()
        routes.get(SitePath.document("").components, use: document).publicAccess()
    }

    struct FormPage: Encodable {
        let form: FormState
        let voivodeships: [LocalitiesController.Option]
    }

    @Sendable
    func form(req: Request) async throws -> View {
        try await req.render("accounts/register", title: req.t("register.title"),
                             FormPage(form: FormState(), voivodeships: LocalitiesController.voivodeshipOptions(req, selected: "")))
    }

    @Sendable
    func register(req: Request) async throws -> Response {
        var form = FormState(values: try req.formFields())
        AccountValidation.name(&form, req)
        let email = AccountValidation.email(&form, req)
        AccountValidation.newPassword(&form, field: "password", confirm: "password_confirm", email: email ?? "", req)
        let birth = AccountValidation.dateOfBirth(&form, req)
        if let (_, age) = birth, AgeBand.of(age: age) == .child {
            form.fail("date_of_birth", req.t("register.error.child"))
        }
        var guardianEmail: String?
        if let (_, age) = birth, AgeBand.of(age: age) == .minor {
            guardianEmail = AccountValidation.email(&form, field: "guardian_email", req)
            if let guardianEmail, guardianEmail == email { form.fail("guardian_email", req.t("register.error.guardian_same")) }
        }
        let locality = try await AccountValidation.locality(&form, req)
        let phone = AccountValidation.phone(&form, req)
        if !form.isChecked("terms") { form.fail("terms", req.t("register.error.terms")) }
        if !form.isChecked("privacy") { form.fail("privacy", req.t("register.error.privacy")) }
        if let email, try await User.query(on: req.db).filter(\.$email == email).first() != nil {
            form.fail("email", req.t("register.error.email_taken"))
        }
        guard form.isValid, let email, let birth, let locality else {
            form.values["password"] = nil
            form.values["password_confirm"] = nil
            return try await req.render(
                "accounts/register", title: req.t("register.title"),
                FormPage(form: form, voivodeships: LocalitiesController.voivodeshipOptions(req, selected: form.value("voivodeship"))),
                status: .unprocessableEntity)
        }
        let passwordHash = try await req.password.async.hash(form.value("password"))
        let address = req.clientAddress
        let language = req.language
        let marketing = form.isChecked("marketing")
        let name = form.value("name")
        let guardian = guardianEmail
        let userID: UUID = try await req.db.writing { db in
            let user = User(email: email, displayName: name, passwordHash: passwordHash, isAdministrator: false)
            user.dateOfBirth = birth.0
            user.localityID = locality.id
            user.phone = phone
            user.language = language.rawValue
            user.guardianEmail = guardian
            try await user.create(on: db)
            let id = try user.requireID()
            for (kind, granted) in [(ConsentRecord.Kind.terms, true), (.privacy, true), (.marketing, marketing)] {
                let version = kind == .marketing ? "1" : ProgrammeDocument.currentVersion(kind == .terms ? .terms : .privacy)
                try await ConsentRecord(userID: id, kind: kind, version: version, granted: granted, address: address).create(on: db)
            }
            let secret = try await AccountToken.issue(for: id, purpose: .verifyEmail, lifetime: 48 * 3600, on: db)
            try await Mailer(application: req.application, db: db).send(
                template: "verify_email", to: email, name: name, language: language, link: SitePath.verifyEmail(secret).path)
            return id
        }
        await req.audit(.registered, subject: "user:\(userID)", actor: userID)
        return req.redirect(to: SitePath.registrationSent.path, redirectType: .normal)
    }

    @Sendable
    func sent(req: Request) async throws -> View {
        try await MessagePage.render(req, title: "register.sent.title", paragraphs: ["register.sent.text", "register.sent.spam"])
    }

    struct ConfirmPage: Encodable {
        let action: String
        let name: String
    }

    @Sendable
    func verifyPage(req: Request) async throws -> View {
        let secret = req.parameters.get("token") ?? ""
        let token = try await AccountToken.redeemable(secret, purpose: .verifyEmail, on: req.db)
        return try await req.render("accounts/verify", title: req.t("verify.title"),
                                    ConfirmPage(action: SitePath.verifyEmail(secret).path, name: token.user.displayName))
    }

    /// Confirms the address (a button, not the link itself, so a mail scanner opening links consumes nothing)
    /// and signs the person in. For a minor, the guardian is asked for consent now.
    @Sendable
    func verify(req: Request) async throws -> Response {
        let secret = req.parameters.get("token") ?? ""
        let token = try await AccountToken.redeemable(secret, purpose: .verifyEmail, on: req.db)
        try await token.markUsed(on: req.db)
        let user = token.user
        user.emailVerifiedAt = Date()
        try await user.save(on: req.db)
        await req.audit(.emailVerified, subject: "user:\(try user.requireID())", actor: user.id)
        if user.ageBand == .minor, let guardianEmail = user.guardianEmail {
            try await Self.askGuardian(for: user, at: guardianEmail, req: req)
        }
        let response = req.redirect(to: SitePath.account.path, notice: "verified")
        guard user.canSignIn else { return response }
        try await req.signIn(user, response: response)
        return response
    }

    static func askGuardian(for user: User, at guardianEmail: String, req: Request) async throws {
        let secret = try await AccountToken.issue(
            for: try user.requireID(), purpose: .guardianConsent, lifetime: 14 * 24 * 3600, payload: guardianEmail, on: req.db)
        try await req.mailer.send(
            template: "guardian_consent", to: guardianEmail, name: "", language: user.preferredLanguage,
            link: SitePath.guardianConsent(secret).path, arguments: ["minor": user.displayName])
    }

    struct GuardianPage: Encodable {
        let action: String
        let minorName: String
        let dateOfBirth: String
        let form: FormState
    }

    @Sendable
    func guardianPage(req: Request) async throws -> View {
        let secret = req.parameters.get("token") ?? ""
        let token = try await AccountToken.redeemable(secret, purpose: .guardianConsent, on: req.db)
        return try await req.render("accounts/guardian-consent", title: req.t("guardian.title"),
            GuardianPage(action: SitePath.guardianConsent(secret).path, minorName: token.user.displayName,
                         dateOfBirth: token.user.dateOfBirth ?? "", form: FormState()))
    }

    @Sendable
    func guardianConsent(req: Request) async throws -> Response {
        let secret = req.parameters.get("token") ?? ""
        let token = try await AccountToken.redeemable(secret, purpose: .guardianConsent, on: req.db)
        var form = FormState(values: try req.formFields())
        AccountValidation.name(&form, field: "guardian_name", req)
        if !form.isChecked("consent") { form.fail("consent", req.t("guardian.error.consent")) }
        guard form.isValid else {
            return try await req.render("accounts/guardian-consent", title: req.t("guardian.title"),
                GuardianPage(action: SitePath.guardianConsent(secret).path, minorName: token.user.displayName,
                             dateOfBirth: token.user.dateOfBirth ?? "", form: form), status: .unprocessableEntity)
        }
        try await token.markUsed(on: req.db)
        let minorID = try token.user.requireID()
        try await ConsentRecord(
            userID: minorID, kind: .guardian, version: ProgrammeDocument.currentVersion(.terms), granted: true,
            address: req.clientAddress, details: "\(form.value("guardian_name")) <\(token.payload)>"
        ).create(on: req.db)
        await req.audit(.guardianConsent, subject: "user:\(minorID)", details: token.payload, actor: minorID)
        try await req.mailer.send(
            template: "guardian_consent_given", to: token.user.email, name: token.user.displayName,
            language: token.user.preferredLanguage, link: SitePath.account.path)
        return try await MessagePage.render(req, title: "guardian.done.title", paragraphs: ["guardian.done.text"]).encodeResponse(for: req)
    }

    struct DocumentPage: Encodable {
        let title: String
        let version: String
        let paragraphs: [String]
    }

    @Sendable
    func document(req: Request) async throws -> View {
        guard let kind = ProgrammeDocument.Kind(rawValue: req.parameters.get("kind") ?? ""),
            let document = ProgrammeDocument.current[kind]
        else { throw Abort(.notFound) }
        let title = document.title(in: req.language)
        return try await req.render("pages/document", title: title,
            DocumentPage(title: title, version: document.version, paragraphs: document.paragraphs(in: req.language)))
    }
}

/// A page of a title and a few paragraphs, all from the catalogue.
enum MessagePage {
    struct Content: Encodable {
        let heading: String
        let paragraphs: [String]
        let links: [NavLink]
    }

    static func render(_ req: Request, title: String, paragraphs: [String], links: [(String, String)] = []) async throws -> View {
        let heading = req.t(title)
        return try await req.render("pages/message", title: heading, Content(
            heading: heading, paragraphs: paragraphs.map { req.t($0) },
            links: links.map { NavLink(href: $0.0, label: req.t($0.1), current: false) }))
    }
}
