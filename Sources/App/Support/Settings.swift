import Foundation
import Vapor

/// Every setting of Korpus comes from an environment variable; each is listed in the README with its default.
public struct Settings: Sendable {
    /// Where the embedded database, keys and uploaded files live (`KORPUS_DATA_DIR`, default `./data`).
    public var dataDirectory: String
    /// PostgreSQL connection URL (`DATABASE_URL`); when unset, the embedded SQLite database is used.
    public var databaseURL: String?
    /// How many PostgreSQL connections each event loop (one per core) may open (`KORPUS_DB_CONNECTIONS`,
    /// default 4): with one, a request's next query waits while the connection carries another's.
    public var databaseConnections: Int = 4
    /// `text` (default) or `json` log lines (`KORPUS_LOG_FORMAT`).
    public var logFormat: LogFormat
    /// Largest request body accepted, in bytes (`KORPUS_MAX_BODY_BYTES`, default 1 MiB).
    public var maxBodyBytes: Int
    /// Whether `serve` seeds demo content into an empty embedded database without asking
    /// (`KORPUS_DEMO_ON_FIRST_START`, default `true`; asked on a terminal).
    public var demoOnFirstStart: Bool
    /// E-mail of the administrator created by `seed` (`KORPUS_ADMIN_EMAIL`).
    public var adminEmail: String
    /// The address people reach Korpus at, for links in e-mails (`KORPUS_BASE_URL`).
    public var baseURL: String = "http://127.0.0.1:8080"
    /// Cookies marked Secure even when the request looks like plain HTTP, for TLS ended at a proxy
    /// (`KORPUS_SECURE_COOKIES`, default false).
    public var secureCookies: Bool = false
    /// Whether X-Forwarded-For names the client (`KORPUS_TRUST_PROXY`, default false).
    public var trustForwardedFor: Bool = false
    /// How mail leaves: `folder` (default: `.eml` files in `<data>/outbox`) or `sendmail` (`KORPUS_MAIL_TRANSPORT`).
    public var mailTransport: MailTransportKind = .folder
    /// The sendmail-compatible command for the `sendmail` transport (`KORPUS_SENDMAIL`).
    public var sendmailCommand: String = "/usr/sbin/sendmail -t -i"
    /// The sender of every message (`KORPUS_MAIL_FROM`).
    public var mailFrom: String = "Korpus Solidarności <no-reply@korpus.local>"
    /// Whether this instance runs the background worker (`KORPUS_WORKER`, default true).
    public var runsWorker: Bool = true
    /// How often the worker looks for e-mail alerts that are due, in seconds (`KORPUS_ALERT_POLL_SECONDS`, default 60).
    public var alertPollSeconds: Int = 60
    /// Whether searches and the matching service read the offers and offers of help from indexes held in
    /// memory (`KORPUS_SEARCH_IN_MEMORY`, default true); off, the database answers each search (FTS5 or
    /// PostgreSQL full-text search) and the process holds no copy.
    public var searchInMemory: Bool = true
    /// Whether templates are parsed once and kept (default true); `KORPUS_RELOAD_TEMPLATES=true` reads them
    /// again for every page, for editing them while the server runs.
    public var cacheTemplates: Bool = true
    /// The Ed25519 private key that seals documents, 32 bytes in base64 (`KORPUS_SIGNING_KEY`); when unset it
    /// is read from `<data>/document-signing.key`, which is created on first start. Every instance of one
    /// installation needs the same key.
    public var signingKey: String?

    public enum MailTransportKind: String, Sendable {
        case folder, sendmail
    }

    public enum LogFormat: String, Sendable {
        case text, json
    }

    public init(
        dataDirectory: String = "./data",
        databaseURL: String? = nil,
        logFormat: LogFormat = .text,
        maxBodyBytes: Int = 1 << 20,
        demoOnFirstStart: Bool = true,
        adminEmail: String = "admin@korpus.local"
    ) {
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.logFormat = logFormat
        self.maxBodyBytes = maxBodyBytes
        self.demoOnFirstStart = demoOnFirstStart
        self.adminEmail = adminEmail
    }

