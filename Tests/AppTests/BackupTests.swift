import Fluent
import FluentSQLiteDriver
import Foundation
import Testing
import Vapor

@testable import App

/// How one of many concurrent writing transactions ended.
enum WriteOutcome: Equatable, Sendable {
    case committed
    /// No connection came free within the pool's wait.
    case starved
    case failed(String)
}

/// Records the e-mail addresses whose rows were committed (acknowledged by the database).
actor Committed {
    private(set) var emails: Set<String> = []
    func add(_ email: String) { emails.insert(email) }
}

@Suite("The embedded database: a consistent backup under write load, restored whole; concurrent writers all commit")
struct BackupTests {
    @Test func aBackupTakenWhileWritersWriteRestoresEveryRowCommittedBeforeIt() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("korpus-backup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        let app = try await Application.make(.testing)
        var settings = Settings()
        settings.runsWorker = false
        settings.dataDirectory = data.path
        do {
            try await configure(app, settings: settings, database: .sqliteFile(path: data.appendingPathComponent("korpus.sqlite").path))
            try await app.autoMigrate()
            try FileManager.default.createDirectory(at: data.appendingPathComponent("uploads"), withIntermediateDirectories: true)
            try Data("logo".utf8).write(to: data.appendingPathComponent("uploads/logo-1.png"))

            // setup: four writers adding people as fast as they can, each row recorded once committed
            let committed = Committed()
            let writers = (0..<4).map { writer in
                Task {
                    var number = 0
                    while !Task.isCancelled {
                        let email = "w\(writer)-\(number)@example.org"
                        try await User(email: email, displayName: "Piszący \(writer)", passwordHash: "", isAdministrator: false).create(on: app.db)
                        await committed.add(email)
                        number += 1
                    }
                }
            }
            // (waiting for rows rather than for a time: the machine may be busy with other tests)
            func waitFor(moreThan count: Int) async throws {
                for _ in 0..<600 where await committed.emails.count <= count { try await Task.sleep(for: .milliseconds(50)) }
            }
            try await waitFor(moreThan: 20)
            let before = await committed.emails

            // act: the backup, while they write
            let backup = root.appendingPathComponent("backup")
            let manifest = try await Backup.write(app, to: backup)
            try await waitFor(moreThan: await committed.emails.count + 5)
            for writer in writers { writer.cancel() }
            for writer in writers { _ = await writer.result }
            let all = await committed.emails
            #expect(before.count > 20 && all.count > before.count, "the writers kept writing during the backup")
            #expect(manifest.rows[User.schema] ?? 0 >= before.count)
            #expect(manifest.files == 2, "the uploaded logo and the document-signing key")
            // Bad input: a directory in use, a directory that is not a backup.
            #expect(throws: Backup.Failure.self) { _ = try Backup.restore(from: root.appendingPathComponent("nothing"), into: data) }
            await #expect(throws: Backup.Failure.self) { _ = try await Backup.write(app, to: backup) }

            // The restore into a fresh data directory has every row committed before the backup began, and only
            // rows that were committed.
            let restored = root.appendingPathComponent("restored")
            #expect(RestoreCommand.run(["korpus", "restore", backup.path], settings: { var s = settings; s.dataDirectory = restored.path; return s }()) == 0)
            let connection = try await SQLiteConnection.open(storage: .file(path: restored.appendingPathComponent("korpus.sqlite").path),
                                                             threadPool: app.threadPool, on: app.eventLoopGroup.any())
            let emails = Set(try await connection.sql().raw("SELECT email FROM users").all().map { try $0.decode(column: "email", as: String.self) })
            let check = try await connection.sql().raw("PRAGMA integrity_check").first()?.decode(column: "integrity_check", as: String.self)
            try await connection.close()
            #expect(check == "ok")
            #expect(before.isSubset(of: emails), "\(before.subtracting(emails).count) committed rows missing")
            #expect(emails.isSubset(of: all))
            #expect(emails.count == manifest.rows[User.schema])
            #expect(FileManager.default.fileExists(atPath: restored.appendingPathComponent("uploads/logo-1.png").path))
            #expect(try Data(contentsOf: restored.appendingPathComponent("document-signing.key")) == Data(contentsOf: data.appendingPathComponent("document-signing.key")))

            // Restoring over an installation keeps what was there aside.
            let kept = try Backup.restore(from: backup, into: restored)
            #expect(kept.contains { $0.hasPrefix("korpus.sqlite.before-restore-") } && kept.contains { $0.hasPrefix("uploads.before-restore-") })
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test func postgresInstallationsAreToldToUsePgDump() async throws {
        var settings = Settings()
        settings.databaseURL = "postgres://korpus@127.0.0.1:1/korpus"
        #expect(RestoreCommand.run(["korpus", "restore", "/tmp/x"], settings: settings) == 1)
        #expect(RestoreCommand.run(["korpus", "restore"], settings: Settings()) == 2)
        #expect(RestoreCommand.run(["korpus", "serve"], settings: Settings()) == nil)
    }

    @Test func concurrentTransactionsThatReadThenWriteAllCommitOnTheDatabaseFile() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("korpus-writes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let app = try await Application.make(.testing)
        var settings = Settings()
        settings.runsWorker = false
        settings.dataDirectory = root.path
        do {
            try await configure(app, settings: settings, database: .sqliteFile(path: root.appendingPathComponent("korpus.sqlite").path))
            try await app.autoMigrate()
            // act: forty transactions at once, each reading before it writes (as applying or registering does)
            let outcomes = await withTaskGroup(of: WriteOutcome.self) { group in
                for number in 0..<40 {
                    group.addTask {
                        do {
                            try await app.db.writing { db in
                                _ = try await User.query(on: db).count()
                                try await Task.sleep(for: .milliseconds(2))
                                try await User(email: "r\(number)@example.org", displayName: "R", passwordHash: "", isAdministrator: false).create(on: db)
                            }
                            return .committed
                        } catch is ConnectionPoolTimeoutError {
                            return .starved
                        } catch {
                            return .failed(String(describing: error))
                        }
                    }
                }
                return await group.reduce(into: [WriteOutcome]()) { $0.append($1) }
            }
            // Each one waits for the write lock instead of failing with "database is locked". A transaction
            // that never got a connection (the whole test suite shares two threads, and a busy machine can
            // keep them from the pool for its ten seconds) proves nothing either way, but most must get one.
            let failures = outcomes.compactMap { if case .failed(let reason) = $0 { reason } else { nil } }
            let committed = outcomes.filter { $0 == .committed }.count
            #expect(failures.isEmpty, "\(failures.count) of 40 failed: \(failures.first ?? "")")
            #expect(committed >= 20, "only \(committed) of 40 got a connection")
            #expect(try await User.query(on: app.db).count() == committed)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

@Suite("Stopping the server")
struct ShutdownTests {
    /// A request still being answered when the server is told to stop (its client may already have gone) is
    /// answered from the open database; without the wait, the database closed under it and the process
    /// crashed.
    @Test func aRequestBeingAnsweredFinishesBeforeTheDatabaseCloses() async throws {
        let app = try await Application.make(.testing)
        var settings = Settings()
        settings.runsWorker = false
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("korpus-stop-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        settings.dataDirectory = root.path
        try await configure(app, settings: settings, database: .sqliteMemory(identifier: "stop-\(UUID().uuidString)"))
        try await app.autoMigrate()
        let (started, arrived) = AsyncStream.makeStream(of: Void.self)
        app.get("powolna-odpowiedz") { req async throws -> String in
            arrived.yield()
            try await Task.sleep(for: .milliseconds(300))
            return String(try await User.query(on: req.db).count())
        }
        let request = Request(application: app, method: .GET, url: URI(path: "/powolna-odpowiedz"), on: app.eventLoopGroup.next())
        let answer = Task { try await app.responder.current.respond(to: request).get() }
        for await _ in started { break }
        // act
        try await app.asyncShutdown()
        // validate
        let response = try await answer.value
        #expect(response.status == .ok)
        #expect(response.body.string == "0")
    }
}

@Suite("Statements the database plans once")
struct PreparedSQLTests {
    enum Echo: PreparedSQL {
        static let text = "SELECT $1 AS first, $2 AS second, $1 AS again, 'costs $5' AS text"
    }

    enum UserByEmail: PreparedSQL {
        static let text = "SELECT display_name FROM users WHERE email = $1"
    }

    /// The same text on both databases: each `$n` takes its value however often it appears, and a `$` inside
    /// a string stays; a statement asked again on the same connection (kept by PostgreSQL) sees new rows.
    @Test func valuesTakeTheirNumberedPlacesAndTheKeptStatementReadsFreshRows() async throws {
        try await withKorpus { app in
            let sql = try #require(app.db as? any SQLDatabase)
            let row = try #require(try await Echo.first(["jeden", "dwa"], on: sql))
            #expect(try row.decode(column: "first", as: String.self) == "jeden")
            #expect(try row.decode(column: "second", as: String.self) == "dwa")
            #expect(try row.decode(column: "again", as: String.self) == "jeden")
            #expect(try row.decode(column: "text", as: String.self) == "costs $5")
            for round in 1...3 {
                let email = "prepared\(round)@example.org"
                #expect(try await UserByEmail.rows([email], on: sql).isEmpty)
                let user = User(email: email, displayName: "Osoba \(round)", passwordHash: "", isAdministrator: false)
                try await user.create(on: app.db)
                let found = try await UserByEmail.rows([email], on: sql)
                #expect(try found.map { try $0.decode(column: "display_name", as: String.self) } == ["Osoba \(round)"])
            }
        }
    }
}
