import Fluent
import KorpusCore
import SQLKit
import Vapor

/// Partnership needs matched the same way as offers: `PartnershipMatcher` scores organisations of the
/// region for a need, and the open needs of the region for an organisation.
enum PartnershipMatching {
    static let count = 20
    /// Organisations read to be scored for one need.
    static let candidates = 3000
    /// Needs of other voivodeships are read within this distance of an organisation (a need's own reach then decides).
    static let needReachKilometres = 150.0

    struct Partner {
        let organisationID: UUID
        let name: String
        let kind: String
        let localityID: Int
        let match: OfferMatch
    }

    struct Partners {
        let partners: [Partner]
        let excluded: [PartnershipExclusion: Int]
    }

    /// The verified organisations that fit a need best, other than the one asking.
    static func partners(for need: PartnershipNeed, on db: any Database) async throws -> Partners {
        guard let sql = db as? any SQLDatabase else { return Partners(partners: [], excluded: [:]) }
        var region: SQLQueryString = "o.voivodeship_code = \(bind: need.voivodeshipCode)"
        if !need.remote {
            region = "(" + region + " OR " + DistanceSQL.within(alias: "l", latitude: need.latitude, longitude: need.longitude,
                                                                 kilometres: Double(need.reachKilometres)) + ")"
        }
        let rows = try await sql.raw("""
            SELECT o.id, o.name, o.kind, o.description, o.voivodeship_code, o.locality_id, l.latitude, l.longitude
            FROM organisations o JOIN localities l ON l.id = o.locality_id
            WHERE o.status = \(bind: Organisation.Status.verified.rawValue) AND o.id <> \(bind: need.$organisation.id) AND
            """ + " " + region + " ORDER BY o.verified_at DESC LIMIT \(literal: candidates)").all()
        let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
        let offers = try await offerWords(of: ids, on: sql)
        let facts = need.facts
        var found: [Partner] = []
        var excluded: [PartnershipExclusion: Int] = [:]
        for (row, id) in zip(rows, ids) {
            let partner = PartnerFacts(
                kind: try row.decode(column: "kind", as: String.self), areas: offers[id]?.areas ?? [],
                text: [try row.decode(column: "description", as: String.self)] + (offers[id]?.text ?? []),
                voivodeshipCode: try row.decode(column: "voivodeship_code", as: String.self),
                latitude: try row.decode(column: "latitude", as: Double.self), longitude: try row.decode(column: "longitude", as: Double.self))
            switch PartnershipMatcher.match(facts, partner) {
            case .success(let match):
                found.append(Partner(organisationID: id, name: try row.decode(column: "name", as: String.self), kind: partner.kind,
                                     localityID: try row.decode(column: "locality_id", as: Int.self), match: match))
            case .failure(let error): excluded[error.exclusion, default: 0] += 1
            }
        }
        return Partners(partners: Array(found.sorted { $0.match.score > $1.match.score }.prefix(count)), excluded: excluded)
    }

    /// The areas and the words (titles, skills) of the organisations' published offers.
    static func offerWords(of organisations: [UUID], on sql: any SQLDatabase) async throws -> [UUID: (areas: Set<OfferArea>, text: [String])] {
        guard !organisations.isEmpty else { return [:] }
        let rows = try await sql.raw("SELECT organisation_id, area, title, skills FROM offers WHERE status = \(bind: Offer.Status.published.rawValue)"
            + " AND organisation_id IN (" + DistanceSQL.list(organisations) + ")").all()
        var found: [UUID: (areas: Set<OfferArea>, text: [String])] = [:]
        for row in rows {
            let id = try row.decode(column: "organisation_id", as: UUID.self)
            var entry = found[id] ?? ([], [])
            if let area = OfferArea(rawValue: try row.decode(column: "area", as: String.self)) { entry.areas.insert(area) }
            entry.text.append(try row.decode(column: "title", as: String.self))
            entry.text.append(try row.decode(column: "skills", as: String.self))
            found[id] = entry
        }
        return found
    }

    /// What the matching knows of an organisation as a partner.
    static func partnerFacts(of organisation: Organisation, on db: any Database) async throws -> PartnerFacts {
        let id = try organisation.requireID()
        let offers = try await (db as? any SQLDatabase).asyncMap { try await offerWords(of: [id], on: $0) }?[id]
        let locality = try await LocalityRecord.find(organisation.localityID, on: db)
        return PartnerFacts(kind: organisation.kind, areas: offers?.areas ?? [], text: [organisation.description] + (offers?.text ?? []),
                            voivodeshipCode: organisation.voivodeshipCode, latitude: locality?.latitude, longitude: locality?.longitude)
    }

    /// The open needs of other organisations that fit an organisation best.
    static func needs(for organisation: Organisation, on db: any Database) async throws -> [(need: PartnershipNeed, match: OfferMatch)] {
        let partner = try await partnerFacts(of: organisation, on: db)
        let organisationID = try organisation.requireID()
        var query = PartnershipNeed.query(on: db).filter(\.$status == PartnershipNeed.Status.open.rawValue)
            .filter(\.$organisation.$id != organisationID)
        if let latitude = partner.latitude, let longitude = partner.longitude {
            let (dLat, dLon) = DistanceSQL.box(latitude: latitude, kilometres: needReachKilometres)
            query = query.group(.or) { group in
                group.filter(\.$voivodeshipCode == partner.voivodeshipCode)
                group.group(.and) { box in
                    box.filter(\.$latitude >= latitude - dLat).filter(\.$latitude <= latitude + dLat)
                        .filter(\.$longitude >= longitude - dLon).filter(\.$longitude <= longitude + dLon)
                }
            }
        } else {
            query = query.filter(\.$voivodeshipCode == partner.voivodeshipCode)
        }
        let needs = try await query.with(\.$organisation).sort(\.$createdAt, .descending).limit(500).all()
        var found: [(need: PartnershipNeed, match: OfferMatch)] = []
        for need in needs where need.isOpen && need.organisation.isVerified {
            if case .success(let match) = PartnershipMatcher.match(need.facts, partner) { found.append((need, match)) }
        }
        return Array(found.sorted { $0.match.score > $1.match.score }.prefix(count))
    }
}
