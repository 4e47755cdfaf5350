import Fluent
import KorpusCore
import Vapor

/// Signing in and out, and resetting a forgotten password.
struct SignInController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.signIn.components, use: form).publicAccess()
        routes.post(SitePath.signIn.components, use: signIn).publicAccess()
        routes.post(SitePath.signOut.components, use: signOut).publicAccess()
        routes.get(SitePath.passwordResetRequest.components, use: resetRequestForm).publicAccess()
        routes.post(SitePath.passwordResetRequest.components, use: requestReset).publicAccess()
        routes.get(SitePath.passwordReset("").components, use: resetForm).publicAccess()
        routes.post(SitePath.passwordReset("").components, use: reset).publicAccess()
    }

    struct FormPage: Encodable {
        let form: FormState
        let action: String
    }

    @Sendable
    func form(req: Request) async throws -> View {
        let back = (try? req.query.get(String.self, at: "powrot")) ?? ""
        return try await req.render("accounts/sign-in", title: req.t("sign_in.title"),
                                    FormPage(form: FormState(values: ["powrot": back]), action: SitePath.signIn.path))
    }

    /// Checks the password with growing waits after repeated failures, per account and per address, and
    /// answers the same whether or not the account exists.
    @Sendable
    func signIn(req: Request) async throws -> Response {
        var form = FormState(values: try req.formFields())
        let email = EmailAddress.normalised(form.value("email")) ?? form.value("email").lowercased()
        let accountKey = "sign_in:account:\(email.prefix(254))"
        let addressKey = "sign_in:address:\(req.clientAddress)"
        func again(_ status: HTTPResponseStatus) async throws -> Response {
            form.values["password"] = nil
            return try await req.render("accounts/sign-in", title: req.t("sign_in.title"),
                                        FormPage(form: form, action: SitePath.signIn.path), status: status)
        }
        let waits = [
            try await Throttle.signInPerAccount.wait(for: accountKey, on: req.db),
            try await Throttle.signInPerAddress.wait(for: addressKey, on: req.db),
        ].compactMap { $0 }
        if let wait = waits.max() {
            // An attempt while blocked counts too, so hammering an account only lengthens the wait.
            try await Throttle.signInPerAccount.recordFailure(for: accountKey, on: req.db)
            try await Throttle.signInPerAddress.recordFailure(for: addressKey, on: req.db)
            await req.audit(.signInThrottled, subject: "email:\(email)")
            form.fail("email", req.t("sign_in.error.throttled", ["seconds": String(wait)]))
            return try await again(.tooManyRequests)
        }
        let user = try await User.query(on: req.db).filter(\.$email == email).first()
        let password = form.value("password")
        let matches: Bool
        if let user, !user.passwordHash.isEmpty {
            matches = (try? await req.password.async.verify(password, created: user.passwordHash)) ?? false
        } else {
            // The same work as a real check, so the time taken does not reveal whether the account exists.
            _ = try? await req.password.async.verify(password, created: Self.decoyHash)
            matches = false
        }
        guard let user, matches else {
            try await Throttle.signInPerAccount.recordFailure(for: accountKey, on: req.db)
            try await Throttle.signInPerAddress.recordFailure(for: addressKey, on: req.db)
            await req.audit(.signInFailed, subject: "email:\(email)", actor: user?.id)
            form.fail("email", req.t("sign_in.error.wrong"))
            return try await again(.unauthorized)
        }
        guard user.status == User.Status.active.rawValue else {
            form.fail("email", req.t("sign_in.error.suspended"))
            return try await again(.forbidden)
        }
        guard user.emailVerifiedAt != nil else {
            if try await Throttle.mailPerAddress.wait(for: "verify_mail:\(email)", on: req.db) == nil {
                try await Throttle.mailPerAddress.recordFailure(for: "verify_mail:\(email)", on: req.db)
                let secret = try await AccountToken.issue(for: try user.requireID(), purpose: .verifyEmail, lifetime: 48 * 3600, on: req.db)
                try await req.mailer.send(template: "verify_email", to: user.email, name: user.displayName,
                                          language: user.preferredLanguage, link: SitePath.verifyEmail(secret).path)
            }
            form.fail("email", req.t("sign_in.error.unverified"))
            return try await again(.forbidden)
        }
        try await Throttle.signInPerAccount.reset(accountKey, on: req.db)
        let target = req.safeReturnPath(form.value("powrot"), otherwise: SitePath.account.path)
        let response = req.redirect(to: target, redirectType: .normal)
        try await req.signIn(user, response: response)
        await req.audit(.signIn, subject: "user:\(try user.requireID())", actor: user.id)
        return response
    }

    static let decoyHash: String = (try? Bcrypt.hash("korpus-decoy-password")) ?? ""

    @Sendable
    func signOut(req: Request) async throws -> Response {
        let response = req.redirect(to: SitePath.home.path, notice: "signed_out")
        if let user = req.user {
            await req.audit(.signOut, subject: "user:\(user.id?.uuidString ?? "")")
        }
        try await req.signOut(response: response)
        return response
    }

    @Sendable
    func resetRequestForm(req: Request) async throws -> View {
        try await req.render("accounts/reset-request", title: req.t("reset.title"),
                             FormPage(form: FormState(), action: SitePath.passwordResetRequest.path))
    }

    /// Always the same answer, so the form does not reveal whether an account exists.
    @Sendable
    func requestReset(req: Request) async throws -> Response {
        var form = FormState(values: try req.formFields())
        guard let email = AccountValidation.email(&form, req) else {
            return try await req.render("accounts/reset-request", title: req.t("reset.title"),
                                        FormPage(form: form, action: SitePath.passwordResetRequest.path), status: .unprocessableEntity)
        }
        let key = "reset_mail:\(req.clientAddress)"
        if try await Throttle.mailPerAddress.wait(for: key, on: req.db) == nil {
            try await Throttle.mailPerAddress.recordFailure(for: key, on: req.db)
            if let user = try await User.query(on: req.db).filter(\.$email == email).first(),
                user.status == User.Status.active.rawValue, user.guardianID == nil
            {
                let secret = try await AccountToken.issue(for: try user.requireID(), purpose: .resetPassword, lifetime: 3600, on: req.db)
                try await req.mailer.send(template: "reset_password", to: user.email, name: user.displayName,
                                          language: user.preferredLanguage, link: SitePath.passwordReset(secret).path)
            }
        }
        return try await MessagePage.render(req, title: "reset.sent.title", paragraphs: ["reset.sent.text"]).encodeResponse(for: req)
    }

    @Sendable
    func resetForm(req: Request) async throws -> View {
        let secret = req.parameters.get("token") ?? ""
        _ = try await AccountToken.redeemable(secret, purpose: .resetPassword, on: req.db)
        return try await req.render("accounts/reset-password", title: req.t("reset.new.title"),
                                    FormPage(form: FormState(), action: SitePath.passwordReset(secret).path))
    }

    @Sendable
    func reset(req: Request) async throws -> Response {
        let secret = req.parameters.get("token") ?? ""
        let token = try await AccountToken.redeemable(secret, purpose: .resetPassword, on: req.db)
        var form = FormState(values: try req.formFields())
        AccountValidation.newPassword(&form, field: "password", confirm: "password_confirm", email: token.user.email, req)
        guard form.isValid else {
            return try await req.render("accounts/reset-password", title: req.t("reset.new.title"),
                                        FormPage(form: FormState(values: [:]).withProblems(of: form), action: SitePath.passwordReset(secret).path),
                                        status: .unprocessableEntity)
        }
        try await token.markUsed(on: req.db)
        let user = token.user
        user.passwordHash = try await req.password.async.hash(form.value("password"))
        try await user.save(on: req.db)
        try await SignInSession.query(on: req.db).filter(\.$user.$id == user.requireID()).delete()
        await req.audit(.passwordReset, subject: "user:\(try user.requireID())", actor: user.id)
        return req.redirect(to: SitePath.signIn.path, notice: "password_reset")
    }
}

extension FormState {
    /// This form's values with another form's problems: for forms whose values must not be shown again.
    func withProblems(of other: FormState) -> FormState {
        var copy = self
        copy.errors = other.errors
        copy.problems = other.problems
        return copy
    }
}
