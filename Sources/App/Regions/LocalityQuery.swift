import Fluent
import KorpusCore
import SQLKit
import Synchronization

/// Finding localities by a name typed in any form of diacritics ("lodz" finds Łódź, "Łódź" finds it too).
enum LocalityQuery {
    /// The longest query accepted, in characters; longer ones are refused with a message.
    static let maxQueryLength = 100

    /// The query as it is matched: folded, reduced to letters, digits, spaces and hyphens, spaces collapsed.
    static func normalise(_ text: String) -> String {
        let folded = TextFolding.fold(text)
        let kept = folded.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : " " }
        return String(kept).split(separator: " ").joined(separator: " ")
    }

    struct Result {
        let localities: [LocalityRecord]
        let total: Int
    }

    /// Localities whose name, or a word of it, begins with the query; an exact name first, then the
    /// names that begin with it, each group by population.
    static func search(on db: any Database, text: String, voivodeship: Voivodeship?, limit: Int) async throws -> Result {
        let needle = normalise(text)
        guard !needle.isEmpty else { return Result(localities: [], total: 0) }
        let query = LocalityRecord.query(on: db).group(.or) { group in
            group.filter(\.$nameFolded =~ needle)
            group.filter(\.$nameFolded ~~ " \(needle)")
            group.filter(\.$nameFolded ~~ "-\(needle)")
        }
        if let voivodeship {
            query.filter(\.$voivodeshipCode == voivodeship.terytCode)
        }
        let total = try await query.copy().count()
        let candidates = try await query.sort(\.$population, .descending).limit(max(limit * 4, 50)).all()
        func rank(_ locality: LocalityRecord) -> Int {
            if locality.nameFolded == needle { return 0 }
            if locality.nameFolded.hasPrefix(needle) { return 1 }
            return 2
        }
        let ordered = candidates.enumerated().sorted { lhs, rhs in
            let (l, r) = (rank(lhs.element), rank(rhs.element))
            return l != r ? l < r : lhs.offset < rhs.offset
        }.map(\.element)
        return Result(localities: Array(ordered.prefix(limit)), total: total)
    }

    /// The locality a search is about: the largest one named exactly so (one indexed look-up), else the
    /// first the locality picker would suggest; nil when the name matches none.
    static func place(named text: String, voivodeship: Voivodeship?, on db: any Database) async throws -> LocalityRecord? {
        let needle = normalise(text)
        guard !needle.isEmpty else { return nil }
        let exact = LocalityRecord.query(on: db).filter(\.$nameFolded == needle)
        if let voivodeship { exact.filter(\.$voivodeshipCode == voivodeship.terytCode) }
        if let found = try await exact.sort(\.$population, .descending).first() { return found }
        let found = try await search(on: db, text: text, voivodeship: voivodeship, limit: 1).localities.first
        return found.flatMap { normalise($0.name).hasPrefix(needle) ? $0 : nil }
    }

    /// Where a search is about: `place(named:)`'s answer, remembered — the list of localities does not change
    /// while the application runs, and searches name the same few places again and again.
    struct Position: Sendable {
        let name: String
        let latitude: Double
        let longitude: Double
    }

    static func position(named text: String, voivodeship: Voivodeship?, on db: any Database) async throws -> Position? {
        let key = normalise(text) + "|" + (voivodeship?.terytCode ?? "")
        if let known = positions.withLock({ $0[key] }) { return known }
        guard let locality = try await place(named: text, voivodeship: voivodeship, on: db) else { return nil }
        let position = Position(name: locality.name, latitude: locality.latitude, longitude: locality.longitude)
        positions.withLock { known in
            if known.count >= 10_000 { known.removeAll(keepingCapacity: true) }
            known[key] = position
        }
        return position
    }

    private static let positions = Mutex<[String: Position]>([:])

    /// The names of localities by id, for lists that show where things are; remembered, as the list of
    /// localities does not change while the application runs.
    static func names(of ids: [Int], on db: any Database) async throws -> [Int: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        var found: [Int: String] = [:]
        var missing: [Int] = []
        names.withLock { names in
            for id in unique { if let name = names[id] { found[id] = name } else { missing.append(id) } }
        }
        if !missing.isEmpty, let sql = db as? any SQLDatabase {
            var loaded: [Int: String] = [:]
            for row in try await sql.raw("SELECT id, name FROM \(unsafeRaw: LocalityRecord.schema) WHERE id IN (" + DistanceSQL.list(missing) + ")").all() {
                loaded[try row.decode(column: "id", as: Int.self)] = try row.decode(column: "name", as: String.self)
            }
            found.merge(loaded) { first, _ in first }
            names.withLock { names in
                if names.count + loaded.count > 50_000 { names.removeAll(keepingCapacity: true) }
                names.merge(loaded) { first, _ in first }
            }
        }
        return found
    }

    private static let names = Mutex<[Int: String]>([:])
}
