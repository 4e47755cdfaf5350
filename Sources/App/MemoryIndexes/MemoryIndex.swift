import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Fluent
import KorpusCore
import SQLKit
import Synchronization
import Vapor

/// What an in-memory index holds (the offers anybody can find, the offers of help coordinators may be
/// matched with): read whole from the database once, then kept in step by the change log.
protocol MemoryIndexContent: Sendable {
    static var kind: ChangeLog.Kind { get }
    /// Everything, read from the database.
    static func load(on sql: any SQLDatabase) async throws -> Self
    /// The content with these records as the database has them now (removed when it no longer has them).
    func updated(_ ids: [UUID], on sql: any SQLDatabase) async throws -> Self
}

/// The log the in-memory indexes follow: database triggers add a row for every change of what they hold
/// (an offer entering or leaving the search index, an offer of help, its author's account or a guardian's
/// consent), so no code path can change the data without the indexes hearing of it — on every instance
/// that shares the database.
enum ChangeLog {
    static let table = "change_log"

    enum Kind: String, Sendable {
        /// `record_id` is an offer.
        case offer
        /// `record_id` is a volunteer (their offer of help).
        case volunteer
    }

    /// Rows newer than this are read again on every sync: on PostgreSQL a transaction may commit after one
    /// that took a later number, so the newest numbers are not final until the transactions are over.
    static let settleSeconds = 10.0
    /// Rows are kept this long; an instance that has not synced for half of it reloads everything.
    static let keptSeconds = 3_600.0

    /// The time now as the database writes it into `changed_at` (seconds since 1970).
    static func now(_ sql: any SQLDatabase) -> SQLQueryString {
        OfferIndex.isPostgres(sql) ? "CAST(extract(epoch FROM clock_timestamp()) AS DOUBLE PRECISION)" : "((julianday('now') - 2440587.5) * 86400.0)"
    }

    /// When this process last wrote something an index follows, in nanoseconds of uptime. For two seconds
    /// after, every read syncs first, so a person sees their own change at once; changes made through other
    /// instances are seen within a second.
    private static let lastLocalWrite = Atomic<UInt64>(0)
    static let localWindow: UInt64 = 2_000_000_000

    static func noteLocalWrite() {
        lastLocalWrite.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
    }

    static func wroteRecently(_ now: UInt64) -> Bool {
        now &- lastLocalWrite.load(ordering: .relaxed) < localWindow
    }

    /// Gives the memory freed after reading every row back to the system (glibc keeps it otherwise).
    static func returnFreedMemory() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        }
        #endif
    }

    /// The most rows read at once.
    static let batch = 50_000

    /// One row of the log.
    struct Change {
        let seq: Int64
        let kind: String
        let recordID: UUID
        let changedAt: Double
    }

    /// The rows after `seq`, in order, with the database's time now.
    static func read(after seq: Int64, on sql: any SQLDatabase) async throws -> (changes: [Change], now: Double) {
        let rows = try await sql.raw("SELECT seq, kind, record_id, changed_at, " + now(sql) + " AS now FROM \(unsafeRaw: table)"
            + " WHERE seq > \(bind: seq) ORDER BY seq LIMIT \(literal: batch)").all()
        var changes: [Change] = []
        changes.reserveCapacity(rows.count)
        var now = 0.0
        for row in rows {
            changes.append(Change(seq: try row.decode(column: "seq", as: Int64.self), kind: try row.decode(column: "kind", as: String.self),
                                  recordID: try row.decode(column: "record_id", as: UUID.self),
                                  changedAt: try row.decode(column: "changed_at", as: Double.self)))
            now = try row.decode(column: "now", as: Double.self)
        }
        return (changes, now)
    }

    /// The number of the last row that has settled, read before a full load: changes after it are applied
    /// again after the load.
    static func settled(on sql: any SQLDatabase) async throws -> Int64 {
        try await sql.raw("SELECT COALESCE(MAX(seq), 0) AS seq FROM \(unsafeRaw: table) WHERE changed_at < " + now(sql)
            + " - \(literal: settleSeconds)").first()?.decode(column: "seq", as: Int64.self) ?? 0
    }

    /// Drops the rows older than `keptSeconds`.
    static func prune(on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM \(unsafeRaw: table) WHERE changed_at < " + now(sql) + " - \(literal: keptSeconds)").run()
    }
}

/// Follows the change log for one index: which rows have been applied, so each is applied once even
/// though the unsettled ones are read again.
struct ChangeFollower: Sendable {
    /// Every row up to here is applied (or was settled before a full load).
    private(set) var floor: Int64
    /// Rows after `floor` already applied.
    private var applied: Set<Int64> = []

    init(floor: Int64) { self.floor = floor }

