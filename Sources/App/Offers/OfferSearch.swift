import Fluent
import KorpusCore
import SQLKit
import Vapor

/// A full-text index behind one interface: an FTS5 table on SQLite, a GIN index over
/// `to_tsvector('simple', search_text)` on PostgreSQL. Text is folded by `SearchTerms` before it is indexed
/// and before it is searched, so diacritics (ł included) never matter.
struct TextIndex: Sendable {
    /// The table whose `search_text` column is indexed, and the name of its SQLite FTS5 table.
    let table: String
    let ftsTable: String

    static let offers = TextIndex(table: "offers", ftsTable: "offer_fts")
    static let helpOffers = TextIndex(table: "help_offers", ftsTable: "help_offer_fts")

    static func isPostgres(_ sql: any SQLDatabase) -> Bool { sql.dialect.name == "postgresql" }

    func create(on sql: any SQLDatabase) async throws {
        if Self.isPostgres(sql) {
            try await sql.raw("CREATE INDEX \(unsafeRaw: table)_search_idx ON \(unsafeRaw: table) USING GIN (to_tsvector('simple', search_text))").run()
        } else {
            try await sql.raw("CREATE VIRTUAL TABLE \(unsafeRaw: ftsTable) USING fts5(row_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')").run()
        }
    }

    func drop(on sql: any SQLDatabase) async throws {
        if !Self.isPostgres(sql) { try await sql.raw("DROP TABLE IF EXISTS \(unsafeRaw: ftsTable)").run() }
    }

    /// Keeps the SQLite index in step with a row (PostgreSQL indexes the column itself).
    func update(id: UUID, text: String, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, !Self.isPostgres(sql) else { return }
        try await sql.raw("DELETE FROM \(unsafeRaw: ftsTable) WHERE row_id = \(bind: id)").run()
        try await sql.raw("INSERT INTO \(unsafeRaw: ftsTable) (row_id, body) VALUES (\(bind: id), \(bind: text))").run()
    }

    /// The join, condition and ranking that match rows aliased `alias` having every word beginning with one
    /// of `terms`, every word of `all`, and at least one word of `anyOf`.
    func match(_ terms: [String], all: [String] = [], anyOf: [String] = [], alias: String, on sql: any SQLDatabase)
        -> (prefix: SQLQueryString, join: SQLQueryString, condition: SQLQueryString, rank: SQLQueryString)?
    {
        guard !terms.isEmpty || !anyOf.isEmpty else { return nil }
        if Self.isPostgres(sql) {
            var parts = terms.map { "\($0):*" } + all
            if !anyOf.isEmpty { parts.append("(" + anyOf.joined(separator: " | ") + ")") }
            let query = parts.joined(separator: " & ")
            return ("", "", "to_tsvector('simple', \(unsafeRaw: alias).search_text) @@ to_tsquery('simple', \(bind: query))",
                    "ts_rank(to_tsvector('simple', \(unsafeRaw: alias).search_text), to_tsquery('simple', \(bind: query))) DESC")
        }
        var parts = terms.map { "\"\($0)\"*" } + all.map { "\"\($0)\"" }
        if !anyOf.isEmpty { parts.append("(" + anyOf.map { "\"\($0)\"" }.joined(separator: " OR ") + ")") }
        let expression = parts.joined(separator: " AND ")
        // The matches are gathered first, with their rank, so the rest of the query (a window count
        // among it) works on a plain table.
        return ("WITH fts AS MATERIALIZED (SELECT row_id, bm25(\(unsafeRaw: ftsTable)) AS rank FROM \(unsafeRaw: ftsTable) WHERE \(unsafeRaw: ftsTable) MATCH \(bind: expression)) ",
                " JOIN fts ON fts.row_id = \(unsafeRaw: alias).id", "1 = 1", "fts.rank")
    }
}

/// Distance conditions shared by the searches: an equirectangular distance in kilometres, squared — plain
/// arithmetic that both databases compute, accurate to well under 1% at Poland's size — inside a bounding
/// box that the position index narrows first.
enum DistanceSQL {
    static let kilometresPerDegree = 111.32

    static func squared(alias: String, latitude: Double, longitude: Double) -> SQLQueryString {
        let lonScale = kilometresPerDegree * cos(latitude * .pi / 180)
        let dLat: SQLQueryString = "((\(unsafeRaw: alias).latitude - \(literal: latitude)) * \(literal: kilometresPerDegree))"
        let dLon: SQLQueryString = "((\(unsafeRaw: alias).longitude - \(literal: longitude)) * \(literal: lonScale))"
        return dLat + " * " + dLat + " + " + dLon + " * " + dLon
    }

