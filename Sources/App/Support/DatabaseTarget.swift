import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Vapor

/// Which database Korpus runs on.
public enum DatabaseTarget: Sendable {
    /// The embedded SQLite database in a file (the default: `<KORPUS_DATA_DIR>/korpus.sqlite`).
    case sqliteFile(path: String)
    /// A private in-memory SQLite database, for tests.
    case sqliteMemory(identifier: String)
    /// PostgreSQL at a URL; `schema` puts every table in its own schema, so tests can run side by side.
    case postgres(url: String, schema: String? = nil)

    public var isEmbedded: Bool {
        if case .postgres = self { return false }
        return true
    }

    /// The target the settings name: PostgreSQL when `DATABASE_URL` is set, otherwise the embedded file.
    public static func from(_ settings: Settings) -> DatabaseTarget {
        if let url = settings.databaseURL { return .postgres(url: url) }
        let directory = URL(fileURLWithPath: settings.dataDirectory, isDirectory: true)
        return .sqliteFile(path: directory.appendingPathComponent("korpus.sqlite").path)
    }

    /// `connections`: the PostgreSQL connections each event loop may open (SQLite keeps one per event loop).
    func configure(_ app: Application, connections: Int) throws {
        switch self {
        case .sqliteFile(let path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            app.databases.use(.sqlite(.file(path), sqlLogLevel: nil), as: .sqlite)
        case .sqliteMemory(let identifier):
            app.databases.use(.sqlite(.init(storage: .memory(identifier: identifier)), sqlLogLevel: nil), as: .sqlite)
        case .postgres(let url, let schema):
            var configuration = try SQLPostgresConfiguration(url: url)
            if let schema { configuration.searchPath = [schema] }
            app.databases.use(.postgres(configuration: configuration, maxConnectionsPerEventLoop: connections, sqlLogLevel: .debug), as: .psql)
        }
    }

    /// Pages each SQLite connection keeps in memory (the default is 2 MiB); 32 MiB holds the search index
    /// of the reference data set, so searches do not read the file again and again.
    static let sqliteCacheKibibytes = 32_768

    /// How long a connection waits for another one's write to end before SQLite answers "database is
    /// locked" (one writer at a time; without it, two requests writing at once fail).
    static let sqliteBusyMilliseconds = 5_000

    /// Settings that belong to the database file itself: write-ahead logging, so readers never wait for a
    /// writer and a killed process loses nothing committed. Then each connection's page cache and its wait for
    /// the write lock: the pool keeps one connection per event loop open for the life of the process.
    func prepare(_ app: Application) async throws {
        guard case .sqliteFile = self, let sql = app.db as? any SQLDatabase else { return }
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        for eventLoop in app.eventLoopGroup.makeIterator() {
            guard let connection = app.databases.database(logger: app.logger, on: eventLoop) as? any SQLDatabase else { continue }
            try await connection.raw("PRAGMA cache_size = -\(unsafeRaw: String(Self.sqliteCacheKibibytes))").run()
            try await connection.raw("PRAGMA busy_timeout = \(unsafeRaw: String(Self.sqliteBusyMilliseconds))").run()
        }
    }
}

extension Database {
    /// A transaction that writes. On SQLite it takes the write lock with its first statement (a write that
    /// changes nothing), waiting for it if another connection holds it: a transaction that read first and
    /// only then wrote would fail instead (SQLITE_BUSY_SNAPSHOT) whenever another write was committed in
    /// between. On PostgreSQL it is the database's own transaction.
    func writing<T: Sendable>(_ closure: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await transaction { db in
            if let sql = db as? any SQLDatabase, sql.dialect.name == "sqlite" {
                try await sql.raw("UPDATE users SET status = status WHERE 0 = 1").run()
            }
            return try await closure(db)
        }
    }
}
