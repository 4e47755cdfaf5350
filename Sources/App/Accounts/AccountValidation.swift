import Fluent
import KorpusCore
import Vapor

/// Checks shared by the account forms, each adding a message in the person's language to the form.
enum AccountValidation {
    static func name(_ form: inout FormState, field: String = "name", _ req: Request) {
        let name = form.value(field)
        if name.isEmpty {
            form.fail(field, req.t("form.error.required"))
        } else if name.count > 100 {
            form.fail(field, req.t("form.error.too_long", ["max": "100"]))
        }
    }

    static func email(_ form: inout FormState, field: String = "email", _ req: Request) -> String? {
        guard let email = EmailAddress.normalised(form.value(field)) else {
            form.fail(field, req.t("account.error.email_invalid"))
            return nil
        }
        return email
    }

    static func newPassword(_ form: inout FormState, field: String, confirm: String, email: String, _ req: Request) {
        let password = form.value(field)
        if let problem = PasswordPolicy.problem(with: password, email: email) {
            form.fail(field, req.t("account.error.password_\(problem.rawValue)", ["min": String(PasswordPolicy.minimumLength)]))
        } else if password != form.value(confirm) {
            form.fail(confirm, req.t("account.error.password_mismatch"))
        }
    }

    /// A date of birth: a real day, not in the future, at most 120 years ago.
    static func dateOfBirth(_ form: inout FormState, field: String = "date_of_birth", _ req: Request) -> (String, Int)? {
        let text = form.value(field)
        guard let day = Age.parseDay(text) else {
            form.fail(field, req.t(text.isEmpty ? "form.error.required" : "account.error.date_invalid"))
            return nil
        }
        guard let age = Age.years(bornOn: day, on: Date()), age <= 120 else {
            form.fail(field, req.t("account.error.date_invalid"))
            return nil
        }
        return (text, age)
    }

    /// A locality typed by name ("lodz" will do), narrowed by voivodeship when several share the name.
    static func locality(_ form: inout FormState, field: String = "locality", voivodeshipField: String = "voivodeship", _ req: Request) async throws -> LocalityRecord? {
        let typed = form.value(field)
        guard !typed.isEmpty else {
            form.fail(field, req.t("form.error.required"))
            return nil
        }
        guard typed.count <= LocalityQuery.maxQueryLength else {
            form.fail(field, req.t("localities.error.too_long", ["max": String(LocalityQuery.maxQueryLength)]))
            return nil
        }
        let voivodeship = Voivodeship(terytCode: form.value(voivodeshipField))
        let needle = LocalityQuery.normalise(typed)
        let matches = try await LocalityRecord.query(on: req.db).filter(\.$nameFolded == needle).all()
            .filter { voivodeship == nil || $0.voivodeshipCode == voivodeship?.terytCode }
        if matches.isEmpty {
            form.fail(field, req.t("account.error.locality_unknown"))
            return nil
        }
        if Set(matches.map(\.voivodeshipCode)).count > 1 {
            form.fail(voivodeshipField, req.t("account.error.locality_ambiguous"))
            return nil
        }
        return matches.max { $0.population < $1.population }
    }

    /// An optional phone number: digits, spaces, dashes and a leading +, 9 to 15 digits.
    static func phone(_ form: inout FormState, field: String = "phone", _ req: Request) -> String? {
        let phone = form.value(field)
        guard !phone.isEmpty else { return nil }
        let digits = phone.filter(\.isNumber)
        let allowed = phone.allSatisfy { $0.isNumber || $0 == " " || $0 == "-" || $0 == "+" }
        guard allowed, (9...15).contains(digits.count), !phone.dropFirst().contains("+") else {
            form.fail(field, req.t("account.error.phone_invalid"))
            return nil
        }
        return phone
    }
}

extension Request {
    /// The page to return to after signing in, only if it is on this site.
    func safeReturnPath(_ candidate: String?, otherwise fallback: String) -> String {
        let safe = LanguageController.safeReturnPath(candidate)
        return safe == SitePath.home.path && candidate != SitePath.home.path ? fallback : safe
    }
}
