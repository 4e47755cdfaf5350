import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Errors: pages in the person's language, problem documents under /api/")
struct ErrorsTests {
    @Test(arguments: [("pl", "Nie ma takiej strony"), ("en", "Page not found"), ("uk", "Сторінку не знайдено")])
    func unknownPageInEachLanguage(language: String, title: String) async throws {
        try await withKorpus { app in
            let response = try await app.testing().sendRequest(.GET, "/nie-ma-takiej-strony", headers: .language(language))
            #expect(response.status == .notFound)
            #expect(response.headers.contentType == .html)
            #expect(response.text.contains(title))
            #expect(response.text.contains(#"<html lang="\#(language)">"#))
        }
    }

    @Test func unknownAPIRouteIsAProblemDocument() async throws {
        try await withKorpus { app in
            let response = try await app.testing().sendRequest(.GET, "/api/v1/nie-ma", headers: .language("pl"))
            #expect(response.status == .notFound)
            #expect(response.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true)
            let problem = try JSONDecoder().decode(ProblemDocument.self, from: Data(response.text.utf8))
            #expect(problem.status == 404)
            #expect(problem.type == "about:blank")
            #expect(problem.title == "Nie ma takiej strony")
            #expect(!problem.detail.isEmpty)
        }
    }

    @Test func oversizedBodyIsRefused() async throws {
        var settings = Settings()
        settings.maxBodyBytes = 64 * 1024
        try await withKorpus(settings: settings) { app in
            let body = ByteBuffer(repeating: UInt8(ascii: "a"), count: 200 * 1024)
            let page = try await app.testing().sendRequest(
                .POST, "/", headers: ["Content-Length": "\(body.readableBytes)", "Accept-Language": "pl"], body: body)
            #expect(page.status == .payloadTooLarge)
            #expect(page.text.contains("Przesłane dane są za duże"))
            let api = try await app.testing().sendRequest(
                .POST, "/api/v1/localities", headers: ["Content-Length": "\(body.readableBytes)"], body: body)
            #expect(api.status == .payloadTooLarge)
            #expect(api.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true)
        }
    }

    @Test func errorPagesNeverShowInternals() async throws {
        try await withKorpus { app in
            app.get("boom") { _ -> String in
                throw NSError(domain: "SecretInternalDomain", code: 42, userInfo: [NSLocalizedDescriptionKey: "stack trace here"])
            }
            let page = try await app.testing().sendRequest(.GET, "/boom", headers: .language("en"))
            #expect(page.status == .internalServerError)
            #expect(page.text.contains("Something went wrong on our side"))
            #expect(!page.text.contains("SecretInternalDomain"))
            #expect(!page.text.contains("stack trace"))
        }
    }
}

@Suite("Operations: health, metrics, settings")
struct OperationsTests {
    @Test func healthChecksTheDatabase() async throws {
        try await withKorpus { app in
            let response = try await app.testing().sendRequest(.GET, "/health")
            #expect(response.status == .ok)
            let status = try JSONDecoder().decode(HealthController.Status.self, from: Data(response.text.utf8))
            #expect(status.status == "ok")
            #expect(status.database == "ok")
        }
    }

    @Test func metricsCountRequestsByRoutePattern() async throws {
        try await withKorpus { app in
            _ = try await app.testing().sendRequest(.GET, "/")
            _ = try await app.testing().sendRequest(.GET, "/jezyk/en")
            _ = try await app.testing().sendRequest(.GET, "/no/such/page/12345")
            let response = try await app.testing().sendRequest(.GET, "/metrics")
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .contentType)?.hasPrefix("text/plain") == true)
            let text = response.text
            #expect(text.contains(#"korpus_http_requests_total{method="GET",route="/",status="200"} 1"#))
            #expect(text.contains(#"route="/jezyk/:code",status="303""#))
            #expect(text.contains(#"route="unmatched",status="404""#))
            #expect(!text.contains("12345"), "raw paths never become labels")
            #expect(text.contains("korpus_http_request_duration_seconds_bucket"))
        }
    }

    @Test func settingsAreReadAndMalformedOnesRefused() throws {
        let settings = try Settings.fromEnvironment([
            "KORPUS_DATA_DIR": "/srv/korpus", "DATABASE_URL": "postgres://x@localhost/korpus",
            "KORPUS_LOG_FORMAT": "json", "KORPUS_MAX_BODY_BYTES": "2048", "KORPUS_DEMO_ON_FIRST_START": "false",
            "KORPUS_DB_CONNECTIONS": "8",
        ])
        #expect(settings.dataDirectory == "/srv/korpus")
        #expect(settings.databaseURL == "postgres://x@localhost/korpus")
        #expect(settings.logFormat == .json)
        #expect(settings.maxBodyBytes == 2048)
        #expect(settings.demoOnFirstStart == false)
        #expect(settings.databaseConnections == 8)
        let defaults = try Settings.fromEnvironment([:])
        #expect(defaults.dataDirectory == "./data")
        #expect(defaults.databaseURL == nil)
        #expect(defaults.databaseConnections == 4)
        #expect(throws: SettingsError.self) { try Settings.fromEnvironment(["KORPUS_LOG_FORMAT": "xml"]) }
        #expect(throws: SettingsError.self) { try Settings.fromEnvironment(["KORPUS_MAX_BODY_BYTES": "lots"]) }
        #expect(throws: SettingsError.self) { try Settings.fromEnvironment(["KORPUS_DEMO_ON_FIRST_START": "maybe"]) }
        #expect(throws: SettingsError.self) { try Settings.fromEnvironment(["KORPUS_DB_CONNECTIONS": "0"]) }
    }

    @Test func embeddedDatabaseLivesInTheDataDirectory() {
        var settings = Settings()
        settings.dataDirectory = "/var/lib/korpus"
        guard case .sqliteFile(let path) = DatabaseTarget.from(settings) else {
            Issue.record("expected the embedded database")
            return
        }
        #expect(path == "/var/lib/korpus/korpus.sqlite")
        settings.databaseURL = "postgres://korpus@127.0.0.1/korpus"
        #expect(DatabaseTarget.from(settings).isEmbedded == false)
    }

    @Test func jsonLogLines() throws {
        let lines = LockedLines()
        var logger = Logger(label: "test") { label in JSONLogHandler(label: label, level: .info, write: lines.append) }
        logger[metadataKey: "request-id"] = "abc"
        logger.info("zapisano godziny", metadata: ["count": "3"])
        logger.debug("not shown")
        let all = lines.values
        #expect(all.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(all[0].utf8)) as? [String: Any])
        #expect(object["message"] as? String == "zapisano godziny")
        #expect(object["level"] as? String == "info")
        #expect(object["request-id"] as? String == "abc")
        #expect(object["count"] as? String == "3")
        #expect(object["time"] != nil)
    }
}

final class LockedLines: Sendable {
    private let storage = NIOLockedValueBox<[String]>([])
    var values: [String] { storage.withLockedValue { $0 } }
    func append(_ line: String) { storage.withLockedValue { $0.append(line) } }
}

@Suite("The database under test")
struct DatabaseUnderTestTests {
    /// Guards the PostgreSQL run in `.ci/run`: when it asks for PostgreSQL, the tests really use it.
    @Test func isTheOneAskedFor() async throws {
        try await withKorpus { app in
            let dialect = (app.db as? any SQLDatabase)?.dialect.name
            if ProcessInfo.processInfo.environment["KORPUS_TEST_POSTGRES_URL"]?.isEmpty == false {
                #expect(dialect == "postgresql")
            } else {
                #expect(dialect == "sqlite")
            }
        }
    }
}