    /// Reads the settings from the environment; a malformed value stops start-up with a message naming it.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        var settings = Settings()
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        if let dir = value("KORPUS_DATA_DIR") { settings.dataDirectory = dir }
        settings.databaseURL = value("DATABASE_URL")
        if let format = value("KORPUS_LOG_FORMAT") {
            guard let parsed = LogFormat(rawValue: format.lowercased()) else {
                throw SettingsError.invalid(name: "KORPUS_LOG_FORMAT", value: format, expected: "text | json")
            }
            settings.logFormat = parsed
        }
        if let bytes = value("KORPUS_MAX_BODY_BYTES") {
            guard let parsed = Int(bytes), parsed >= 1024 else {
                throw SettingsError.invalid(name: "KORPUS_MAX_BODY_BYTES", value: bytes, expected: "a number of bytes ≥ 1024")
            }
            settings.maxBodyBytes = parsed
        }
        if let demo = value("KORPUS_DEMO_ON_FIRST_START") {
            settings.demoOnFirstStart = try flag("KORPUS_DEMO_ON_FIRST_START", demo)
        }
        if let email = value("KORPUS_ADMIN_EMAIL") { settings.adminEmail = email }
        if let url = value("KORPUS_BASE_URL") {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw SettingsError.invalid(name: "KORPUS_BASE_URL", value: url, expected: "an http(s):// address")
            }
            settings.baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        if let secure = value("KORPUS_SECURE_COOKIES") { settings.secureCookies = try flag("KORPUS_SECURE_COOKIES", secure) }
        if let trust = value("KORPUS_TRUST_PROXY") { settings.trustForwardedFor = try flag("KORPUS_TRUST_PROXY", trust) }
        if let worker = value("KORPUS_WORKER") { settings.runsWorker = try flag("KORPUS_WORKER", worker) }
        if let memory = value("KORPUS_SEARCH_IN_MEMORY") { settings.searchInMemory = try flag("KORPUS_SEARCH_IN_MEMORY", memory) }
        if let reload = value("KORPUS_RELOAD_TEMPLATES") { settings.cacheTemplates = !(try flag("KORPUS_RELOAD_TEMPLATES", reload)) }
        if let connections = value("KORPUS_DB_CONNECTIONS") {
            guard let count = Int(connections), (1...64).contains(count) else {
                throw SettingsError.invalid(name: "KORPUS_DB_CONNECTIONS", value: connections, expected: "a whole number from 1 to 64")
            }
            settings.databaseConnections = count
        }
        if let poll = value("KORPUS_ALERT_POLL_SECONDS") {
            guard let seconds = Int(poll), (1...86_400).contains(seconds) else {
                throw SettingsError.invalid(name: "KORPUS_ALERT_POLL_SECONDS", value: poll, expected: "whole seconds from 1 to 86400")
            }
            settings.alertPollSeconds = seconds
        }
        if let transport = value("KORPUS_MAIL_TRANSPORT") {
            guard let kind = MailTransportKind(rawValue: transport.lowercased()) else {
                throw SettingsError.invalid(name: "KORPUS_MAIL_TRANSPORT", value: transport, expected: "folder | sendmail")
            }
            settings.mailTransport = kind
        }
        if let command = value("KORPUS_SENDMAIL") { settings.sendmailCommand = command }
        if let from = value("KORPUS_MAIL_FROM") { settings.mailFrom = from }
        if let key = value("KORPUS_SIGNING_KEY") {
            guard let secret = Data(base64Encoded: key), secret.count == 32 else {
                throw SettingsError.invalid(name: "KORPUS_SIGNING_KEY", value: "…", expected: "32 bytes in base64 (openssl rand -base64 32)")
            }
            settings.signingKey = secret.base64EncodedString()
        }
        return settings
    }

    private static func flag(_ name: String, _ value: String) throws -> Bool {
        switch value.lowercased() {
        case "1", "true", "yes", "tak": return true
        case "0", "false", "no", "nie": return false
        default: throw SettingsError.invalid(name: name, value: value, expected: "true | false")
        }
    }

    /// Names of all settings, for the start-up report when one is wrong.
    public static let variableNames = [
        "KORPUS_DATA_DIR", "DATABASE_URL", "KORPUS_LOG_FORMAT", "KORPUS_MAX_BODY_BYTES",
        "KORPUS_DEMO_ON_FIRST_START", "KORPUS_ADMIN_EMAIL", "LOG_LEVEL", "KORPUS_BASE_URL", "KORPUS_SECURE_COOKIES",
        "KORPUS_TRUST_PROXY", "KORPUS_WORKER", "KORPUS_MAIL_TRANSPORT", "KORPUS_SENDMAIL", "KORPUS_MAIL_FROM",
        "KORPUS_METRICS_TOKEN", "KORPUS_SIGNING_KEY", "KORPUS_SEARCH_IN_MEMORY", "KORPUS_ALERT_POLL_SECONDS", "KORPUS_RELOAD_TEMPLATES",
        "KORPUS_DB_CONNECTIONS",
    ]
}

public enum SettingsError: Error, CustomStringConvertible {
    case invalid(name: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .invalid(let name, let value, let expected):
            "\(name)=\(value) is not valid; expected \(expected)"
        }
    }
}

extension Application {
    private struct SettingsKey: StorageKey {
        typealias Value = Settings
    }

    public var settings: Settings {
        get { storage[SettingsKey.self] ?? Settings() }
        set { storage[SettingsKey.self] = newValue }
    }
}
