import Fluent
import KorpusCore
import SQLKit
import Vapor

/// The search index of offers: one narrow row per offer that anybody can find (published, not hidden, of
/// a verified organisation),
/// with the columns the search filters and sorts on, and its words — on SQLite in a contentless FTS5
/// table keyed by the row's integer key, on PostgreSQL in a `tsvector` column under a GIN index. The
/// search never touches the wide `offers` rows until it has the twenty it shows.
///
/// Every save of an `Offer` model refreshes its entry (`Middleware`); code that writes offers in bulk
/// calls `refresh` itself.
enum OfferIndex {
    static let table = "offer_search"
    static let wordsTable = "offer_search_words"
    /// The columns copied from `offers`, in the order of `offers`.
    static let columns = ["area", "voivodeship_code", "latitude", "longitude", "remote", "minors_welcome", "accessible",
                          "starts_on", "ends_on", "recruitment_deadline", "published_at"]

    static func isPostgres(_ sql: any SQLDatabase) -> Bool { sql.dialect.name == "postgresql" }

    /// Puts the offers with these ids and search texts into the index if they can be found, takes them
    /// out otherwise.
    static func refresh(_ entries: [(id: UUID, text: String)], on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        ChangeLog.noteLocalWrite()
        let postgres = isPostgres(sql)
        // A statement holds at most 32,766 bound values on SQLite; two per entry.
        for start in stride(from: 0, to: entries.count, by: 5_000) {
            let batch = entries[start..<min(start + 5_000, entries.count)]
            try await remove(batch.map(\.id), on: sql)
            var values = SQLQueryString("")
            for (index, entry) in batch.enumerated() {
                if index > 0 { values += ", " }
                values += "(\(bind: entry.id), \(bind: PlaceWords.indexed(entry.text)))"
            }
            let copied = columns.map { "o." + $0 }.joined(separator: ", ")
            let cte: SQLQueryString = "WITH b(offer_id, body) AS (VALUES " + values + ") "
            try await sql.raw(
                cte + "INSERT INTO \(unsafeRaw: table) (offer_id, \(unsafeRaw: columns.joined(separator: ", "))\(unsafeRaw: postgres ? ", words" : "")) "
                    + "SELECT o.id, \(unsafeRaw: copied)\(unsafeRaw: postgres ? ", to_tsvector('simple', CAST(b.body AS text))" : "")"
                    // CROSS JOIN keeps SQLite reading the list first and looking the offers up by key.
                    + " FROM b CROSS JOIN offers o CROSS JOIN organisations g WHERE o.id = b.offer_id AND g.id = o.organisation_id"
                    + " AND o.status = \(bind: Offer.Status.published.rawValue) AND o.hidden_reason IS NULL AND g.status = \(bind: Organisation.Status.verified.rawValue)"
            ).run()
            if !postgres {
                try await sql.raw(
                    cte + "INSERT INTO \(unsafeRaw: wordsTable) (rowid, body) SELECT s.key, b.body FROM b CROSS JOIN \(unsafeRaw: table) s WHERE s.offer_id = b.offer_id"
                ).run()
            }
        }
    }

    /// After a bulk refresh: merges the FTS5 index into one segment, so each word is one seek (SQLite).
    static func optimize(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, !isPostgres(sql) else { return }
        try await sql.raw("INSERT INTO \(unsafeRaw: wordsTable) (\(unsafeRaw: wordsTable)) VALUES ('optimize')").run()
    }

    /// Refreshes the offers of an organisation, whose offers are found only while it is verified.
    static func refresh(organisation id: UUID, on db: any Database) async throws {
        let offers = try await Offer.query(on: db).filter(\.$organisation.$id == id).field(\.$id).field(\.$searchText).all()
        try await refresh(try offers.map { (try $0.requireID(), $0.searchText) }, on: db)
    }

    /// Takes the offers with these ids out of the index.
    static func remove(_ ids: [UUID], on sql: any SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        ChangeLog.noteLocalWrite()
        let list = DistanceSQL.list(ids)
        if !isPostgres(sql) {
            try await sql.raw("DELETE FROM \(unsafeRaw: wordsTable) WHERE rowid IN (SELECT key FROM \(unsafeRaw: table) WHERE offer_id IN (" + list + "))").run()
        }
        try await sql.raw("DELETE FROM \(unsafeRaw: table) WHERE offer_id IN (" + list + ")").run()
    }

    /// Refreshes the entry of every offer saved through Fluent.
    struct Middleware: AsyncModelMiddleware {
        func create(model: Offer, on db: any Database, next: any AnyAsyncModelResponder) async throws {
            try await next.create(model, on: db)
            try await OfferIndex.refresh([(try model.requireID(), model.searchText)], on: db)
        }

        func update(model: Offer, on db: any Database, next: any AnyAsyncModelResponder) async throws {
            try await next.update(model, on: db)
            try await OfferIndex.refresh([(try model.requireID(), model.searchText)], on: db)
        }

        func delete(model: Offer, force: Bool, on db: any Database, next: any AnyAsyncModelResponder) async throws {
            if let sql = db as? any SQLDatabase { try await OfferIndex.remove([try model.requireID()], on: sql) }
            try await next.delete(model, force: force, on: db)
        }
    }