    /// Degrees of latitude and of longitude that `kilometres` span at `latitude`: the half-sides of a box.
    static func box(latitude: Double, kilometres: Double) -> (latitude: Double, longitude: Double) {
        (kilometres / kilometresPerDegree, kilometres / (kilometresPerDegree * cos(latitude * .pi / 180)))
    }

    static func within(alias: String, latitude: Double, longitude: Double, kilometres: Double) -> SQLQueryString {
        let (dLat, dLon) = box(latitude: latitude, kilometres: kilometres)
        return "(\(unsafeRaw: alias).latitude BETWEEN \(literal: latitude - dLat) AND \(literal: latitude + dLat) AND \(unsafeRaw: alias).longitude BETWEEN \(literal: longitude - dLon) AND \(literal: longitude + dLon) AND "
            + squared(alias: alias, latitude: latitude, longitude: longitude) + " <= \(literal: kilometres * kilometres))"
    }

    /// The values bound one by one and separated by commas, for an `IN (…)` list.
    static func list<Value: Encodable & Sendable>(_ values: [Value]) -> SQLQueryString {
        var list = SQLQueryString("")
        for (index, value) in values.enumerated() {
            if index > 0 { list += ", " }
            list += "\(bind: value)"
        }
        return list
    }

    /// `conditions` joined with AND, as a WHERE clause.
    static func whereClause(_ conditions: [SQLQueryString]) -> SQLQueryString {
        var clause: SQLQueryString = conditions.isEmpty ? "" : " WHERE "
        for (index, condition) in conditions.enumerated() {
            if index > 0 { clause += " AND " }
            clause += condition
        }
        return clause
    }
}

/// What a person searches offers for; every field comes from the URL, so a search can be shared.
struct OfferFilter: Sendable {
    enum Sort: String, CaseIterable, Sendable {
        case relevance, newest, nearest, deadline
        /// By how well each offer fits the signed-in volunteer (the matching service), best first.
        case fit
    }

    var text = ""
    var area: OfferArea?
    var voivodeship: Voivodeship?
    var near: (latitude: Double, longitude: Double, name: String)?
    var distanceKilometres: Double = 25
    var remoteOnly = false
    var forMinors = false
    var accessibleOnly = false
    var from: String?
    var to: String?
    var sort: Sort = .relevance
    var page = 1

    static let pageSize = 20
    static let maximumPage = 500
    static let maximumDistance = 500.0
    static let maximumTextLength = 200

