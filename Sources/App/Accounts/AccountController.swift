import Fluent
import KorpusCore
import Vapor

/// The signed-in person's own account: details, password, e-mail, consents, API tokens, children's
/// accounts, the download of their data and the deletion of the account.
struct AccountController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInGuard())
        signedIn.get(SitePath.account.components, use: show)
        signedIn.post(SitePath.accountPassword.components, use: changePassword)
        signedIn.post(SitePath.accountEmail.components, use: requestEmailChange)
        signedIn.post(SitePath.accountConsents.components, use: saveConsents)
        signedIn.get(SitePath.accountExport.components, use: export)
        signedIn.post(SitePath.accountErase.components, use: erase)
        signedIn.post(SitePath.accountTokens.components, use: createToken)
        signedIn.post(SitePath.revokeToken("").components, use: revokeToken)
        signedIn.post(SitePath.accountChildren.components, use: addChild)
        routes.get(SitePath.confirmEmailChange("").components, use: confirmEmailPage).publicAccess()
        routes.post(SitePath.confirmEmailChange("").components, use: confirmEmailChange).publicAccess()
    }

    struct ConsentRow: Encodable {
        let kind: String
        let version: String
        let granted: Bool
        let at: String
    }

    struct TokenRow: Encodable {
        let id: String
        let name: String
        let created: String
        let lastUsed: String?
        let revokeAction: String
    }

    struct MembershipRow: Encodable {
        let organisationName: String
        let role: String
        let status: String
        let href: String
    }

    /// A training the person completed, with its certificate.
    struct TrainingRow: Encodable {
        let title: String
        let href: String
        let when: String
        let certificateHref: String
    }

    struct ChildRow: Encodable {
        let name: String
        let dateOfBirth: String
    }

    struct Content: Encodable {
        let name: String
        let email: String
        let dateOfBirth: String
        let locality: String
        let phone: String
        let ageBand: String
        let needsGuardianConsent: Bool
        let guardianConsentGiven: Bool
        let marketing: Bool
        let disability: Bool
        let consents: [ConsentRow]
        let tokens: [TokenRow]
        let newToken: String?
        let memberships: [MembershipRow]
        let children: [ChildRow]
        let trainings: [TrainingRow]
        let mayAddChildren: Bool
        let passwordForm: FormState
        let emailForm: FormState
        let eraseForm: FormState
        let tokenForm: FormState
        let childForm: FormState
        let voivodeships: [LocalitiesController.Option]
    }

    struct Forms {
        var password = FormState()
        var email = FormState()
        var erase = FormState()
        var token = FormState()
        var child = FormState()
    }

    func page(_ req: Request, forms: Forms = Forms(), newToken: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = try req.requireUser()
        let userID = try user.requireID()
        let dates = DateFormat(catalogue: req.catalogue)
        let consents = try await ConsentRecord.query(on: req.db).filter(\.$user.$id == userID).sort(\.$at, .descending).all()
        let tokens = try await AccessToken.query(on: req.db).filter(\.$user.$id == userID).filter(\.$revokedAt == nil)
            .sort(\.$createdAt, .descending).all()
        let memberships = try await OrganisationMembership.query(on: req.db).filter(\.$user.$id == userID)
            .with(\.$organisation).all()
        let children = try await User.query(on: req.db).filter(\.$guardianID == userID).all()
        let completed = try await EventRegistration.query(on: req.db).filter(\.$user.$id == userID).filter(\.$certificateIssuedAt != nil)
            .with(\.$event).sort(\.$certificateIssuedAt, .descending).all()
        var locality = ""
        if let id = user.localityID, let record = try await LocalityRecord.find(id, on: req.db) {
            locality = "\(record.name) (\(req.t("voivodeship.\(record.voivodeshipCode)")))"
        }
        let marketing = consents.first { $0.kind == ConsentRecord.Kind.marketing.rawValue }?.granted ?? false
        let band = user.ageBand
        let content = Content(
            name: user.displayName, email: user.email, dateOfBirth: user.dateOfBirth.map(dates.longDay) ?? "", locality: locality,
            phone: user.phone ?? "", ageBand: band.map { req.t("age_band.\($0.rawValue)") } ?? "",
            needsGuardianConsent: band == .minor,
            guardianConsentGiven: consents.contains { $0.kind == ConsentRecord.Kind.guardian.rawValue && $0.granted },
            marketing: marketing,
            disability: consents.first { $0.kind == ConsentRecord.Kind.disability.rawValue }?.granted ?? false,
            consents: consents.map {
                ConsentRow(kind: req.t("consent.\($0.kind)"), version: $0.version, granted: $0.granted, at: dates.shortDateTime($0.at))
            },
            tokens: tokens.map {
                TokenRow(id: $0.id?.uuidString ?? "", name: $0.name, created: dates.shortDateTime($0.createdAt),
                         lastUsed: $0.lastUsedAt.map(dates.shortDateTime),
                         revokeAction: SitePath.revokeToken($0.id?.uuidString ?? "").path)
            },
            newToken: newToken,
            memberships: memberships.map {
                MembershipRow(organisationName: $0.organisation.name, role: req.t("membership.role.\($0.role)"),
                              status: req.t("membership.status.\($0.status)"),
                              href: SitePath.manageOrganisation($0.organisation.id?.uuidString ?? "").path)
            },
            children: children.map { ChildRow(name: $0.displayName, dateOfBirth: $0.dateOfBirth.map(dates.longDay) ?? "") },
            trainings: completed.map {
                TrainingRow(title: $0.event.title, href: SitePath.event($0.$event.id.uuidString).path, when: EventsController.when($0.event, req),
                            certificateHref: SitePath.eventCertificatePDF($0.id?.uuidString ?? "").path)
            },
            mayAddChildren: band == .adult,
            passwordForm: forms.password, emailForm: forms.email, eraseForm: forms.erase, tokenForm: forms.token,
            childForm: forms.child, voivodeships: LocalitiesController.voivodeshipOptions(req, selected: forms.child.value("voivodeship")))
        return try await req.render("accounts/account", title: req.t("account.title"), content, status: status)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        try await page(req)
    }

    private func verifyPassword(_ password: String, of user: User, _ req: Request) async throws -> Bool {
        guard !user.passwordHash.isEmpty else { return false }
        return (try? await req.password.async.verify(password, created: user.passwordHash)) ?? false
    }

    @Sendable
    func changePassword(req: Request) async throws -> Response {
        let user = try req.requireUser()
        var form = FormState(values: try req.formFields())
        if !(try await verifyPassword(form.value("current_password"), of: user, req)) {
            form.fail("current_password", req.t("account.error.password_wrong"))
        }
        AccountValidation.newPassword(&form, field: "new_password", confirm: "password_confirm", email: user.email, req)
        guard form.isValid else {
            var forms = Forms()
            forms.password = FormState().withProblems(of: form)
            return try await page(req, forms: forms, status: .unprocessableEntity)
        }
        user.passwordHash = try await req.password.async.hash(form.value("new_password"))
        try await user.save(on: req.db)
        // Every other session ends: whoever knew the old password is signed out everywhere.
        try await SignInSession.query(on: req.db).filter(\.$user.$id == user.requireID())
            .filter(\.$id != (req.currentSession?.id ?? "")).delete()
        await req.audit(.passwordChanged, subject: "user:\(try user.requireID())")
        return req.redirect(to: SitePath.account.path, notice: "password_changed")
    }

    @Sendable
    func requestEmailChange(req: Request) async throws -> Response {
        let user = try req.requireUser()
        var form = FormState(values: try req.formFields())
        if !(try await verifyPassword(form.value("password"), of: user, req)) {
            form.fail("password", req.t("account.error.password_wrong"))
        }
        let email = AccountValidation.email(&form, field: "new_email", req)
        if let email, email == user.email { form.fail("new_email", req.t("account.error.email_same")) }
        if let email, try await User.query(on: req.db).filter(\.$email == email).first() != nil {
            form.fail("new_email", req.t("register.error.email_taken"))
        }
        guard form.isValid, let email else {
            var forms = Forms()
            forms.email = FormState(values: ["new_email": form.value("new_email")]).withProblems(of: form)
            return try await page(req, forms: forms, status: .unprocessableEntity)
        }
        let secret = try await AccountToken.issue(for: try user.requireID(), purpose: .changeEmail, lifetime: 24 * 3600, payload: email, on: req.db)
        try await req.mailer.send(template: "change_email", to: email, name: user.displayName, language: user.preferredLanguage,
                                  link: SitePath.confirmEmailChange(secret).path)
        return req.redirect(to: SitePath.account.path, notice: "email_change_sent")
    }

    struct ConfirmEmail: Encodable {
        let action: String
        let email: String
    }

    @Sendable
    func confirmEmailPage(req: Request) async throws -> View {
        let secret = req.parameters.get("token") ?? ""
        let token = try await AccountToken.redeemable(secret, purpose: .changeEmail, on: req.db)
        return try await req.render("accounts/confirm-email", title: req.t("change_email.title"),
                                    ConfirmEmail(action: SitePath.confirmEmailChange(secret).path, email: token.payload))
    }

    @Sendable
    func confirmEmailChange(req: Request) async throws -> Response {
        let secret = req.parameters.get("token") ?? ""
        let token = try await AccountToken.redeemable(secret, purpose: .changeEmail, on: req.db)
        if try await User.query(on: req.db).filter(\.$email == token.payload).first() != nil {
            throw LocalizedAbort(.conflict, key: "register.error.email_taken")
        }
        try await token.markUsed(on: req.db)
        let user = token.user
        let old = user.email
        user.email = token.payload
        try await user.save(on: req.db)
        await req.audit(.emailChanged, subject: "user:\(try user.requireID())", details: "\(old) → \(user.email)", actor: user.id)
        try await req.mailer.send(template: "email_changed", to: old, name: user.displayName, language: user.preferredLanguage,
                                  arguments: ["email": user.email])
        return req.redirect(to: SitePath.account.path, notice: "email_changed")
    }

    @Sendable
    func saveConsents(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = FormState(values: try req.formFields())
        let userID = try user.requireID()
        try await ConsentRecord(userID: userID, kind: .marketing, version: "1", granted: form.isChecked("marketing"),
                                address: req.clientAddress).create(on: req.db)
        // The disability declaration is recorded only when it changes, as it is the record the rules read.
        let declared = form.isChecked("disability")
        if try await ConsentRecord.granted(.disability, among: [userID], on: req.db).contains(userID) != declared {
            try await ConsentRecord(userID: userID, kind: .disability, version: "1", granted: declared, address: req.clientAddress).create(on: req.db)
        }
        return req.redirect(to: SitePath.account.path, notice: "consent_saved")
    }

    /// Everything Korpus holds about the person, as JSON (GDPR art. 15 and 20).
    @Sendable
    func export(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let data = try await PersonalData.collect(for: user, on: req.db)
        await req.audit(.dataExported, subject: "user:\(try user.requireID())")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"korpus-moje-dane.json\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: try encoder.encode(data)))
    }

    @Sendable
    func erase(req: Request) async throws -> Response {
        let user = try req.requireUser()
        var form = FormState(values: try req.formFields())
        if !(try await verifyPassword(form.value("password"), of: user, req)) {
            form.fail("password", req.t("account.error.password_wrong"))
        }
        if !form.isChecked("confirm") { form.fail("confirm", req.t("erase.error.confirm")) }
        guard form.isValid else {
            var forms = Forms()
            forms.erase = FormState().withProblems(of: form)
            return try await page(req, forms: forms, status: .unprocessableEntity)
        }
        try await PersonalData.erase(user, on: req.db)
        await req.audit(.erased, subject: "user:\(try user.requireID())")
        let response = req.redirect(to: SitePath.home.path, notice: "erased")
        try await req.signOut(response: response)
        return response
    }

    @Sendable
    func createToken(req: Request) async throws -> Response {
        let user = try req.requireUser()
        var form = FormState(values: try req.formFields())
        AccountValidation.name(&form, field: "token_name", req)
        guard form.isValid else {
            var forms = Forms()
            forms.token = form
            return try await page(req, forms: forms, status: .unprocessableEntity)
        }
        let secret = SecureToken.generate()
        let token = AccessToken()
        token.$user.id = try user.requireID()
        token.name = form.value("token_name")
        token.tokenHash = SecureToken.hash(secret)
        token.createdAt = Date()
        try await token.create(on: req.db)
        await req.audit(.tokenCreated, subject: "token:\(token.id?.uuidString ?? "")", details: token.name)
        return try await page(req, newToken: secret)
    }

    @Sendable
    func revokeToken(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("tokenID").flatMap(UUID.init(uuidString:)),
            let token = try await AccessToken.query(on: req.db).filter(\.$id == id).filter(\.$user.$id == user.requireID()).first()
        else { throw LocalizedAbort(.notFound, key: "error.status.404.detail") }
        token.revokedAt = Date()
        try await token.save(on: req.db)
        await req.audit(.tokenRevoked, subject: "token:\(id)")
        return req.redirect(to: SitePath.account.path, notice: "token_revoked")
    }

    /// A guardian creates the account of a child under 13, which they manage; their consent is recorded.
    @Sendable
    func addChild(req: Request) async throws -> Response {
        let guardian = try req.requireUser()
        guard guardian.ageBand == .adult else { throw LocalizedAbort(.forbidden, key: "children.error.adult_only") }
        var form = FormState(values: try req.formFields())
        AccountValidation.name(&form, field: "child_name", req)
        if let (_, age) = AccountValidation.dateOfBirth(&form, field: "child_date_of_birth", req), AgeBand.of(age: age) != .child {
            form.fail("child_date_of_birth", req.t("children.error.not_child"))
        }
        let locality = try await AccountValidation.locality(&form, field: "child_locality", voivodeshipField: "voivodeship", req)
        if !form.isChecked("child_consent") { form.fail("child_consent", req.t("guardian.error.consent")) }
        guard form.isValid, let locality else {
            var forms = Forms()
            forms.child = form
            return try await page(req, forms: forms, status: .unprocessableEntity)
        }
        let guardianID = try guardian.requireID()
        let childName = form.value("child_name"), childBirth = form.value("child_date_of_birth")
        try await req.db.writing { db in
            let child = User(email: "child-\(UUID().uuidString.lowercased())@korpus.invalid", displayName: childName,
                             passwordHash: "", isAdministrator: false)
            child.dateOfBirth = childBirth
            child.localityID = locality.id
            child.guardianID = guardianID
            child.language = guardian.language
            child.guardianEmail = guardian.email
            try await child.create(on: db)
            try await ConsentRecord(userID: try child.requireID(), kind: .guardian, version: ProgrammeDocument.currentVersion(.terms),
                                    granted: true, address: req.clientAddress, details: "\(guardian.displayName) <\(guardian.email)>").create(on: db)
        }
        return req.redirect(to: SitePath.account.path, notice: "child_added")
    }
}