    /// The match of `terms` (stems, each a prefix of a word) among the indexed offers, narrowed to the
    /// offers tagged with one of `places` when there are places: the terms are then looked up as prefixes
    /// of the compounds of place and word. Without terms, the offers tagged with one of `places`.
    /// Returns the join (SQLite) or the condition (PostgreSQL) and the ranking, for rows aliased `s`.
    static func match(terms: [String], places: [String], on sql: any SQLDatabase)
        -> (prefix: SQLQueryString, join: SQLQueryString, condition: SQLQueryString, rank: SQLQueryString?)?
    {
        guard !terms.isEmpty || !places.isEmpty else { return nil }
        let postgres = isPostgres(sql)
        var groups: [String]
        if terms.isEmpty {
            groups = [places.map { postgres ? $0 : "\"\($0)\"" }.joined(separator: postgres ? " | " : " OR ")]
        } else if places.isEmpty {
            groups = terms.map { postgres ? "\($0):*" : "\"\($0)\"*" }
        } else {
            groups = terms.map { term in
                places.map { postgres ? PlaceWords.compound($0, term) + ":*" : "\"\(PlaceWords.compound($0, term))\"*" }
                    .joined(separator: postgres ? " | " : " OR ")
            }
        }
        let expression = groups.map { "(\($0))" }.joined(separator: postgres ? " & " : " AND ")
        if postgres {
            return ("", "", "s.words @@ to_tsquery('simple', \(bind: expression))",
                    terms.isEmpty ? nil : "ts_rank(s.words, to_tsquery('simple', \(bind: expression))) DESC")
        }
        return ("WITH m AS MATERIALIZED (SELECT rowid AS key" + (terms.isEmpty ? "" : ", bm25(\(unsafeRaw: wordsTable)) AS rank")
                    + " FROM \(unsafeRaw: wordsTable) WHERE \(unsafeRaw: wordsTable) MATCH \(bind: expression)) ",
                " JOIN m ON m.key = s.key", "1 = 1", terms.isEmpty ? nil : "m.rank")
    }
}

/// Creates the search index of offers, fills it from the offers there are, and drops the first index
/// (an FTS5 table keyed by UUID on SQLite, a GIN index over the wide rows on PostgreSQL).
struct CreateOfferIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let postgres = OfferIndex.isPostgres(sql)
        let published = postgres ? "TIMESTAMPTZ" : "REAL"
        try await sql.raw("""
            CREATE TABLE \(unsafeRaw: OfferIndex.table) (
                key \(unsafeRaw: postgres ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY"),
                offer_id UUID NOT NULL UNIQUE REFERENCES offers (id) ON DELETE CASCADE,
                area TEXT NOT NULL, voivodeship_code TEXT, latitude DOUBLE PRECISION, longitude DOUBLE PRECISION,
                remote BOOLEAN NOT NULL, minors_welcome BOOLEAN NOT NULL, accessible BOOLEAN NOT NULL,
                starts_on TEXT, ends_on TEXT, recruitment_deadline TEXT, published_at \(unsafeRaw: published)
                \(unsafeRaw: postgres ? ", words TSVECTOR NOT NULL" : ""))
            """).run()
        try await sql.create(index: "offer_search_published_idx").on(OfferIndex.table).column("published_at").run()
        try await sql.create(index: "offer_search_place_idx").on(OfferIndex.table).column("voivodeship_code").column("published_at").run()
        try await sql.create(index: "offer_search_position_idx").on(OfferIndex.table).column("latitude").column("longitude").run()
        try await sql.create(index: "offer_search_remote_idx").on(OfferIndex.table).column("remote").column("published_at").run()
        if postgres {
            try await sql.raw("CREATE INDEX offer_search_words_idx ON \(unsafeRaw: OfferIndex.table) USING GIN (words)").run()
            try await sql.raw("DROP INDEX IF EXISTS offers_search_idx").run()
        } else {
            try await sql.raw("CREATE VIRTUAL TABLE \(unsafeRaw: OfferIndex.wordsTable) USING fts5(body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2')").run()
            try await TextIndex.offers.drop(on: sql)
        }
        let rows = try await sql.raw("SELECT id, search_text FROM offers WHERE status = \(bind: Offer.Status.published.rawValue)").all()
        let entries = try rows.map { (id: try $0.decode(column: "id", as: UUID.self), text: try $0.decode(column: "search_text", as: String.self)) }
        try await OfferIndex.refresh(entries, on: database)
        try await OfferIndex.optimize(on: database)
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if OfferIndex.isPostgres(sql) {
            try await TextIndex.offers.create(on: sql)
        } else {
            try await sql.raw("DROP TABLE IF EXISTS \(unsafeRaw: OfferIndex.wordsTable)").run()
            try await TextIndex.offers.create(on: sql)
            try await sql.raw("INSERT INTO \(unsafeRaw: TextIndex.offers.ftsTable) (row_id, body) SELECT id, search_text FROM offers").run()
        }
        try await sql.raw("DROP TABLE \(unsafeRaw: OfferIndex.table)").run()
    }
}
