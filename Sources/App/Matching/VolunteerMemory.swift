import Fluent
import KorpusCore
import SQLKit
import Vapor

/// The active offers of help of active accounts, held in memory (`VolunteerPool`) with their authors' dates
/// of birth and guardians' consents, kept in step through the change log.
extension VolunteerPool: MemoryIndexContent {
    static var kind: ChangeLog.Kind { .volunteer }

    static func load(on sql: any SQLDatabase) async throws -> VolunteerPool {
        VolunteerPool(try await AvailableVolunteer.read("help_offers h", where: "h.active = \(bind: true)", on: sql))
    }

    func updated(_ ids: [UUID], on sql: any SQLDatabase) async throws -> VolunteerPool {
        var found: [AvailableVolunteer] = []
        for start in stride(from: 0, to: ids.count, by: 1_000) {
            let batch = Array(ids[start..<min(start + 1_000, ids.count)])
            found += try await AvailableVolunteer.read("help_offers h", where: "h.active = \(bind: true) AND h.volunteer_id IN (" + DistanceSQL.list(batch) + ")",
                                                       on: sql)
        }
        let present = Set(found.map(\.volunteerID))
        var next = self
        next.apply(upserted: found, removed: ids.filter { !present.contains($0) })
        return next
    }
}

extension AvailableVolunteer {
    /// The offers of help of active accounts among the rows `source` gives (of `help_offers`, aliased `h`)
    /// that meet `condition`, with their authors' dates of birth and, for minors, guardians' consents.
    static func read(_ source: SQLQueryString, where condition: SQLQueryString, on sql: any SQLDatabase) async throws -> [AvailableVolunteer] {
        let rows = try await sql.raw("""
            SELECT h.id, h.volunteer_id, h.updated_at, h.skills, h.areas, h.weekly_slots, h.latitude, h.longitude, h.distance_km,
            h.remote, h.languages, h.record_check, h.needs_accessibility, u.date_of_birth FROM
            """ + " " + source + " JOIN users u ON u.id = h.volunteer_id WHERE u.status = \(bind: User.Status.active.rawValue) AND " + condition).all()
        var entries: [AvailableVolunteer] = []
        entries.reserveCapacity(rows.count)
        var interner = Interner()
        for row in rows {
            entries.append(AvailableVolunteer(
                helpOfferID: try row.decode(column: "id", as: UUID.self), volunteerID: try row.decode(column: "volunteer_id", as: UUID.self),
                updatedAt: try row.decode(column: "updated_at", as: Date.self).timeIntervalSince1970,
                bornOn: try row.decode(column: "date_of_birth", as: String?.self).flatMap(Age.parseDay).flatMap(Age.dayNumber),
                facts: VolunteerFacts(
                    age: nil, recordCheckAcknowledged: try row.decode(column: "record_check", as: Bool.self),
                    skills: interner.list(try row.decode(column: "skills", as: String.self)),
                    areas: interner.areas(try row.decode(column: "areas", as: String.self)),
                    slots: interner.slots(try row.decode(column: "weekly_slots", as: String.self)),
                    latitude: try row.decode(column: "latitude", as: Double?.self), longitude: try row.decode(column: "longitude", as: Double?.self),
                    travelKilometres: Double(try row.decode(column: "distance_km", as: Int.self)), remote: try row.decode(column: "remote", as: Bool.self),
                    languages: interner.list(try row.decode(column: "languages", as: String.self)),
                    needsAccessibility: try row.decode(column: "needs_accessibility", as: Bool.self))))
        }
        // A guardian's consent matters for minors only; it is read for them alone.
        let today = Age.dayNumber(Age.today()) ?? 0
        let minors = entries.filter { $0.bornOn.flatMap { Age.years(bornOnDay: $0, today: today) }.map { $0 < OfferMatcher.adultAge } ?? false }
        var consented = Set<UUID>()
        for start in stride(from: 0, to: minors.count, by: 1_000) {
            let batch = minors[start..<min(start + 1_000, minors.count)].map(\.volunteerID)
            for row in try await sql.raw("SELECT user_id, granted FROM consents WHERE kind = \(bind: ConsentRecord.Kind.guardian.rawValue)"
                + " AND user_id IN (" + DistanceSQL.list(batch) + ") ORDER BY at").all() {
                let user = try row.decode(column: "user_id", as: UUID.self)
                if try row.decode(column: "granted", as: Bool.self) { consented.insert(user) } else { consented.remove(user) }
            }
        }
        return entries.map { entry in
            var entry = entry
            entry.facts.guardianConsent = consented.contains(entry.volunteerID)
            return entry
        }
    }
}
