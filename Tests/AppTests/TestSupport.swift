import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import App

/// Runs a test against a freshly configured Korpus with its own database: an in-memory SQLite database,
/// or, when `KORPUS_TEST_POSTGRES_URL` is set, a schema of its own in that PostgreSQL database (dropped
/// afterwards), so tests run side by side on either.
func withKorpus(
    settings: Settings = Settings(),
    _ test: (Application) async throws -> Void
) async throws {
    let app = try await Application.make(.testing)
    var settings = settings
    settings.runsWorker = false
    let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("korpus-test-\(UUID().uuidString)")
    settings.dataDirectory = dataDirectory.path
    let schema = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    let target: DatabaseTarget
    if let url = ProcessInfo.processInfo.environment["KORPUS_TEST_POSTGRES_URL"], !url.isEmpty {
        target = .postgres(url: url, schema: schema)
    } else {
        target = .sqliteMemory(identifier: schema)
    }
    do {
        try await configure(app, settings: settings, database: target)
        if case .postgres = target, let sql = app.db as? any SQLDatabase {
            try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
        }
        try await app.autoMigrate()
        try await test(app)
    } catch {
        await tearDown(app, target: target, schema: schema, dataDirectory: dataDirectory)
        throw error
    }
    await tearDown(app, target: target, schema: schema, dataDirectory: dataDirectory)
}

private func tearDown(_ app: Application, target: DatabaseTarget, schema: String, dataDirectory: URL) async {
    if case .postgres = target, let sql = app.db as? any SQLDatabase {
        try? await sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
    }
    try? await app.asyncShutdown()
    try? FileManager.default.removeItem(at: dataDirectory)
}

extension TestingHTTPResponse {
    var text: String { body.string }
}

extension HTTPHeaders {
    static func language(_ value: String) -> HTTPHeaders {
        ["Accept-Language": value]
    }
}
