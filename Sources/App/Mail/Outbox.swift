import Fluent
import KorpusCore
import SQLKit
import Vapor

/// A message waiting in the outbox or already sent. Written in the same database as the action that
/// causes it, and delivered by the background worker, which retries on failure.
final class OutboxMessage: Model, @unchecked Sendable {
    static let schema = "outbox"

    enum Status: String, Codable {
        case pending, sending, sent, failed
    }

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "recipient") var recipient: String
    @Field(key: "language") var language: String
    @Field(key: "template") var template: String
    @Field(key: "subject") var subject: String
    @Field(key: "rendered") var rendered: String
    @Enum(key: "status") var status: Status
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "claimed_by") var claimedBy: String?
    @OptionalField(key: "claimed_at") var claimedAt: Date?
    @OptionalField(key: "sent_at") var sentAt: Date?
    @OptionalField(key: "last_error") var lastError: String?

    init() {}

    static let maximumAttempts = 8
}

struct CreateOutbox: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OutboxMessage.schema)
            .field("id", .string, .identifier(auto: false))
            .field("created_at", .datetime, .required)
            .field("recipient", .string, .required)
            .field("language", .string, .required)
            .field("template", .string, .required)
            .field("subject", .string, .required)
            .field("rendered", .sql(.text), .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claimed_by", .string)
            .field("claimed_at", .datetime)
            .field("sent_at", .datetime)
            .field("last_error", .string)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "outbox_due_idx").on(OutboxMessage.schema).column("status").column("next_attempt_at").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OutboxMessage.schema).delete()
    }
}

/// Writes messages to the outbox in the recipient's language, from the catalogue's `mail.<template>.*` texts.
struct Mailer {
    let application: Application
    let db: any Database

    /// Queues a message. `link` is made absolute with `KORPUS_BASE_URL` and shown as a link in the HTML part.
    func send(
        template: String, to recipient: String, name: String, language: Language, link: String? = nil,
        arguments: [String: String] = [:]
    ) async throws {
        let catalogue = application.catalogues[language]
        var values = arguments
        values["name"] = name
        let absoluteLink = link.map { $0.hasPrefix("http") ? $0 : application.settings.baseURL + $0 }
        if let absoluteLink { values["link"] = absoluteLink }
        let subject = catalogue.text("mail.\(template).subject", values)
        // Someone without an account (a guardian) has no name to greet by.
        let paragraphs = [catalogue.text(name.isEmpty ? "mail.greeting_unnamed" : "mail.greeting", values)]
            + catalogue.text("mail.\(template).body", values).components(separatedBy: "\n\n")
            + [catalogue.text("mail.signature", values)]
        let text = paragraphs.joined(separator: "\n\n") + "\n"
        let html = Self.html(paragraphs: paragraphs, link: absoluteLink, language: language, subject: subject)
        let id = UUID().uuidString.lowercased()
        let message = MailMessage(
            from: application.settings.mailFrom, to: recipient, subject: subject, text: text, html: html, date: Date(),
            messageID: "\(id)@korpus", language: language)
        let row = OutboxMessage()
        row.id = id
        row.createdAt = Date()
        row.recipient = recipient
        row.language = language.rawValue
        row.template = template
        row.subject = subject
        row.rendered = message.rendered()
        row.status = .pending
        row.attempts = 0
        row.nextAttemptAt = Date()
        try await row.create(on: db)
        if let user = try await User.query(on: db).filter(\.$email == recipient).first(), let userID = user.id {
            let notification = Notification()
            notification.$user.id = userID
            notification.text = String(subject.prefix(250))
            notification.link = link ?? SitePath.account.path
            notification.createdAt = Date()
            try await notification.create(on: db)
        }
    }

    static func html(paragraphs: [String], link: String?, language: Language, subject: String) -> String {
        var body = ""
        for paragraph in paragraphs {
            var escaped = HTMLText.escape(paragraph).replacingOccurrences(of: "\n", with: "<br>")
            if let link {
                let escapedLink = HTMLText.escape(link)
                escaped = escaped.replacingOccurrences(of: escapedLink, with: "<a href=\"\(escapedLink)\">\(escapedLink)</a>")
            }
            body += "<p>\(escaped)</p>\n"
        }
        return """
            <!doctype html>
            <html lang="\(language.rawValue)"><head><meta charset="utf-8"><title>\(HTMLText.escape(subject))</title></head>
            <body style="font-family: sans-serif; line-height: 1.5; color: #1d1d1f">
            \(body)</body></html>
            """
    }
}

extension Request {
    var mailer: Mailer { Mailer(application: application, db: db) }
}
