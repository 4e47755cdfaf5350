import KorpusCore
import Vapor

/// A submitted form's values and the problems found in them, for showing the form again with every
/// message beside its field and a summary at the top.
struct FormState: Encodable {
    struct Problem: Encodable {
        let field: String
        /// The catalogue key of the field's label, so the summary says which field a message is about.
        let labelKey: String
        let message: String
    }

    var values: [String: String]
    var errors: [String: String] = [:]
    var problems: [Problem] = []
    var labelKeys: [String: String]

    init(values: [String: String] = [:], labelKeys: [String: String] = FormState.personLabels) {
        self.values = values
        self.labelKeys = labelKeys
    }

    /// Labels of the fields of the account forms.
    static let personLabels: [String: String] = [
        "name": "register.name", "email": "register.email", "password": "register.password",
        "password_confirm": "register.password_confirm", "date_of_birth": "register.date_of_birth",
        "guardian_email": "register.guardian_email", "locality": "register.locality",
        "voivodeship": "localities.voivodeship_label", "phone": "register.phone", "terms": "consent.terms",
        "privacy": "consent.privacy", "current_password": "account.current_password", "new_password": "reset.new.password",
        "new_email": "account.new_email", "guardian_name": "guardian.name", "consent": "consent.guardian",
        "child_name": "children.name", "child_date_of_birth": "register.date_of_birth", "child_locality": "register.locality",
        "child_consent": "consent.guardian", "token_name": "tokens.name", "confirm": "erase.title",
    ]

    /// Labels of the fields of the organisation form.
    static let organisationLabels: [String: String] = personLabels.merging([
        "name": "organisation.name", "kind": "organisation.kind", "krs": "organisation.krs", "nip": "organisation.nip",
        "regon": "organisation.regon", "street": "organisation.street", "postal_code": "organisation.postal_code",
        "description": "organisation.description", "website": "organisation.website", "contact_email": "organisation.contact_email",
        "contact_phone": "register.phone", "logo": "organisation.logo", "accept_rules": "organisation.documents",
        "accept_charter": "organisation.documents",
    ]) { _, new in new }

    var isValid: Bool { problems.isEmpty }

    mutating func fail(_ field: String, _ message: String) {
        guard errors[field] == nil else { return }
        errors[field] = message
        problems.append(Problem(field: field, labelKey: labelKeys[field] ?? "", message: message))
    }

    func value(_ field: String) -> String { values[field] ?? "" }

    /// Whether a checkbox was ticked.
    func isChecked(_ field: String) -> Bool { ["on", "true", "1", "tak"].contains(values[field] ?? "") }
}

extension Request {
    /// The fields of a submitted form as text: at most 200 fields of at most 20,000 characters each, NUL
    /// characters removed, white space trimmed. Anything that is not a form is refused.
    func formFields(keepingSecrets secrets: Set<String> = ["password", "password_confirm", "current_password", "new_password"]) throws -> [String: String] {
        guard let type = headers.contentType, type == .urlEncodedForm || type.type == "multipart" else {
            throw LocalizedAbort(.unsupportedMediaType, key: "error.status.415.detail")
        }
        let raw: [String: String]
        do {
            raw = try content.decode([String: String].self)
        } catch {
            throw LocalizedAbort(.badRequest, key: "error.form_malformed")
        }
        guard raw.count <= 200 else { throw LocalizedAbort(.badRequest, key: "error.form_malformed") }
        var fields: [String: String] = [:]
        for (key, value) in raw where key != CSRFMiddleware.fieldName {
            let cleaned = String(value.withoutNUL.prefix(20_000))
            fields[key] = secrets.contains(key) ? cleaned : cleaned.trimmingSpaces()
        }
        return fields
    }
}

extension String {
    /// The text without NUL characters, which no text column can hold (PostgreSQL refuses them): forms and
    /// JSON bodies alike drop them.
    var withoutNUL: String {
        contains("\0") ? String(String.UnicodeScalarView(unicodeScalars.filter { $0 != "\0" })) : self
    }
}