    /// The records of `kind` changed by the rows not applied yet, marking them applied; advances the floor
    /// over the settled rows.
    /// `changes` are the rows after `cursor` (the floor, or the last row of the batch before).
    mutating func take(_ changes: [ChangeLog.Change], after cursor: Int64, now: Double, kind: ChangeLog.Kind) -> [UUID] {
        var records: [UUID] = []
        var seen = Set<UUID>()
        var settledUpTo = floor
        var stillSettling = cursor != floor
        for change in changes {
            if applied.insert(change.seq).inserted, change.kind == kind.rawValue, seen.insert(change.recordID).inserted {
                records.append(change.recordID)
            }
            if !stillSettling, change.changedAt < now - ChangeLog.settleSeconds {
                settledUpTo = change.seq
            } else {
                stillSettling = true
            }
        }
        floor = settledUpTo
        applied = applied.filter { $0 > floor }
        return records
    }
}

/// An index held in memory and kept in step with the database: loaded whole on first use, then brought
/// up to date from the change log at most once a second (at once after a change this process made).
/// Readers get a value; bringing it up to date makes a new one.
final class MemoryIndex<Content: MemoryIndexContent>: Sendable {
    private struct Sync: Sendable {
        let startedAt: UInt64
        let task: Task<Content, any Error>
    }

    private struct State: Sendable {
        var content: Content?
        var follower = ChangeFollower(floor: 0)
        /// When the sync that made `content` started (uptime nanoseconds).
        var syncedAsOf: UInt64 = 0
        var running: Sync?
        var lastPrune: UInt64 = 0
    }

    private enum Next { case ready(Content), join(Task<Content, any Error>), wait(Task<Content, any Error>), start(Task<Content, any Error>) }

    static var freshness: UInt64 { 1_000_000_000 }
    private let state = Mutex(State())

    /// The content, no older than a second — and including every change this process made before the call.
    func current(on db: any Database) async throws -> Content {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let arrival = DispatchTime.now().uptimeNanoseconds
        let needed = ChangeLog.wroteRecently(arrival) ? arrival : arrival &- min(arrival, Self.freshness)
        while true {
            let next: Next = state.withLock { state in
                if let content = state.content, state.syncedAsOf >= needed { return .ready(content) }
                if let running = state.running {
                    return running.startedAt >= needed ? .join(running.task) : .wait(running.task)
                }
                let startedAt = DispatchTime.now().uptimeNanoseconds
                let task = Task { try await self.sync(startedAt: startedAt, on: sql) }
                state.running = Sync(startedAt: startedAt, task: task)
                return .start(task)
            }
            switch next {
            case .ready(let content): return content
            case .join(let task), .start(let task): return try await task.value
            case .wait(let task): _ = try? await task.value
            }
        }
    }

    /// Brings the content up to date (or loads it), then records it as of `startedAt`.
    private func sync(startedAt: UInt64, on sql: any SQLDatabase) async throws -> Content {
        let (content, follower, lastSync, lastPrune) = state.withLock { ($0.content, $0.follower, $0.syncedAsOf, $0.lastPrune) }
        do {
            var next: Content
            var following = follower
            if let content, startedAt &- lastSync < UInt64(ChangeLog.keptSeconds / 2) * 1_000_000_000 {
                next = content
            } else {
                following = ChangeFollower(floor: try await ChangeLog.settled(on: sql))
                next = try await Content.load(on: sql)
                ChangeLog.returnFreedMemory()
                // What changed while it was read is applied again below.
            }
            var cursor = following.floor
            while true {
                let (changes, now) = try await ChangeLog.read(after: cursor, on: sql)
                let records = following.take(changes, after: cursor, now: now, kind: Content.kind)
                if !records.isEmpty { next = try await next.updated(records, on: sql) }
                guard changes.count == ChangeLog.batch, let last = changes.last else { break }
                cursor = last.seq
            }
            var pruned = lastPrune
            if startedAt &- lastPrune > 600_000_000_000 {
                try await ChangeLog.prune(on: sql)
                pruned = startedAt
            }
            let result = next
            state.withLock { state in
                state.content = result
                state.follower = following
                state.syncedAsOf = startedAt
                state.running = nil
                state.lastPrune = pruned
            }
            return result
        } catch {
            state.withLock { $0.running = nil }
            throw error
        }
    }
}

