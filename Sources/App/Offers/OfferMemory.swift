import Fluent
import KorpusCore
import SQLKit
import Synchronization
import Vapor

/// The offers anybody can find, held in memory (`OfferFinder`): the rows of the search index with the
/// words and the matching facts of each offer, kept in step through the change log.
extension OfferFinder: MemoryIndexContent {
    static var kind: ChangeLog.Kind { .offer }

    static let columns = """
        SELECT s.key, s.offer_id, s.voivodeship_code, s.minors_welcome, s.starts_on, s.ends_on, s.recruitment_deadline, s.published_at,
        o.search_text, o.area, o.skills, o.schedule, o.weekly_slots, o.latitude, o.longitude, o.remote, o.languages, o.minimum_age,
        o.involves_children, o.accessible
        FROM \(OfferIndex.table) s JOIN offers o ON o.id = s.offer_id
        """

    static func load(on sql: any SQLDatabase) async throws -> OfferFinder {
        let reader = OfferRowReader()
        try await sql.raw(SQLQueryString(columns)).run { row in reader.read(row) }
        return try reader.finished()
    }

    func updated(_ ids: [UUID], on sql: any SQLDatabase) async throws -> OfferFinder {
        var found: [FindableOffer] = []
        var interner = Interner()
        for start in stride(from: 0, to: ids.count, by: 1_000) {
            let batch = Array(ids[start..<min(start + 1_000, ids.count)])
            for row in try await sql.raw(SQLQueryString(Self.columns) + " WHERE s.offer_id IN (" + DistanceSQL.list(batch) + ")").all() {
                found.append(try OfferRowReader.offer(row, interner: &interner))
            }
        }
        let present = Set(found.map(\.id))
        var next = self
        next.apply(upserted: found, removed: ids.filter { !present.contains($0) })
        return next
    }
}

/// Builds the finder from rows as the database streams them, so the texts are not all held at once.
private final class OfferRowReader: Sendable {
    private let state = Mutex<(finder: OfferFinder, interner: Interner, error: (any Error)?)>((OfferFinder(), Interner(), nil))

    func read(_ row: any SQLRow) {
        state.withLock { state in
            guard state.error == nil else { return }
            do { state.finder.add(try Self.offer(row, interner: &state.interner)) } catch { state.error = error }
        }
    }

    func finished() throws -> OfferFinder {
        try state.withLock { state in
            if let error = state.error { throw error }
            state.finder.finishLoading()
            return state.finder
        }
    }

    static func offer(_ row: any SQLRow, interner: inout Interner) throws -> FindableOffer {
        let deadline = try row.decode(column: "recruitment_deadline", as: String?.self)
        return FindableOffer(
            key: try row.decode(column: "key", as: Int64.self), id: try row.decode(column: "offer_id", as: UUID.self),
            voivodeshipCode: try row.decode(column: "voivodeship_code", as: String?.self),
            minorsWelcome: try row.decode(column: "minors_welcome", as: Bool.self),
            startsOn: try row.decode(column: "starts_on", as: String?.self), endsOn: try row.decode(column: "ends_on", as: String?.self),
            recruitmentDeadline: deadline,
            publishedAt: try row.decode(column: "published_at", as: Date?.self)?.timeIntervalSince1970 ?? 0,
            text: try row.decode(column: "search_text", as: String.self),
            facts: OfferFacts(
                area: OfferArea(rawValue: try row.decode(column: "area", as: String.self)) ?? .other,
                skills: interner.list(try row.decode(column: "skills", as: String.self)),
                schedule: OfferSchedule(rawValue: try row.decode(column: "schedule", as: String.self)) ?? .regular,
                slots: interner.slots(try row.decode(column: "weekly_slots", as: String.self)),
                latitude: try row.decode(column: "latitude", as: Double?.self), longitude: try row.decode(column: "longitude", as: Double?.self),
                remote: try row.decode(column: "remote", as: Bool.self),
                languages: interner.list(try row.decode(column: "languages", as: String.self)),
                minimumAge: try row.decode(column: "minimum_age", as: Int.self), minorsWelcome: try row.decode(column: "minors_welcome", as: Bool.self),
                involvesChildren: try row.decode(column: "involves_children", as: Bool.self),
                accessible: try row.decode(column: "accessible", as: Bool.self)))
    }
}

/// Values worked out once per language and kept (a remembered offer's card).
final class ByLanguage<Value: Sendable>: Sendable {
    private let values = Mutex<[Language: Value]>([:])

    func value(_ language: Language, _ make: () -> Value) -> Value {
        if let value = values.withLock({ $0[language] }) { return value }
        let value = make()
        values.withLock { $0[language] = value }
        return value
    }
}

/// What lists show of offers found in memory, remembered for the offers shown most: each summary is kept with
/// the key of its offer's index row, which changes whenever the offer (or its organisation's standing)
/// does, so a remembered summary is used only while it is current. Organisations are not renamed and
/// localities do not change, so nothing else a summary shows can change under it. Beside each summary, its
/// JSON for the API (without the distance, which depends on the search) and its card on the search page.
final class OfferSummaries: Sendable {
    static let capacity = 5_000

    struct Entry: Sendable {
        let key: Int64
        let summary: OfferSummary
        let json: [UInt8]
        /// Its card on the search page, in each language it was shown in.
        let cards = ByLanguage<OffersController.CardMarkup>()
    }

    private let entries = Mutex<[UUID: Entry]>([:])

    /// The offers with these ids, in the order of `ids`, as of `finder`.
    func entries(_ ids: [UUID], finder: OfferFinder, on db: any Database) async throws -> [Entry] {
        var found: [UUID: Entry] = [:]
        var missing: [UUID] = []
        entries.withLock { entries in
            for id in ids {
                if let entry = entries[id], entry.key == finder.key(of: id) { found[id] = entry } else { missing.append(id) }
            }
        }
        if !missing.isEmpty {
            let encoder = JSONEncoder()
            var loaded: [Entry] = []
            for summary in try await OfferSummary.load(missing, on: db) {
                let entry = Entry(key: finder.key(of: summary.id) ?? -1, summary: summary,
                                  json: Array(try encoder.encode(OffersAPIController.dto(summary, distance: nil))))
                found[summary.id] = entry
                loaded.append(entry)
            }
            entries.withLock { entries in
                if entries.count + loaded.count > Self.capacity { entries.removeAll(keepingCapacity: true) }
                for entry in loaded where entry.key >= 0 { entries[entry.summary.id] = entry }
            }
        }
        return ids.compactMap { found[$0] }
    }
}
