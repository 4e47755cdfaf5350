import Fluent
import KorpusCore
import SQLKit
import Vapor

/// The full-text index of offers behind one interface: an FTS5 table on SQLite, a GIN index over
/// `to_tsvector('simple', search_text)` on PostgreSQL. Text is folded by `SearchTerms` before it is indexed
/// and before it is searched, so diacritics (ł included) never matter.
enum OfferTextIndex {
    static func isPostgres(_ sql: any SQLDatabase) -> Bool { sql.dialect.name == "postgresql" }

    static func create(on sql: any SQLDatabase) async throws {
        if isPostgres(sql) {
            try await sql.raw("CREATE INDEX offers_search_idx ON offers USING GIN (to_tsvector('simple', search_text))").run()
        } else {
            try await sql.raw("CREATE VIRTUAL TABLE offer_fts USING fts5(offer_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')").run()
        }
    }

    static func drop(on sql: any SQLDatabase) async throws {
        if !isPostgres(sql) { try await sql.raw("DROP TABLE IF EXISTS offer_fts").run() }
    }

    /// Keeps the SQLite index in step with an offer (PostgreSQL indexes the column itself).
    static func update(_ offer: Offer, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, !isPostgres(sql), let id = offer.id else { return }
        try await sql.raw("DELETE FROM offer_fts WHERE offer_id = \(bind: id)").run()
        try await sql.raw("INSERT INTO offer_fts (offer_id, body) VALUES (\(bind: id), \(bind: offer.searchText))").run()
    }
}

/// What a person searches offers for; every field comes from the URL, so a search can be shared.
struct OfferFilter: Sendable {
    enum Sort: String, CaseIterable, Sendable {
        case relevance, newest, nearest, deadline
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
        func value(_ page: String, _ apiName: String) -> String {
            ((try? req.query.get(String.self, at: api ? apiName : page)) ?? "").trimmingCharacters(in: .whitespaces)
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
            let found = try await LocalityQuery.search(on: req.db, text: place, voivodeship: filter.voivodeship, limit: 1)
            guard let locality = found.localities.first, LocalityQuery.normalise(locality.name).hasPrefix(LocalityQuery.normalise(place)) else {
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
            guard let parsed = Sort(rawValue: sort) else { throw LocalizedAbort(.badRequest, key: "offers.error.sort") }
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

/// Searching published offers, on SQLite and PostgreSQL alike.
enum OfferSearch {
    struct Result {
        let offers: [Offer]
        let total: Int
        /// Distance from the searched place, by offer, when a place was given.
        let distances: [UUID: Double]
    }

    static func search(_ filter: OfferFilter, on db: any Database) async throws -> Result {
        guard let sql = db as? any SQLDatabase else { return Result(offers: [], total: 0, distances: [:]) }
        let postgres = OfferTextIndex.isPostgres(sql)
        let terms = SearchTerms.terms(filter.text)
        var from: SQLQueryString = "FROM offers o"
        var conditions: [SQLQueryString] = ["o.status = \(bind: Offer.Status.published.rawValue)", "o.hidden_reason IS NULL"]
        var rank: SQLQueryString?
        if !terms.isEmpty {
            if postgres {
                let query = terms.map { "\($0):*" }.joined(separator: " & ")
                conditions.append("to_tsvector('simple', o.search_text) @@ to_tsquery('simple', \(bind: query))")
                rank = "ts_rank(to_tsvector('simple', o.search_text), to_tsquery('simple', \(bind: query))) DESC"
            } else {
                let match = terms.map { "\"\($0)\"*" }.joined(separator: " ")
                from += " JOIN offer_fts ON offer_fts.offer_id = o.id"
                conditions.append("offer_fts MATCH \(bind: match)")
                rank = "bm25(offer_fts)"
            }
        }
        if let area = filter.area { conditions.append("o.area = \(bind: area.rawValue)") }
        if let voivodeship = filter.voivodeship { conditions.append("o.voivodeship_code = \(bind: voivodeship.terytCode)") }
        if filter.remoteOnly { conditions.append("o.remote = \(bind: true)") }
        if filter.forMinors { conditions.append("o.minors_welcome = \(bind: true)") }
        if filter.accessibleOnly { conditions.append("o.accessible = \(bind: true)") }
        if let from = filter.from { conditions.append("(o.ends_on IS NULL OR o.ends_on >= \(bind: from))") }
        if let to = filter.to { conditions.append("(o.starts_on IS NULL OR o.starts_on <= \(bind: to))") }
        var distance: SQLQueryString?
        if let near = filter.near {
            // An equirectangular distance in kilometres, squared: plain arithmetic that both databases
            // compute, accurate to well under 1% at Poland's size.
            let kmPerDegree = 111.32
            let lonScale = kmPerDegree * cos(near.latitude * .pi / 180)
            let squared: SQLQueryString = "((o.latitude - \(literal: near.latitude)) * \(literal: kmPerDegree)) * ((o.latitude - \(literal: near.latitude)) * \(literal: kmPerDegree)) + ((o.longitude - \(literal: near.longitude)) * \(literal: lonScale)) * ((o.longitude - \(literal: near.longitude)) * \(literal: lonScale))"
            let dLat = filter.distanceKilometres / kmPerDegree
            let dLon = filter.distanceKilometres / lonScale
            let box: SQLQueryString = "(o.latitude BETWEEN \(literal: near.latitude - dLat) AND \(literal: near.latitude + dLat) AND o.longitude BETWEEN \(literal: near.longitude - dLon) AND \(literal: near.longitude + dLon) AND " + squared + " <= \(literal: filter.distanceKilometres * filter.distanceKilometres))"
            conditions.append(filter.remoteOnly ? box : "(" + box + " OR o.remote = \(bind: true))")
            distance = squared
        }
        var whereClause: SQLQueryString = " WHERE "
        for (index, condition) in conditions.enumerated() {
            if index > 0 { whereClause += " AND " }
            whereClause += condition
        }
        var order: SQLQueryString
        switch filter.sort {
        case .relevance: order = rank.map { $0 + ", o.published_at DESC" } ?? "o.published_at DESC"
        case .newest: order = "o.published_at DESC"
        case .nearest: order = (distance ?? "o.published_at") + " ASC"
        case .deadline: order = "o.recruitment_deadline IS NULL, o.recruitment_deadline ASC"
        }
        let countRow = try await sql.raw("SELECT COUNT(*) AS n " + from + whereClause).first()
        let total = try countRow?.decode(column: "n", as: Int.self) ?? 0
        let offset = (filter.page - 1) * OfferFilter.pageSize
        let rows = try await sql.raw(
            "SELECT o.id AS id " + from + whereClause + " ORDER BY " + order + ", o.id LIMIT \(literal: OfferFilter.pageSize) OFFSET \(literal: offset)"
        ).all()
        let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
        guard !ids.isEmpty else { return Result(offers: [], total: total, distances: [:]) }
        let offers = try await Offer.query(on: db).filter(\.$id ~~ ids).with(\.$organisation).all()
        let byID = Dictionary(uniqueKeysWithValues: offers.compactMap { offer in offer.id.map { ($0, offer) } })
        var distances: [UUID: Double] = [:]
        if let near = filter.near {
            for offer in offers {
                if let id = offer.id, let latitude = offer.latitude, let longitude = offer.longitude {
                    distances[id] = GeoDistance.kilometres(fromLatitude: near.latitude, longitude: near.longitude, toLatitude: latitude, longitude: longitude)
                }
            }
        }
        return Result(offers: ids.compactMap { byID[$0] }, total: total, distances: distances)
    }
}