/// The change log and the triggers that write it, on both databases.
struct CreateChangeLog: AsyncMigration {
    /// (trigger, table, event, what is logged) — `NEW` or `OLD` as the event has it.
    static let triggers: [(name: String, table: String, event: String, kind: ChangeLog.Kind, record: String, when: String?)] = [
        ("change_log_offer_indexed", OfferIndex.table, "INSERT", .offer, "NEW.offer_id", nil),
        ("change_log_offer_unindexed", OfferIndex.table, "DELETE", .offer, "OLD.offer_id", nil),
        ("change_log_help_offer_added", "help_offers", "INSERT", .volunteer, "NEW.volunteer_id", nil),
        ("change_log_help_offer_changed", "help_offers", "UPDATE", .volunteer, "NEW.volunteer_id", nil),
        ("change_log_help_offer_removed", "help_offers", "DELETE", .volunteer, "OLD.volunteer_id", nil),
        ("change_log_volunteer_changed", "users", "UPDATE", .volunteer, "NEW.id",
         "OLD.status IS DISTINCT FROM NEW.status OR OLD.date_of_birth IS DISTINCT FROM NEW.date_of_birth"),
        ("change_log_guardian_consent", "consents", "INSERT", .volunteer, "NEW.user_id", "NEW.kind = 'guardian'"),
    ]

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let postgres = OfferIndex.isPostgres(sql)
        try await sql.raw("""
            CREATE TABLE \(unsafeRaw: ChangeLog.table) (
                seq \(unsafeRaw: postgres ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"),
                kind TEXT NOT NULL, record_id UUID NOT NULL,
                changed_at DOUBLE PRECISION NOT NULL DEFAULT (
            """ + ChangeLog.now(sql) + "))").run()
        try await sql.create(index: "change_log_time_idx").on(ChangeLog.table).column("changed_at").run()
        for trigger in Self.triggers {
            if postgres {
                try await sql.raw("""
                    CREATE FUNCTION \(unsafeRaw: trigger.name)() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN INSERT INTO \(unsafeRaw: ChangeLog.table) (kind, record_id) VALUES ('\(unsafeRaw: trigger.kind.rawValue)', \(unsafeRaw: trigger.record)); RETURN NULL; END $$
                    """).run()
                try await sql.raw("CREATE TRIGGER \(unsafeRaw: trigger.name) AFTER \(unsafeRaw: trigger.event) ON \(unsafeRaw: trigger.table) FOR EACH ROW"
                    + "\(unsafeRaw: trigger.when.map { " WHEN (\($0))" } ?? "") EXECUTE FUNCTION \(unsafeRaw: trigger.name)()").run()
            } else {
                let when = trigger.when.map { " WHEN " + $0.replacingOccurrences(of: "IS DISTINCT FROM", with: "IS NOT") } ?? ""
                try await sql.raw("CREATE TRIGGER \(unsafeRaw: trigger.name) AFTER \(unsafeRaw: trigger.event) ON \(unsafeRaw: trigger.table) FOR EACH ROW\(unsafeRaw: when)"
                    + " BEGIN INSERT INTO \(unsafeRaw: ChangeLog.table) (kind, record_id) VALUES ('\(unsafeRaw: trigger.kind.rawValue)', \(unsafeRaw: trigger.record)); END").run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for trigger in Self.triggers {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: trigger.name)\(unsafeRaw: OfferIndex.isPostgres(sql) ? " ON " + trigger.table : "")").run()
            if OfferIndex.isPostgres(sql) { try await sql.raw("DROP FUNCTION IF EXISTS \(unsafeRaw: trigger.name)()").run() }
        }
        try await sql.raw("DROP TABLE \(unsafeRaw: ChangeLog.table)").run()
    }
}

/// The in-memory indexes of the application; both nil when `KORPUS_SEARCH_IN_MEMORY` is off, and the
/// database answers every search.
struct MemoryIndexes: Sendable {
    let offers: MemoryIndex<OfferFinder>?
    let volunteers: MemoryIndex<VolunteerPool>?
    let summaries: OfferSummaries?

    static let off = MemoryIndexes(offers: nil, volunteers: nil, summaries: nil)
    static func on() -> MemoryIndexes { MemoryIndexes(offers: MemoryIndex(), volunteers: MemoryIndex(), summaries: OfferSummaries()) }
}

extension Application {
    private struct MemoryIndexesKey: StorageKey {
        typealias Value = MemoryIndexes
    }

    /// Set up by `configure`.
    var memoryIndexes: MemoryIndexes {
        get { storage[MemoryIndexesKey.self] ?? .off }
        set { storage[MemoryIndexesKey.self] = newValue }
    }
}

/// Notes every write of a model the indexes follow, so the next read of this process syncs first.
struct ChangeLogWriteNote<M: Model>: AsyncModelMiddleware {
    func create(model: M, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.create(model, on: db)
        ChangeLog.noteLocalWrite()
    }

    func update(model: M, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.update(model, on: db)
        ChangeLog.noteLocalWrite()
    }

    func delete(model: M, force: Bool, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.delete(model, force: force, on: db)
        ChangeLog.noteLocalWrite()
    }
}

/// Equal lists read from many rows kept as one copy: the reference data set has a few hundred distinct
/// lists of skills, slots or languages among 100,000 offers, and each copy would be its own allocation.
struct Interner {
    private var lists: [String: [String]] = [:]
    private var slots: [String: Set<WeeklySlot>] = [:]
    private var areas: [String: Set<OfferArea>] = [:]

    /// A comma-separated list (`CommaList`).
    mutating func list(_ raw: String) -> [String] {
        if let known = lists[raw] { return known }
        let items = CommaList.items(raw)
        lists[raw] = items
        return items
    }

    mutating func slots(_ raw: String) -> Set<WeeklySlot> {
        if let known = slots[raw] { return known }
        let set = WeeklySlot.set(raw)
        slots[raw] = set
        return set
    }

    mutating func areas(_ raw: String) -> Set<OfferArea> {
        if let known = areas[raw] { return known }
        let set = Set(raw.split(separator: ",").compactMap { OfferArea(rawValue: String($0)) })
        areas[raw] = set
        return set
    }
}
