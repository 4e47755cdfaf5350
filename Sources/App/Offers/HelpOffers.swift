import Fluent
import KorpusCore
import SQLKit
import Vapor

/// A volunteer's offer of help (oferta pomocy): what they can do, in which areas, when and where.
/// Coordinators of verified organisations see it with the first name and locality only, until the
/// volunteer applies to or accepts an invitation from one of their organisation's offers.
final class HelpOffer: Model, @unchecked Sendable {
    static let schema = "help_offers"

    @ID(key: .id) var id: UUID?
    @Parent(key: "volunteer_id") var volunteer: User
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "description") var description: String
    @Field(key: "skills") var skills: String
    @Field(key: "areas") var areas: String
    @Field(key: "weekly_slots") var weeklySlots: String
    @OptionalField(key: "locality_id") var localityID: Int?
    @OptionalField(key: "voivodeship_code") var voivodeshipCode: String?
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?
    @Field(key: "distance_km") var distanceKilometres: Int
    @Field(key: "remote") var remote: Bool
    @Field(key: "active") var active: Bool
    @Field(key: "search_text") var searchText: String
    /// Languages the volunteer speaks, comma-separated as typed ("polski, ukraiński").
    @Field(key: "languages") var languages: String
    /// Whether the volunteer will show a record check, which work with children needs.
    @Field(key: "record_check") var recordCheck: Bool
    @Field(key: "needs_accessibility") var needsAccessibility: Bool

    init() {}

    var skillList: [String] { CommaList.items(skills) }

    var areaList: [OfferArea] { areas.split(separator: ",").compactMap { OfferArea(rawValue: String($0)) } }
}

/// A coordinator's invitation of a volunteer, found through their offer of help, to one offer.
final class OfferInvitation: Model, @unchecked Sendable {
    static let schema = "offer_invitations"

    enum Status: String, Codable {
        case pending, accepted, declined
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "offer_id") var offer: Offer
    @Parent(key: "volunteer_id") var volunteer: User
    @Field(key: "invited_by") var invitedBy: UUID
    @Field(key: "message") var message: String
    @Field(key: "status") var status: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

struct CreateHelpOffers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(HelpOffer.schema)
            .id()
            .field("volunteer_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("updated_at", .datetime, .required)
            .field("description", .sql(.text), .required)
            .field("skills", .string, .required)
            .field("areas", .string, .required)
            .field("weekly_slots", .string, .required)
            .field("locality_id", .int)
            .field("voivodeship_code", .string)
            .field("latitude", .double)
            .field("longitude", .double)
            .field("distance_km", .int, .required)
            .field("remote", .bool, .required)
            .field("active", .bool, .required)
            .field("search_text", .sql(.text), .required)
            .unique(on: "volunteer_id")
            .create()
        try await database.schema(OfferInvitation.schema)
            .id()
            .field("offer_id", .uuid, .required, .references(Offer.schema, "id", onDelete: .cascade))
            .field("volunteer_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("invited_by", .uuid, .required)
            .field("message", .sql(.text), .required)
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "help_offers_position_idx").on(HelpOffer.schema).column("latitude").column("longitude").run()
        try await sql.create(index: "offer_invitations_volunteer_idx").on(OfferInvitation.schema).column("volunteer_id").run()
        try await TextIndex.helpOffers.create(on: sql)
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await TextIndex.helpOffers.drop(on: sql) }
        try await database.schema(OfferInvitation.schema).delete()
        try await database.schema(HelpOffer.schema).delete()
    }
}

/// What the matching service needs of an offer of help: languages, the record check, accessibility.
struct UpdateHelpOffersForMatching: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(HelpOffer.schema).field("languages", .string, .required, .sql(.default(""))).update()
        try await database.schema(HelpOffer.schema).field("record_check", .bool, .required, .sql(.default(false))).update()
        try await database.schema(HelpOffer.schema).field("needs_accessibility", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(HelpOffer.schema).deleteField("needs_accessibility").update()
        try await database.schema(HelpOffer.schema).deleteField("record_check").update()
        try await database.schema(HelpOffer.schema).deleteField("languages").update()
    }
}

/// Finding offers of help, for coordinators.
enum HelpOfferSearch {
    struct Result {
        let helpOffers: [HelpOffer]
        let total: Int
    }

    static func search(_ filter: OfferFilter, on db: any Database) async throws -> Result {
        guard let sql = db as? any SQLDatabase else { return Result(helpOffers: [], total: 0) }
        var prefix: SQLQueryString = ""
        var from: SQLQueryString = "FROM help_offers h"
        var conditions: [SQLQueryString] = ["h.active = \(bind: true)"]
        var order: SQLQueryString = "h.updated_at DESC"
        let terms = SearchTerms.terms(filter.text)
        let cells = filter.near.flatMap { PlaceWords.cells(aroundLatitude: $0.latitude, longitude: $0.longitude, kilometres: filter.distanceKilometres) }
        let regionWords = filter.voivodeship.map { [PlaceWords.voivodeship($0.terytCode)] } ?? []
        if let match = TextIndex.helpOffers.match(terms, all: terms.isEmpty && cells == nil ? [] : regionWords,
                                                  anyOf: cells.map { $0 + [PlaceWords.remote] } ?? [], alias: "h", on: sql) {
            prefix = match.prefix
            from += match.join
            conditions.append(match.condition)
            order = match.rank + ", h.updated_at DESC"
        }
        if let area = filter.area { conditions.append("h.areas LIKE \(bind: "%\(area.rawValue)%")") }
        if let voivodeship = filter.voivodeship { conditions.append("h.voivodeship_code = \(bind: voivodeship.terytCode)") }
        if filter.remoteOnly { conditions.append("h.remote = \(bind: true)") }
        if let near = filter.near {
            conditions.append("(" + DistanceSQL.within(alias: "h", latitude: near.latitude, longitude: near.longitude, kilometres: filter.distanceKilometres)
                + " OR h.remote = \(bind: true))")
            if filter.sort == .nearest { order = DistanceSQL.squared(alias: "h", latitude: near.latitude, longitude: near.longitude) + " ASC" }
        }
        let whereClause = DistanceSQL.whereClause(conditions)
        let total = try await sql.raw(prefix + "SELECT COUNT(*) AS n " + from + whereClause).first()?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await sql.raw(prefix + "SELECT h.id AS id " + from + whereClause + " ORDER BY " + order
            + ", h.id LIMIT \(literal: OfferFilter.pageSize) OFFSET \(literal: (filter.page - 1) * OfferFilter.pageSize)").all()
        let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
        guard !ids.isEmpty else { return Result(helpOffers: [], total: total) }
        let found = try await HelpOffer.query(on: db).filter(\.$id ~~ ids).with(\.$volunteer).all()
        let byID = Dictionary(uniqueKeysWithValues: found.compactMap { offer in offer.id.map { ($0, offer) } })
        return Result(helpOffers: ids.compactMap { byID[$0] }, total: total)
    }
}