    /// Reads the filter from the query string, with the parameter names of the page (Polish) or the API.
    static func parse(_ req: Request, api: Bool) async throws -> OfferFilter {
        let parameters = req.queryValues()
        func value(_ page: String, _ apiName: String) -> String {
            (parameters[api ? apiName : page] ?? "").trimmingCharacters(in: .whitespaces)
        }
        func flag(_ page: String, _ apiName: String) -> Bool { ["on", "true", "1", "tak"].contains(value(page, apiName)) }
        var filter = OfferFilter()
        filter.text = value("q", "q")
        guard filter.text.count <= maximumTextLength else {
            throw LocalizedAbort(.badRequest, key: "offers.error.text_long", ["max": String(maximumTextLength)])
        }
        let area = value("obszar", "area")
        if !area.isEmpty {
            guard let parsed = OfferArea(rawValue: area) else { throw LocalizedAbort(.badRequest, key: "offers.error.area") }
            filter.area = parsed
        }
        let code = value("wojewodztwo", "voivodeship")
        if !code.isEmpty {
            guard let parsed = Voivodeship(terytCode: code) else { throw LocalizedAbort(.badRequest, key: "localities.error.unknown_voivodeship") }
            filter.voivodeship = parsed
        }
        let distance = value("odleglosc", "distance")
        if !distance.isEmpty {
            guard let km = Double(distance.replacingOccurrences(of: ",", with: ".")), km >= 1, km <= maximumDistance else {
                throw LocalizedAbort(.badRequest, key: "offers.error.distance", ["max": String(Int(maximumDistance))])
            }
            filter.distanceKilometres = km
        }
        let place = value("miejscowosc", "locality")
        if !place.isEmpty {
            guard place.count <= LocalityQuery.maxQueryLength else {
                throw LocalizedAbort(.badRequest, key: "localities.error.too_long", ["max": String(LocalityQuery.maxQueryLength)])
            }
            guard let locality = try await LocalityQuery.position(named: place, voivodeship: filter.voivodeship, on: req.db) else {
                throw LocalizedAbort(.badRequest, key: "account.error.locality_unknown")
            }
            filter.near = (locality.latitude, locality.longitude, locality.name)
        }
        filter.remoteOnly = flag("zdalnie", "remote")
        filter.forMinors = flag("dla_nieletnich", "minors")
        filter.accessibleOnly = flag("dostepne", "accessible")
        for (page, apiName, keyPath) in [("od", "from", \OfferFilter.from), ("do", "to", \OfferFilter.to)] {
            let day = value(page, apiName)
            guard !day.isEmpty else { continue }
            guard Age.parseDay(day) != nil else { throw LocalizedAbort(.badRequest, key: "account.error.date_invalid") }
            filter[keyPath: keyPath] = day
        }
        let sort = value("sortuj", "sort")
        if !sort.isEmpty {
            guard let parsed = Sort(rawValue: sort), !(api && parsed == .fit) else { throw LocalizedAbort(.badRequest, key: "offers.error.sort") }
            filter.sort = parsed
        }
        if filter.sort == .nearest && filter.near == nil { throw LocalizedAbort(.badRequest, key: "offers.error.nearest") }
        let page = value("strona", "page")
        if !page.isEmpty {
            guard let number = Int(page), number >= 1, number <= maximumPage else {
                throw LocalizedAbort(.badRequest, key: "offers.error.page", ["max": String(maximumPage)])
            }
            filter.page = number
        }
        return filter
    }
}

/// What a list of offers shows of each, read in one query without building the full models.
struct OfferSummary: Decodable, Sendable {
    let id: UUID
    let title: String
    let description: String
    let area: String
    let skills: String
    let schedule: String
    let startsOn: String?
    let endsOn: String?
    let weeklySlots: String
    let hoursPerWeek: Int
    let localityName: String?
    let voivodeshipCode: String?
    let latitude: Double?
    let longitude: Double?
    let remote: Bool
    let volunteersNeeded: Int
    let minimumAge: Int
    let minorsWelcome: Bool
    let involvesChildren: Bool
    let accessible: Bool
    let recruitmentDeadline: String?
    let status: String
    let hiddenReason: String?
    let organisationId: UUID
    let organisationName: String
    let organisationStatus: String

    /// The columns by name, spelled out: converting key names on every row costs more than reading it.
    enum CodingKeys: String, CodingKey {
        case id, title, description, area, skills, schedule, status, remote, accessible, latitude, longitude
        case startsOn = "starts_on", endsOn = "ends_on", weeklySlots = "weekly_slots", hoursPerWeek = "hours_per_week"
        case localityName = "locality_name", voivodeshipCode = "voivodeship_code", volunteersNeeded = "volunteers_needed"
        case minimumAge = "minimum_age", minorsWelcome = "minors_welcome", involvesChildren = "involves_children"
        case recruitmentDeadline = "recruitment_deadline", hiddenReason = "hidden_reason", organisationId = "organisation_id"
        case organisationName = "organisation_name", organisationStatus = "organisation_status"
    }

    var skillList: [String] {
        CommaList.items(skills)
    }

    /// The offers with these ids, in the order of `ids`.
    static func load(_ ids: [UUID], on db: any Database) async throws -> [OfferSummary] {
        guard let sql = db as? any SQLDatabase, !ids.isEmpty else { return [] }
        let list = DistanceSQL.list(ids)
        let rows = try await sql.raw("""
            SELECT o.id, o.title, o.description, o.area, o.skills, o.schedule, o.starts_on, o.ends_on, o.weekly_slots, o.hours_per_week,
            l.name AS locality_name, o.voivodeship_code, o.latitude, o.longitude, o.remote, o.volunteers_needed, o.minimum_age,
            o.minors_welcome, o.involves_children, o.accessible, o.recruitment_deadline, o.status, o.hidden_reason,
            o.organisation_id, g.name AS organisation_name, g.status AS organisation_status
            FROM offers o JOIN organisations g ON g.id = o.organisation_id LEFT JOIN localities l ON l.id = o.locality_id
            WHERE o.id IN (
            """ + list + ")").all()
        let byID = Dictionary(try rows.map { try $0.decode(model: OfferSummary.self) }.map { ($0.id, $0) },
                              uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byID[$0] }
    }
}

