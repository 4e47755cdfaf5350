import Fluent
import KorpusCore
import SQLKit
import Vapor

/// "Polecane dla Ciebie": the published offers that fit a volunteer best, scored by `OfferMatcher` from
/// their profile and their offer of help, with the reasons, and how many offers a hard condition left out.
enum Recommendations {
    static let count = 20
    /// Offers read to be scored, newest first: this many within the volunteer's distance, and a fifth as
    /// many remote ones. Offers of help read for an offer, likewise.
    static let candidates = 600
    /// Offers of help are read within this distance of an offer (a volunteer's own distance then decides).
    static let volunteerReachKilometres = 100.0

    struct Recommendation {
        let offer: OfferSummary
        let match: OfferMatch
        /// The API's JSON of the offer when it is remembered (without the distance).
        var json: [UInt8]?
    }

    struct Result {
        let recommendations: [Recommendation]
        /// How many candidates each hard condition left out.
        let excluded: [MatchExclusion: Int]
        /// What the volunteer could add to get a better list.
        let missing: [String]
    }

    /// What the matching knows of a volunteer — their age and guardian's consent, and their offer of help —
    /// and whether they have an offer of help. Read in one query without building models (the API asks for it
    /// on every call); the locality of the account stands in for the place when the offer of help has none.
    static func facts(of user: User, on db: any Database) async throws -> (facts: VolunteerFacts, hasHelpOffer: Bool) {
        guard let sql = db as? any SQLDatabase else { return (VolunteerFacts(age: user.age()), false) }
        let helpOffer = try await AvailableVolunteer.read("help_offers h", where: "h.volunteer_id = \(bind: try user.requireID())", on: sql).first
        var facts = helpOffer?.facts ?? VolunteerFacts(age: nil)
        facts.age = user.age()
        if helpOffer == nil, let age = facts.age, age < OfferMatcher.adultAge {
            facts.guardianConsent = try await ConsentRecord.granted(.guardian, among: [try user.requireID()], on: db).isEmpty == false
        }
        if facts.latitude == nil, let localityID = user.localityID, let locality = try await LocalityRecord.find(localityID, on: db) {
            facts.latitude = locality.latitude
            facts.longitude = locality.longitude
        }
        return (facts, helpOffer != nil)
    }

    /// An offer of help as the coordinators' list of fitting volunteers shows it.
    struct FittingHelpOffer {
        let helpOfferID: UUID
        let volunteerID: UUID
        let volunteerName: String
        let localityID: Int?
        let description: String
        let match: OfferMatch
        /// Whether the volunteer has applied to one of the organisation's offers (their full name may be shown).
        let known: Bool
        /// Whether the volunteer has been invited to this offer.
        let invited: Bool
    }

