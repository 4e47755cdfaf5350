import Fluent
import SQLKit

/// Indexes that let the matching service pick its candidates from the index alone: offers and offers of
/// help within a box around a place (or remote), newest first, without reading a table row for each one
/// in the box — only the few hundred picked are read.
struct CreateMatchingIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "offer_search_match_idx").on(OfferIndex.table)
            .column("latitude").column("longitude").column("remote").column("published_at").run()
        try await sql.create(index: "help_offers_match_idx").on(HelpOffer.schema)
            .column("latitude").column("longitude").column("remote").column("active").column("updated_at").run()
        try await sql.create(index: "help_offers_remote_idx").on(HelpOffer.schema).column("remote").column("active").column("updated_at").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "help_offers_remote_idx").run()
        try await sql.drop(index: "help_offers_match_idx").run()
        try await sql.drop(index: "offer_search_match_idx").run()
    }
}
