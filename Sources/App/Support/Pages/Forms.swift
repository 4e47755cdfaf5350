import KorpusCore
import Vapor

/// A submitted form's values and the problems found in them, for showing the form again with every
/// message beside its field and a summary at the top.
struct FormState: Encodable {
    struct Problem: Encodable {
        let field: String
        let message: String
    }

    var values: [String: String]
    var errors: [String: String] = [:]
    var problems: [Problem] = []

    init(values: [String: String] = [:]) {
        self.values = values
    }

    var isValid: Bool { problems.isEmpty }

    mutating func fail(_ field: String, _ message: String) {
        guard errors[field] == nil else { return }
        errors[field] = message
        problems.append(Problem(field: field, message: message))
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
            let cleaned = String(value.unicodeScalars.filter { $0 != "\0" }.map(Character.init).prefix(20_000))
            fields[key] = secrets.contains(key) ? cleaned : cleaned.trimmingSpaces()
        }
        return fields
    }
}