    /// The offers of help that fit an offer best, with their scores: for its coordinators. The candidates —
    /// the newest within reach of the offer, and the newest remote ones — come from memory (or two indexed
    /// reads), and what the list shows of the best ones from one query.
    static func volunteers(for offer: CoordinatedOffer, memory: MemoryIndexes, on db: any Database) async throws -> [FittingHelpOffer] {
        guard let sql = db as? any SQLDatabase else { return [] }
        let facts = offer.facts
        // Scores alone first (the offers of help held in memory are scored where they are); the reasons for the
        // best only.
        var best: [(helpOffer: UUID, volunteer: UUID, match: OfferMatch)] = []
        if let volunteers = memory.volunteers {
            let pool = try await volunteers.current(on: db)
            let today = Age.dayNumber(Age.today()) ?? 0
            var scored = pool.scored(for: facts, remote: true, near: nil, limit: Self.candidates / 5, today: today)
            if !facts.remote, let latitude = facts.latitude, let longitude = facts.longitude {
                scored += pool.scored(for: facts, remote: false, near: (latitude, longitude, volunteerReachKilometres), limit: Self.candidates, today: today)
            } else if facts.remote {
                scored += pool.scored(for: facts, remote: false, near: nil, limit: Self.candidates, today: today)
            }
            best = scored.sorted { $0.score > $1.score }.prefix(count).compactMap { entry in
                guard let candidate = pool.entry(of: entry.volunteerID, today: today),
                    case .success(let match) = OfferMatcher.match(candidate.facts, facts) else { return nil }
                return (candidate.helpOfferID, candidate.volunteerID, match)
            }
        } else {
            let candidates = try await databaseCandidates(for: facts, on: sql)
            var scored: [(candidate: Int, score: Double)] = []
            for (index, candidate) in candidates.enumerated() {
                guard case .success(let match) = OfferMatcher.match(candidate.facts, facts, withReasons: false) else { continue }
                scored.append((index, match.score))
            }
            best = scored.sorted { $0.score > $1.score }.prefix(count).compactMap { entry in
                let candidate = candidates[entry.candidate]
                guard case .success(let match) = OfferMatcher.match(candidate.facts, facts) else { return nil }
                return (candidate.helpOfferID, candidate.volunteerID, match)
            }
        }
        guard !best.isEmpty else { return [] }
        // What the list shows is read for the best ones only, with whether the organisation knows each volunteer
        // (an application to one of its offers) and whether they were invited to this offer.
        var shown: [UUID: (name: String, localityID: Int?, description: String, known: Bool, invited: Bool)] = [:]
        let ids = best.map(\.helpOffer)
        for row in try await FittingVolunteersShown.rows(
            [offer.organisationID, offer.id] + (0..<count).map { ids[min($0, ids.count - 1)] }, on: sql) {
            shown[try row.decode(column: "id", as: UUID.self)] = (
                try row.decode(column: "display_name", as: String.self), try row.decode(column: "locality_id", as: Int?.self),
                try row.decode(column: "description", as: String.self), try row.decode(column: "known", as: Bool.self),
                try row.decode(column: "invited", as: Bool.self))
        }
        return best.compactMap { entry in
            shown[entry.helpOffer].map {
                FittingHelpOffer(helpOfferID: entry.helpOffer, volunteerID: entry.volunteer, volunteerName: $0.name, localityID: $0.localityID,
                                 description: $0.description, match: entry.match, known: $0.known, invited: $0.invited)
            }
        }
    }

    /// What the matcher needs of the newest `limit` indexed offers that meet `condition` (on `s`, the
    /// search index): the narrow index picks them, and only those wide rows are read.
    static func offerFacts(where condition: SQLQueryString?, limit: Int, on sql: any SQLDatabase) async throws -> [(id: UUID, facts: OfferFacts)] {
        let rows = try await sql.raw("""
            SELECT o.id, o.area, o.skills, o.schedule, o.weekly_slots, o.latitude, o.longitude, o.remote, o.languages, o.minimum_age,
            o.minors_welcome, o.involves_children, o.accessible, o.recruitment_deadline
            FROM (SELECT s.offer_id FROM \(unsafeRaw: OfferIndex.table) s
            """ + DistanceSQL.whereClause(condition.map { [$0] } ?? []) + " ORDER BY s.published_at DESC LIMIT \(literal: limit)) c"
            + " JOIN offers o ON o.id = c.offer_id").all()
        let today = OfferDates.today()
        return try rows.map { row in (try row.decode(column: "id", as: UUID.self), try OfferFacts(row, today: today)) }
    }

    /// The offer of the URL as its coordinators' list of fitting volunteers needs it, when the signed-in person
    /// is an active member of its organisation (otherwise "not found", as for any offer they do not
    /// coordinate): one query, without building models.
    static func coordinatedOffer(_ req: Request, on db: any Database) async throws -> CoordinatedOffer {
        let user = try req.requireUser()
        guard let id = req.parameters.get("offerID").flatMap(UUID.init(uuidString:)), let sql = db as? any SQLDatabase,
            let row = try await CoordinatedOfferQuery.first([id, try user.requireID(), OrganisationMembership.Status.active.rawValue], on: sql)
        else { throw LocalizedAbort(.notFound, key: "offer.error.not_found") }
        var facts = try OfferFacts(row, today: OfferDates.today())
        let published = try row.decode(column: "status", as: String.self) == Offer.Status.published.rawValue
        let hidden = try row.decode(column: "hidden_reason", as: String?.self) != nil
        facts.openForApplications = facts.openForApplications && published && !hidden
        return CoordinatedOffer(
            id: id, organisationID: try row.decode(column: "organisation_id", as: UUID.self),
            organisationVerified: try row.decode(column: "organisation_status", as: String.self) == Organisation.Status.verified.rawValue,
            title: try row.decode(column: "title", as: String.self), facts: facts)
    }

