import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// A consistent copy of an embedded installation, taken while it runs: the SQLite database through
/// `VACUUM INTO` (one read transaction, so the copy is the database as of one instant, whatever is being
/// written meanwhile), the uploaded files and the key that seals documents. PostgreSQL installations are
/// backed up with pg_dump (see the README).
enum Backup {
    /// What a backup holds, written beside it as `backup.json`.
    struct Manifest: Codable, Equatable {
        let createdAt: Date
        let database: String
        let rows: [String: Int]
        let files: Int
    }

    enum Failure: Error, CustomStringConvertible {
        case notEmbedded
        case notEmpty(String)
        case missing(String)

        var description: String {
            switch self {
            case .notEmbedded: "this installation runs on PostgreSQL: back it up with pg_dump (see the README)"
            case .notEmpty(let path): "\(path) is not empty; choose a new directory"
            case .missing(let path): "\(path) is not a Korpus backup (no korpus.sqlite or backup.json)"
            }
        }
    }

    static let databaseFile = "korpus.sqlite"
    static let manifestFile = "backup.json"
    /// Everything of the data directory a backup carries besides the database.
    static let carried = ["uploads", "document-signing.key"]

    /// The tables whose rows the manifest counts (the records people entrust to Korpus).
    static let counted = [User.schema, Organisation.schema, Offer.schema, OfferApplication.schema, Engagement.schema, HourEntry.schema,
                          Certificate.schema, Agreement.schema, EventRegistration.schema, CompetenceAssessment.schema]

    /// Writes the backup into `directory` (created; it must be new or empty).
    static func write(_ app: Application, to directory: URL) async throws -> Manifest {
        guard case .sqliteFile = app.databaseTarget, let sql = app.db as? any SQLDatabase else { throw Failure.notEmbedded }
        let files = FileManager.default
        if files.fileExists(atPath: directory.path), !(try files.contentsOfDirectory(atPath: directory.path)).isEmpty {
            throw Failure.notEmpty(directory.path)
        }
        try files.createDirectory(at: directory, withIntermediateDirectories: true)
        let copy = directory.appendingPathComponent(databaseFile)
        try await sql.raw("VACUUM INTO \(bind: copy.path)").run()
        let data = URL(fileURLWithPath: app.settings.dataDirectory, isDirectory: true)
        var copied = 0
        for name in carried where files.fileExists(atPath: data.appendingPathComponent(name).path) {
            try files.copyItem(at: data.appendingPathComponent(name), to: directory.appendingPathComponent(name))
            copied += try count(directory.appendingPathComponent(name))
        }
        let manifest = Manifest(createdAt: Date(), database: databaseFile, rows: try await rows(in: copy, app), files: copied)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(manifest).write(to: directory.appendingPathComponent(manifestFile))
        return manifest
    }

    /// Puts a backup in place of the data directory's database and files, with the server stopped; what was
    /// there is kept aside as `*.before-restore-<time>`, so a restore loses nothing either.
    static func restore(from backup: URL, into dataDirectory: URL) throws -> [String] {
        let files = FileManager.default
        let source = backup.appendingPathComponent(databaseFile)
        guard files.fileExists(atPath: source.path), files.fileExists(atPath: backup.appendingPathComponent(manifestFile).path) else {
            throw Failure.missing(backup.path)
        }
        try files.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        var kept: [String] = []
        for name in [databaseFile, databaseFile + "-wal", databaseFile + "-shm"] + carried {
            let current = dataDirectory.appendingPathComponent(name)
            guard files.fileExists(atPath: current.path) else { continue }
            let aside = dataDirectory.appendingPathComponent("\(name).before-restore-\(stamp)")
            try files.moveItem(at: current, to: aside)
            kept.append(aside.lastPathComponent)
        }
        try files.copyItem(at: source, to: dataDirectory.appendingPathComponent(databaseFile))
        for name in carried where files.fileExists(atPath: backup.appendingPathComponent(name).path) {
            try files.copyItem(at: backup.appendingPathComponent(name), to: dataDirectory.appendingPathComponent(name))
        }
        return kept
    }

    /// Rows of the counted tables in a database file, on a connection of its own; the file must pass
    /// SQLite's integrity check.
    static func rows(in file: URL, _ app: Application) async throws -> [String: Int] {
        let connection = try await SQLiteConnection.open(storage: .file(path: file.path), threadPool: app.threadPool, logger: app.logger,
                                                         on: app.eventLoopGroup.any())
        do {
            let sql = connection.sql()
            var rows: [String: Int] = [:]
            for table in counted {
                rows[table] = try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self) ?? 0
            }
            let check = try await sql.raw("PRAGMA integrity_check").first()?.decode(column: "integrity_check", as: String.self)
            guard check == "ok" else { throw Abort(.internalServerError, reason: "the copy failed its integrity check: \(check ?? "?")") }
            try await connection.close()
            return rows
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static func count(_ url: URL) throws -> Int {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return 0 }
        guard isDirectory.boolValue else { return 1 }
        return FileManager.default.enumerator(atPath: url.path)?.allObjects.count ?? 0
    }
}

/// `korpus backup <directory>`: a consistent copy of the running embedded installation.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "directory", help: "A new (or empty) directory for the backup.")
        var directory: String
    }

    var help: String { "Writes a consistent copy of the embedded database and the uploaded files, also while the server runs." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let manifest = try await Backup.write(context.application, to: URL(fileURLWithPath: signature.directory, isDirectory: true))
        context.console.info("Backup written to \(signature.directory): "
            + manifest.rows.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ", \(manifest.files) files.")
    }
}

/// `korpus restore <directory>`, with the server stopped: handled before the application opens its
/// database, so nothing holds the file being replaced.
public enum RestoreCommand {
    /// The exit code when the arguments ask for a restore, nil otherwise.
    public static func run(_ arguments: [String], settings: Settings) -> Int32? {
        guard arguments.dropFirst().first == "restore" else { return nil }
        guard arguments.count == 3 else {
            print("Usage: korpus restore <backup directory>   (stop the server first)")
            return 2
        }
        guard settings.databaseURL == nil else {
            print("Korpus runs on PostgreSQL here: restore it with pg_restore (see the README).")
            return 1
        }
        do {
            let kept = try Backup.restore(from: URL(fileURLWithPath: arguments[2], isDirectory: true),
                                          into: URL(fileURLWithPath: settings.dataDirectory, isDirectory: true))
            print("Restored \(arguments[2]) into \(settings.dataDirectory)." + (kept.isEmpty ? "" : " Kept aside: \(kept.joined(separator: ", "))."))
            return 0
        } catch {
            print("Korpus cannot restore: \(error)")
            return 1
        }
    }
}
