import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import App

/// Every form route of the site posted with missing, oversized, wrong-typed and hostile values, and with
/// bodies that are not what they claim, by a volunteer and by a coordinator: never a server error, a refusal
/// (4xx) that says something and changes no record, and hostile text never echoed as markup.
@Suite("Form fuzzing: every form, hostile values")
struct FormFuzzTests {
    /// The field names of every form of the templates.
    static func fieldNames(_ app: Application) throws -> [String] {
        let views = URL(fileURLWithPath: app.directory.viewsDirectory)
        var names: Set<String> = []
        let pattern = try NSRegularExpression(pattern: #"name="([a-z][a-z0-9_]*)""#)
        for case let path as String in FileManager.default.enumerator(atPath: views.path) ?? .init() where path.hasSuffix(".leaf") {
            let text = try String(contentsOf: views.appendingPathComponent(path), encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { names.insert(String(text[range])) }
            }
        }
        return names.sorted()
    }

    static let script = "<script>alert('korpus')</script>"
    static let values = [
        script, "' OR '1'='1'; DROP TABLE users; --", "a\u{0}b\u{7}c\u{1B}", String(repeating: "ż", count: 20_001),
        "-99999999999999999999", "2026-13-45T25:61", "../../../etc/passwd", "%00%ff", "🙂‮evil",
    ]

    /// Row counts of every table a refusal must leave as it was (only the audit log and the throttles may
    /// record the attempt; the locality list is reference data no form writes).
    static func counts(_ app: Application, tables: [String]) async throws -> [String: Int] {
        guard let sql = app.db as? any SQLDatabase else { return [:] }
        let query = tables.map { "SELECT '\($0)' AS t, COUNT(*) AS n FROM \"\($0)\"" }.joined(separator: " UNION ALL ")
        var counts: [String: Int] = [:]
        for row in try await sql.raw(SQLQueryString(query)).all() {
            counts[try row.decode(column: "t", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    static func tables(_ app: Application) async throws -> [String] {
        guard let sql = app.db as? any SQLDatabase else { return [] }
        let rows: [any SQLRow]
        if case .postgres = app.databaseTarget {
            rows = try await sql.raw("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'").all()
        } else {
            rows = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all()
        }
        let ignored: Set<String> = ["audit_log", "throttles", "_fluent_migrations", "_fluent_enums", "localities", "voivodeships"]
        return try rows.map { try $0.decode(column: "name", as: String.self) }.filter { !ignored.contains($0) && !$0.hasPrefix("offer_search") && !$0.hasPrefix("text_index") }.sorted()
    }

    @Test func everyFormRefusesHostileInputClearlyAndChangesNothing() async throws {
        try await withKorpus { app in
            // setup: the demo; a volunteer and a coordinator signed in; real ids where a path names one
            _ = try await DemoContent.seed(on: app.db, administratorEmail: "admin@example.org", passwordHasher: app.password)
            let volunteer = TestBrowser(app)
            #expect(try await volunteer.signIn("anna.kowalska@demo.korpus.local").status == .seeOther)
            let coordinator = TestBrowser(app)
            #expect(try await coordinator.signIn("karolina.zawadzka@demo.korpus.local").status == .seeOther)
            let foundation = try #require(try await Organisation.query(on: app.db).filter(\.$name == "Fundacja Pomocna Dłoń").first())
            let offer = try #require(try await Offer.query(on: app.db).filter(\.$organisation.$id == foundation.requireID())
                .filter(\.$status == Offer.Status.published.rawValue).first())
            let event = try #require(try await Event.query(on: app.db).first())
            let known: [String: String] = [
                "organisationID": try foundation.requireID().uuidString, "offerID": try offer.requireID().uuidString,
                "eventID": try event.requireID().uuidString, "area": "1",
            ]
            let names = try Self.fieldNames(app)
            #expect(names.count > 80 && names.count < 200 && names.contains("description") && names.contains("worked_on"))
            let tables = try await Self.tables(app)
            #expect(tables.contains("hour_entries") && tables.contains("competence_answers"))

            // Every field of every form with one value, encoded once.
            let bodies = Self.values.map { value in
                (value, Array(names.map { "\($0)=\(TestBrowser.encode(value))" }.joined(separator: "&").utf8))
            }
            let skipped: Set<String> = ["/wylogowanie"]
            var tried = 0
            var statuses: [UInt: Int] = [:]
            for route in app.routes.all where route.method == .POST {
                let path = "/" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return known[name] ?? UUID().uuidString }
                    return component.description
                }.joined(separator: "/")
                guard !path.hasPrefix("/api/"), !skipped.contains(path) else { continue }
                for browser in [volunteer, coordinator] {
                    var sends: [(String, () async throws -> TestingHTTPResponse)] = [("missing", { try await browser.post(path, [:]) })]
                    for (value, body) in bodies {
                        sends.append(("value \(value.prefix(12))", { try await browser.postRaw(path, body, contentType: .urlEncodedForm) }))
                    }
                    sends.append(("invalid UTF-8", { try await browser.postRaw(path, Array("description=".utf8) + [0xFF, 0xFE, 0x25, 0x43, 0x30], contentType: .urlEncodedForm) }))
                    sends.append(("percent-encoded invalid UTF-8", { try await browser.postRaw(path, Array("title=%FF%FE%C0%AF".utf8), contentType: .urlEncodedForm) }))
                    sends.append(("JSON instead of a form", { try await browser.postRaw(path, Array(#"{"title": 1}"#.utf8), contentType: .json) }))
                    sends.append(("broken multipart", { try await browser.postRaw(path, Array("--x\r\nnonsense".utf8), contentType: HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": "x"]), csrf: false) }))
                    // (10 MB once per route: the limit is checked before the route, whoever sends it)
                    if browser === volunteer { sends.append(("10 MB", { try await browser.postRaw(path, Array("description=".utf8) + [UInt8](repeating: 0x61, count: 10 * 1024 * 1024), contentType: .urlEncodedForm) })) }
                    for (label, send) in sends {
                        let before = try await Self.counts(app, tables: tables)
                        let response = try await send()
                        tried += 1
                        statuses[response.status.code, default: 0] += 1
                        #expect(response.status.code < 500, "\(route.path) \(label): \(response.status)")
                        #expect(!response.body.string.contains(Self.script), "\(route.path) \(label) echoes markup")
                        if (400..<500).contains(response.status.code) {
                            #expect(response.body.readableBytes > 0, "\(route.path) \(label): an empty refusal")
                            let after = try await Self.counts(app, tables: tables)
                            let changed = tables.filter { before[$0] != after[$0] }
                            #expect(changed.isEmpty, "\(route.path) \(label) refused with \(response.status) but changed \(changed)")
                        }
                    }
                }
            }
            #expect(tried > 1000)
            #expect(statuses[422] ?? 0 > 100 && statuses[413] ?? 0 > 50 && statuses[400] ?? 0 > 50, "the forms' own checks were reached: \(statuses)")
            print("form fuzzing: \(tried) requests on \(app.routes.all.filter { $0.method == .POST }.count) form routes, by status: "
                  + statuses.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
        }
    }
}