    /// The best offers for a volunteer among the newest published ones within their distance and the
    /// newest remote ones: from the in-memory index when there is one (`memory`), from the database otherwise.
    static func recommend(for volunteer: VolunteerFacts, memory: MemoryIndexes, on db: any Database) async throws -> Result {
        guard let sql = db as? any SQLDatabase else { return Result(recommendations: [], excluded: [:], missing: []) }
        var finder: OfferFinder?
        let near = volunteer.latitude.flatMap { latitude in volunteer.longitude.map { (latitude, $0, volunteer.travelKilometres) } }
        let today = OfferDates.today()
        // Scores alone first (the offers held in memory are scored where they are); the reasons for the best only.
        var scored: [(id: UUID, score: Double)] = []
        var excluded: [MatchExclusion: Int] = [:]
        var read: [UUID: OfferFacts] = [:]
        if let offers = memory.offers {
            let current = try await offers.current(on: db)
            finder = current
            scored = current.scored(for: volunteer, remote: true, near: nil, limit: candidates / 5, today: today, excluded: &excluded)
                + current.scored(for: volunteer, remote: false, near: near, limit: candidates, today: today, excluded: &excluded)
        } else {
            // Two indexed reads rather than one with OR: the offers near the volunteer, and the remote ones.
            var found = try await offerFacts(where: "s.remote = \(bind: true)", limit: candidates / 5, on: sql)
            if let near {
                found += try await offerFacts(
                    where: DistanceSQL.within(alias: "s", latitude: near.0, longitude: near.1, kilometres: near.2)
                        + " AND s.remote = \(bind: false)", limit: candidates, on: sql)
            } else {
                found += try await offerFacts(where: "s.remote = \(bind: false)", limit: candidates, on: sql)
            }
            for (id, facts) in found {
                read[id] = facts
                switch OfferMatcher.match(volunteer, facts, withReasons: false) {
                case .success(let match): scored.append((id, match.score))
                case .failure(let error): excluded[error.exclusion, default: 0] += 1
                }
            }
        }
        let best: [(UUID, OfferMatch)] = scored.sorted { $0.score > $1.score }.prefix(count).compactMap { entry in
            guard let facts = finder.flatMap({ $0.facts(of: [entry.id], today: today).first?.facts }) ?? read[entry.id],
                case .success(let match) = OfferMatcher.match(volunteer, facts) else { return nil }
            return (entry.id, match)
        }
        var json: [UUID: [UInt8]] = [:]
        let summaries: [OfferSummary]
        if let finder, let cache = memory.summaries {
            let entries = try await cache.entries(best.map(\.0), finder: finder, on: db)
            summaries = entries.map(\.summary)
            for entry in entries { json[entry.summary.id] = entry.json }
        } else {
            summaries = try await OfferSummary.load(best.map(\.0), on: db)
        }
        let matches = Dictionary(uniqueKeysWithValues: best.map { ($0.0, $0.1) })
        var missing: [String] = []
        if volunteer.latitude == nil { missing.append("recommendations.missing.place") }
        if volunteer.skills.isEmpty { missing.append("recommendations.missing.skills") }
        if volunteer.areas.isEmpty { missing.append("recommendations.missing.areas") }
        if volunteer.slots.isEmpty { missing.append("recommendations.missing.time") }
        return Result(recommendations: summaries.compactMap { summary in
                          matches[summary.id].map { Recommendation(offer: summary, match: $0, json: json[summary.id]) }
                      },
                      excluded: excluded, missing: missing)
    }