/// Searching published offers, on SQLite and PostgreSQL alike.
enum OfferSearch {
    struct Result {
        let offers: [OfferSummary]
        let total: Int
        /// Distance from the searched place, by offer, when a place was given.
        let distances: [UUID: Double]
        /// What is remembered of the offers found in memory (the API's JSON, the page's card), by offer.
        var remembered: [UUID: OfferSummaries.Entry] = [:]
    }

    /// How many offers, by relevance, the matching service orders when sorting by fit.
    static let fitCandidates = 1_000

    /// The page of offers the filter finds: from the in-memory index when there is one (`memory`), from the
    /// database's full-text index otherwise — the same conditions and orders either way.
    static func search(_ filter: OfferFilter, fitting volunteer: VolunteerFacts? = nil, memory: MemoryIndexes,
                       on db: any Database) async throws -> Result {
        guard let sql = db as? any SQLDatabase else { return Result(offers: [], total: 0, distances: [:]) }
        // Sorting by fit reads the first candidates by relevance and lets the matching service order them.
        let fit = filter.sort == .fit
        if fit && volunteer == nil { throw LocalizedAbort(.unauthorized, key: "offers.error.fit") }
        let offset = fit ? 0 : (filter.page - 1) * OfferFilter.pageSize
        let limit = fit ? fitCandidates : OfferFilter.pageSize
        var ids: [UUID]
        let total: Int
        var facts: [(id: UUID, facts: OfferFacts)] = []
        var finder: OfferFinder?
        if let offers = memory.offers {
            let found = try await offers.current(on: db)
            finder = found
            var query = OfferFinder.Query()
            query.terms = SearchTerms.terms(filter.text)
            query.area = filter.area
            query.voivodeshipCode = filter.voivodeship?.terytCode
            query.near = filter.near.map { ($0.latitude, $0.longitude, filter.distanceKilometres) }
            query.remoteOnly = filter.remoteOnly
            query.forMinors = filter.forMinors
            query.accessibleOnly = filter.accessibleOnly
            query.from = filter.from
            query.to = filter.to
            switch filter.sort {
            case .relevance, .fit: query.sort = .relevance
            case .newest: query.sort = .newest
            case .nearest: query.sort = .nearest
            case .deadline: query.sort = .deadline
            }
            query.offset = offset
            query.limit = limit
            let page = found.find(query)
            ids = page.ids
            total = page.total
            if fit { facts = found.facts(of: ids, today: OfferDates.today()) }
        } else {
            (ids, total) = try await databaseSearch(filter, offset: offset, limit: limit, on: sql)
            if fit, !ids.isEmpty {
                facts = try await Recommendations.offerFacts(where: "s.offer_id IN (" + DistanceSQL.list(ids) + ")", limit: ids.count, on: sql)
            }
        }
        if fit, let volunteer {
            ids = byFit(ids, facts: facts, for: volunteer)
            let start = min((filter.page - 1) * OfferFilter.pageSize, ids.count)
            ids = Array(ids[start..<min(start + OfferFilter.pageSize, ids.count)])
        }
        var offers: [OfferSummary]
        var remembered: [UUID: OfferSummaries.Entry] = [:]
        if let finder, let summaries = memory.summaries {
            let entries = try await summaries.entries(ids, finder: finder, on: db)
            offers = entries.map(\.summary)
            for entry in entries { remembered[entry.summary.id] = entry }
        } else {
            offers = try await OfferSummary.load(ids, on: db)
        }
        var distances: [UUID: Double] = [:]
        if let near = filter.near {
            for offer in offers {
                if let latitude = offer.latitude, let longitude = offer.longitude {
                    distances[offer.id] = GeoDistance.kilometres(fromLatitude: near.latitude, longitude: near.longitude, toLatitude: latitude, longitude: longitude)
                }
            }
        }
        return Result(offers: offers, total: total, distances: distances, remembered: remembered)
    }

