import Foundation
import Vapor

/// Every setting of Korpus comes from an environment variable; each is listed in the README with its default.
public struct Settings: Sendable {
    /// Where the embedded database, keys and uploaded files live (`KORPUS_DATA_DIR`, default `./data`).
    public var dataDirectory: String
    /// PostgreSQL connection URL (`DATABASE_URL`); when unset, the embedded SQLite database is used.
    public var databaseURL: String?
    /// `text` (default) or `json` log lines (`KORPUS_LOG_FORMAT`).
    public var logFormat: LogFormat
    /// Largest request body accepted, in bytes (`KORPUS_MAX_BODY_BYTES`, default 1 MiB).
    public var maxBodyBytes: Int
    /// Whether `serve` seeds demo content into an empty embedded database without asking
    /// (`KORPUS_DEMO_ON_FIRST_START`, default `true`; asked on a terminal).
    public var demoOnFirstStart: Bool
    /// E-mail of the administrator created by `seed` (`KORPUS_ADMIN_EMAIL`).
    public var adminEmail: String

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
            switch demo.lowercased() {
            case "1", "true", "yes", "tak": settings.demoOnFirstStart = true
            case "0", "false", "no", "nie": settings.demoOnFirstStart = false
            default:
                throw SettingsError.invalid(name: "KORPUS_DEMO_ON_FIRST_START", value: demo, expected: "true | false")
            }
        }
        if let email = value("KORPUS_ADMIN_EMAIL") { settings.adminEmail = email }
        return settings
    }

    /// Names of all settings, for the start-up report when one is wrong.
    public static let variableNames = [
        "KORPUS_DATA_DIR", "DATABASE_URL", "KORPUS_LOG_FORMAT", "KORPUS_MAX_BODY_BYTES",
        "KORPUS_DEMO_ON_FIRST_START", "KORPUS_ADMIN_EMAIL", "LOG_LEVEL",
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