    /// The candidates for an offer read from the database: the newest offers of help within reach, and
    /// the newest remote ones — two reads that pick from an index alone, then only the picked rows are read.
    static func databaseCandidates(for offer: OfferFacts, on sql: any SQLDatabase) async throws -> [AvailableVolunteer] {
        var places: [SQLQueryString] = ["h.remote = \(bind: true)"]
        if !offer.remote, let latitude = offer.latitude, let longitude = offer.longitude {
            // Read within a reach; the matcher then applies each volunteer's own distance.
            places.append(DistanceSQL.within(alias: "h", latitude: latitude, longitude: longitude, kilometres: volunteerReachKilometres)
                + " AND h.remote = \(bind: false)")
        } else if offer.remote {
            places.append("h.remote = \(bind: false)")
        }
        var found: [AvailableVolunteer] = []
        for (index, place) in places.enumerated() {
            found += try await AvailableVolunteer.read(
                "(SELECT h.id FROM help_offers h WHERE h.active = \(bind: true) AND " + place
                    + " ORDER BY h.updated_at DESC LIMIT \(literal: index == 0 ? candidates / 5 : candidates)) c JOIN help_offers h ON h.id = c.id",
                where: "1 = 1", on: sql)
        }
        let today = Age.dayNumber(Age.today()) ?? 0
        return found.map { candidate in
            var candidate = candidate
            candidate.facts.age = candidate.bornOn.flatMap { Age.years(bornOnDay: $0, today: today) }
            return candidate
        }
    }
}

/// The offer `$1` with what the matching needs of it, when the person `$2` is an active (`$3`) member of its
/// organisation.
enum CoordinatedOfferQuery: PreparedSQL {
    static let text = """
        SELECT o.id, o.organisation_id, g.status AS organisation_status, o.title, o.status, o.hidden_reason, o.area, o.skills,
        o.schedule, o.weekly_slots, o.latitude, o.longitude, o.remote, o.languages, o.minimum_age, o.minors_welcome,
        o.involves_children, o.accessible, o.recruitment_deadline
        FROM \(Offer.schema) o JOIN \(Organisation.schema) g ON g.id = o.organisation_id
        WHERE o.id = $1 AND EXISTS (SELECT 1 FROM \(OrganisationMembership.schema) m
        WHERE m.organisation_id = o.organisation_id AND m.user_id = $2 AND m.status = $3)
        """
}

/// What the coordinators' list shows of the offers of help `$3`…`$22` (the best ones, an id repeated when fewer):
/// whether each volunteer applied to an offer of the organisation `$1` (their full name may be shown) and was
/// invited to the offer `$2`.
enum FittingVolunteersShown: PreparedSQL {
    static let text = """
        SELECT h.id, h.description, h.locality_id, u.display_name,
        EXISTS (SELECT 1 FROM \(OfferApplication.schema) a JOIN \(Offer.schema) o ON o.id = a.offer_id
        WHERE a.volunteer_id = h.volunteer_id AND o.organisation_id = $1) AS known,
        EXISTS (SELECT 1 FROM \(OfferInvitation.schema) i WHERE i.offer_id = $2 AND i.volunteer_id = h.volunteer_id) AS invited
        FROM \(HelpOffer.schema) h JOIN \(User.schema) u ON u.id = h.volunteer_id WHERE h.id IN (
        """ + (3...(Recommendations.count + 2)).map { "$\($0)" }.joined(separator: ", ") + ")"
}

/// An offer as its coordinators' side of the matching service sees it.
struct CoordinatedOffer {
    let id: UUID
    let organisationID: UUID
    let organisationVerified: Bool
    let title: String
    let facts: OfferFacts
}

extension OfferFacts {
    /// What the matching service needs of an offer, from a row with the offer's columns (open for applications
    /// as far as its recruitment deadline goes, `today` being `OfferDates.today()`).
    init(_ row: any SQLRow, today: String) throws {
        let deadline = try row.decode(column: "recruitment_deadline", as: String?.self)
        self.init(
            area: OfferArea(rawValue: try row.decode(column: "area", as: String.self)) ?? .other,
            skills: CommaList.items(try row.decode(column: "skills", as: String.self)),
            schedule: OfferSchedule(rawValue: try row.decode(column: "schedule", as: String.self)) ?? .regular,
            slots: WeeklySlot.set(try row.decode(column: "weekly_slots", as: String.self)),
            latitude: try row.decode(column: "latitude", as: Double?.self), longitude: try row.decode(column: "longitude", as: Double?.self),
            remote: try row.decode(column: "remote", as: Bool.self),
            languages: CommaList.items(try row.decode(column: "languages", as: String.self)),
            minimumAge: try row.decode(column: "minimum_age", as: Int.self), minorsWelcome: try row.decode(column: "minors_welcome", as: Bool.self),
            involvesChildren: try row.decode(column: "involves_children", as: Bool.self), accessible: try row.decode(column: "accessible", as: Bool.self),
            openForApplications: deadline.map { $0 >= today } ?? true)
    }
}