    /// The ids of the offers from `offset` on (at most `limit`) that the database's full-text index finds,
    /// and how many there are.
    static func databaseSearch(_ filter: OfferFilter, offset: Int, limit: Int, on sql: any SQLDatabase) async throws -> (ids: [UUID], total: Int) {
        var prefix: SQLQueryString = ""
        var from: SQLQueryString = "FROM \(unsafeRaw: OfferIndex.table) s"
        var conditions: [SQLQueryString] = []
        var rank: SQLQueryString?
        // The index joins each stem with the voivodeship and the grid cell of the offer, so words and place
        // are looked up together; the cells around a place cover remote offers too ("zdalnie").
        let terms = SearchTerms.terms(filter.text)
        let cells = filter.near.flatMap { PlaceWords.cells(aroundLatitude: $0.latitude, longitude: $0.longitude, kilometres: filter.distanceKilometres) }
        var places = cells.map { $0 + [PlaceWords.remote] } ?? []
        if places.isEmpty, !terms.isEmpty, filter.near == nil, let voivodeship = filter.voivodeship {
            places = [PlaceWords.voivodeship(voivodeship.terytCode)]
        }
        if let match = OfferIndex.match(terms: terms, places: places, on: sql) {
            prefix = match.prefix
            from += match.join
            conditions.append(match.condition)
            rank = match.rank
        }
        if let area = filter.area { conditions.append("s.area = \(bind: area.rawValue)") }
        if let voivodeship = filter.voivodeship { conditions.append("s.voivodeship_code = \(bind: voivodeship.terytCode)") }
        if filter.remoteOnly { conditions.append("s.remote = \(bind: true)") }
        if filter.forMinors { conditions.append("s.minors_welcome = \(bind: true)") }
        if filter.accessibleOnly { conditions.append("s.accessible = \(bind: true)") }
        if let from = filter.from { conditions.append("(s.ends_on IS NULL OR s.ends_on >= \(bind: from))") }
        if let to = filter.to { conditions.append("(s.starts_on IS NULL OR s.starts_on <= \(bind: to))") }
        var distance: SQLQueryString?
        if let near = filter.near {
            let box = DistanceSQL.within(alias: "s", latitude: near.latitude, longitude: near.longitude, kilometres: filter.distanceKilometres)
            conditions.append(filter.remoteOnly ? box : "(" + box + " OR s.remote = \(bind: true))")
            distance = DistanceSQL.squared(alias: "s", latitude: near.latitude, longitude: near.longitude)
        }
        let whereClause = DistanceSQL.whereClause(conditions)
        var order: SQLQueryString
        switch filter.sort {
        case .relevance: order = rank.map { $0 + ", s.published_at DESC" } ?? "s.published_at DESC"
        case .newest: order = "s.published_at DESC"
        case .nearest: order = (distance ?? "s.published_at") + " ASC"
        case .deadline: order = "s.recruitment_deadline IS NULL, s.recruitment_deadline ASC"
        case .fit: order = rank.map { $0 + ", s.published_at DESC" } ?? "s.published_at DESC"
        }
        // One query gives the page and, through a window, the total; a separate count only past the last page.
        let rows = try await sql.raw(
            prefix + "SELECT s.offer_id AS id, COUNT(*) OVER () AS total " + from + whereClause + " ORDER BY " + order
                + ", s.key LIMIT \(literal: limit) OFFSET \(literal: offset)"
        ).all()
        var total = try rows.first?.decode(column: "total", as: Int.self) ?? 0
        if rows.isEmpty && filter.page > 1 {
            total = try await sql.raw(prefix + "SELECT COUNT(*) AS n " + from + whereClause).first()?.decode(column: "n", as: Int.self) ?? 0
        }
        return (try rows.map { try $0.decode(column: "id", as: UUID.self) }, total)
    }

    /// `ids` (in order of relevance) ordered by how well each offer fits the volunteer; offers a hard
    /// condition leaves out come last, still in order of relevance.
    static func byFit(_ ids: [UUID], facts: [(id: UUID, facts: OfferFacts)], for volunteer: VolunteerFacts) -> [UUID] {
        var scores: [UUID: Double] = [:]
        for (id, offer) in facts {
            if case .success(let match) = OfferMatcher.match(volunteer, offer, withReasons: false) { scores[id] = match.score }
        }
        let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        return ids.sorted { lhs, rhs in
            switch (scores[lhs], scores[rhs]) {
            case let (l?, r?) where l != r: return l > r
            case (.some, nil): return true
            case (nil, .some): return false
            default: return position[lhs]! < position[rhs]!
            }
        }
    }
}
