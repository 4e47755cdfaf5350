import Fluent
import KorpusCore
import SQLKit
import Vapor

/// The reference data set of DESIGN.md for benchmarks: 100,000 volunteers (a fifth with an offer of help),
/// 20,000 organisations (each with its representative), 100,000 offers and 200,000 applications, written
/// with multi-row inserts in a few transactions. Deterministic (a seeded generator), so runs compare. Two
/// access tokens let `bench/` call the API as a volunteer and as a coordinator.
struct ReferenceData {
    struct Size: Sendable {
        var volunteers = 100_000
        var organisations = 20_000
        var offers = 100_000
        var applications = 200_000
        var helpOffers = 20_000
        var hourEntries = 1_000_000

        static let reference = Size()
        static let small = Size(volunteers: 2_000, organisations: 400, offers: 2_000, applications: 4_000, helpOffers: 400, hourEntries: 20_000)
    }

    /// What `bench/` needs to call the API: tokens of a volunteer with an offer of help and of the
    /// representative of the first organisation, and one of that organisation's published offers.
    struct BenchAccess: Sendable {
        let volunteerToken: String
        let coordinatorToken: String
        let offerID: UUID
        /// A volunteer with a year of hours, and a coordinator of their organisation with 1,000 entries waiting.
        let memberToken: String
        let hoursCoordinatorToken: String
        let hoursOrganisationID: UUID
    }

    let db: any Database
    let size: Size
    let passwordHash: String

    static let firstNames = ["Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Zofia", "Julia", "Oliwia",
                             "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Marcin", "Jakub", "Łukasz", "Szymon"]
    static let lastNames = ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
                            "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk"]

    /// Runs the seed and returns the counts written.
    func seed() async throws -> [String: Int] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError, reason: "SQL database required") }
        var generator = SeededGenerator(seed: 42)
        let localities = try await LocalityRecord.query(on: db).sort(\.$population, .descending).limit(1500).all()
        let now = Date()
        let today = OfferDates.today()
        func pick<T>(_ items: [T]) -> T { items[Int(generator.next() % UInt64(items.count))] }

        // Volunteers.
        var volunteerIDs: [UUID] = []
        volunteerIDs.reserveCapacity(size.volunteers)
        var rows: [[any Encodable & Sendable]] = []
        for index in 0..<size.volunteers {
            let id = UUID()
            volunteerIDs.append(id)
            let locality = pick(localities)
            let year = 1950 + Int(generator.next() % 60)
            let name = "\(pick(Self.firstNames)) \(pick(Self.lastNames))"
            rows.append([id, now, "ref.volunteer\(index)@reference.korpus.local", name, passwordHash, false,
                         String(format: "%04d-%02d-%02d", year, 1 + Int(generator.next() % 12), 1 + Int(generator.next() % 28)),
                         locality.id ?? 0, now, "pl", "active"])
        }
        try await insert(table: "users", columns: ["id", "created_at", "email", "display_name", "password_hash", "is_administrator",
                                                        "date_of_birth", "locality_id", "email_verified_at", "language", "status"], rows: rows)

        // Organisations, verified, in every voivodeship.
        var organisations: [(UUID, String, LocalityRecord)] = []
        rows = []
        let kinds = Organisation.Kind.allCases
        for index in 0..<size.organisations {
            let id = UUID()
            let locality = pick(localities)
            let kind = pick(kinds)
            let name = "\(["Fundacja", "Stowarzyszenie", "Klub", "Centrum", "Koło"][index % 5]) \(pick(Self.lastNames)) \(index)"
            organisations.append((id, name, locality))
            rows.append([id, now, name, kind.rawValue, DemoNumbers.nip(seed: 1000 + index), DemoNumbers.regon(seed: 1000 + index),
                         "ul. Główna \(index % 200 + 1)", "00-001", locality.id ?? 0, locality.voivodeshipCode,
                         "Organizacja z miejscowości \(locality.name) pomagająca mieszkańcom.", "kontakt\(index)@reference.korpus.local",
                         Organisation.Status.verified.rawValue, volunteerIDs[index % volunteerIDs.count]])
        }
        try await insert(table: "organisations", columns: ["id", "created_at", "name", "kind", "nip", "regon", "street", "postal_code",
                                                                "locality_id", "voivodeship_code", "description", "contact_email", "status", "created_by"], rows: rows)

        // Offers, from the demo templates, mostly published.
        var offerIDs: [UUID] = []
        offerIDs.reserveCapacity(size.offers)
        rows = []
        var texts: [(id: UUID, text: String)] = []
        let catalogue = try Catalogue.bundled(.pl)
        for index in 0..<size.offers {
            let id = UUID()
            offerIDs.append(id)
            let (organisationID, organisationName, home) = organisations[index % organisations.count]
            let template = pick(DemoOffers.templates)
            let locality = generator.next() % 3 == 0 ? pick(localities) : home
            let published = generator.next() % 10 != 0
            let searchText = SearchTerms.document([template.title, template.description, template.skills, organisationName,
                                                   locality.name, catalogue.text(template.area.catalogueKey)]
                + PlaceWords.words(voivodeship: locality.voivodeshipCode, latitude: template.remote ? nil : locality.latitude,
                                   longitude: template.remote ? nil : locality.longitude, remote: template.remote))
            let createdAt = now.addingTimeInterval(-Double(index))
            let status = (published ? Offer.Status.published : .draft).rawValue
            let row: [any Encodable & Sendable] = [
                id, createdAt, published ? createdAt : Optional<Date>.none, organisationID,
                volunteerIDs[index % volunteerIDs.count], template.title, template.description, template.area.rawValue,
                template.skills, template.schedule.rawValue, template.schedule == .ongoing ? Optional<String>.none : today,
                template.schedule == .ongoing ? Optional<String>.none : "2099-12-31", template.slots, template.hours,
                template.remote ? Optional<Int>.none : locality.id, locality.voivodeshipCode,
                template.remote ? Optional<Double>.none : locality.latitude, template.remote ? Optional<Double>.none : locality.longitude,
                "", template.remote, 1 + Int(generator.next() % 5), template.minimumAge, template.minors, template.children, true, true,
                false, "polski", template.accessible, Optional<String>.none, status, Optional<String>.none, searchText,
            ]
            rows.append(row)
            texts.append((id, searchText))
        }
        try await insert(table: "offers", columns: [
            "id", "created_at", "published_at", "organisation_id", "created_by", "title", "description", "area", "skills", "schedule",
            "starts_on", "ends_on", "weekly_slots", "hours_per_week", "locality_id", "voivodeship_code", "latitude", "longitude", "address",
            "remote", "volunteers_needed", "minimum_age", "minors_welcome", "involves_children", "provides_training", "provides_insurance",
            "provides_reimbursement", "languages", "accessible", "recruitment_deadline", "status", "hidden_reason", "search_text",
        ], rows: rows)
        // Statistics first: without them PostgreSQL joins the fresh tables by scanning them for every entry.
        try await sql.raw("ANALYZE").run()
        let entries = texts
        try await db.transaction { try await OfferIndex.refresh(entries, on: $0) }
        try await OfferIndex.optimize(on: db)

        // Applications in every state.
        rows = []
        let statuses = OfferApplication.Status.allCases
        for index in 0..<size.applications {
            let status = statuses[index % statuses.count]
            let offerID = offerIDs[Int(generator.next() % UInt64(offerIDs.count))]
            let volunteerID = volunteerIDs[Int(generator.next() % UInt64(volunteerIDs.count))]
            let decidedAt: Date? = status == .pending ? nil : now
            let row: [any Encodable & Sendable] = [UUID(), offerID, volunteerID, "", status.rawValue, now, decidedAt]
            rows.append(row)
        }
        try await insert(table: "offer_applications", columns: ["id", "offer_id", "volunteer_id", "message", "status", "created_at", "decided_at"], rows: rows)

        // Representatives: the volunteer at the same index represents each organisation.
        rows = organisations.enumerated().map { index, organisation in
            [UUID(), organisation.0, volunteerIDs[index % volunteerIDs.count], OrganisationMembership.Role.representative.rawValue,
             OrganisationMembership.Status.active.rawValue, now]
        }
        try await insert(table: OrganisationMembership.schema, columns: ["id", "organisation_id", "user_id", "role", "status", "created_at"], rows: rows)

        // Offers of help from every fifth volunteer, from the offer templates.
        rows = []
        var helpTexts: [[any Encodable & Sendable]] = []
        let slotCodes = WeeklySlot.all.map(\.code)
        for index in 0..<min(size.helpOffers, size.volunteers) {
            let id = UUID()
            let template = pick(DemoOffers.templates)
            let second = pick(DemoOffers.templates)
            let locality = pick(localities)
            let remote = generator.next() % 10 == 0
            let slots = (0..<3).map { _ in pick(slotCodes) }
            let areas = Array(Set([template.area, second.area])).map(\.rawValue).sorted()
            let description = "Chętnie pomogę: \(template.title.lowercased()). \(second.description)"
            let searchText = SearchTerms.document([description, template.skills, locality.name] + areas.compactMap { OfferArea(rawValue: $0) }.map { catalogue.text($0.catalogueKey) }
                + PlaceWords.words(voivodeship: locality.voivodeshipCode, latitude: locality.latitude, longitude: locality.longitude, remote: remote))
            rows.append([id, volunteerIDs[index * max(1, size.volunteers / size.helpOffers) % volunteerIDs.count], now, description,
                         template.skills, areas.joined(separator: ","), WeeklySlot.code(of: slots.compactMap(WeeklySlot.init(code:))),
                         locality.id ?? 0, locality.voivodeshipCode, locality.latitude, locality.longitude, 10 + Int(generator.next() % 41),
                         remote, true, searchText, "polski", generator.next() % 2 == 0, false])
            helpTexts.append([id, searchText])
        }
        try await insert(table: HelpOffer.schema, columns: [
            "id", "volunteer_id", "updated_at", "description", "skills", "areas", "weekly_slots", "locality_id", "voivodeship_code",
            "latitude", "longitude", "distance_km", "remote", "active", "search_text", "languages", "record_check", "needs_accessibility",
        ], rows: rows)
        if !TextIndex.isPostgres(sql) {
            try await insert(table: TextIndex.helpOffers.ftsTable, columns: ["row_id", "body"], rows: helpTexts)
        }
        let hours = try await hourEntries(on: sql, now: now)
        try await sql.raw("ANALYZE").run()
        return ["hour entries": hours, "volunteers": size.volunteers, "organisations": size.organisations, "offers": size.offers, "applications": size.applications,
                "offers of help": min(size.helpOffers, size.volunteers)]
    }

    /// A random UUID written by the database itself, as Fluent stores it (text on SQLite).
    static func uuidSQL(_ sql: any SQLDatabase) -> String {
        if sql.dialect.name == "postgresql" { return "gen_random_uuid()" }
        return "upper(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || "
            + "substr('89AB', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
    }

    /// An engagement for every accepted application, begun 13 months ago, and `size.hourEntries` hour
    /// entries spread over them and the last 12 months: confirmed before this month, waiting in it. Written
    /// by the database (INSERT … SELECT over a list of days), so a million rows take seconds.
    func hourEntries(on sql: any SQLDatabase, now: Date) async throws -> Int {
        let month = YearMonth.current(now)
        let start = month.adding(months: -13).description + "-01"
        try await sql.raw(SQLQueryString("INSERT INTO engagements (id, application_id, volunteer_id, organisation_id, offer_id, starts_on, ends_on, status, created_at) SELECT ")
            + SQLQueryString(Self.uuidSQL(sql)) + ", a.id, a.volunteer_id, o.organisation_id, a.offer_id, \(bind: start), NULL, \(bind: Engagement.Status.active.rawValue), \(bind: now)"
            + " FROM offer_applications a JOIN offers o ON o.id = a.offer_id WHERE a.status = \(bind: OfferApplication.Status.accepted.rawValue)").run()
        let engagements = try await Engagement.query(on: db).count()
        guard engagements > 0 else { return 0 }
        let perEngagement = max(1, (size.hourEntries + engagements - 1) / engagements)
        // The days: spread back from yesterday over a year, at most one a day, with 2 to 6 hours.
        var days = SQLQueryString("")
        let calendar = Calendar(identifier: .gregorian)
        for k in 0..<perEngagement {
            let back = 1 + k * 364 / perEngagement
            guard let date = calendar.date(byAdding: .day, value: -back, to: now) else { continue }
            if k > 0 { days += ", " }
            days += "(\(bind: OfferDates.today(date)), \(bind: 8 + (k % 5) * 4))"
        }
        let thisMonth = month.description + "-01"
        try await sql.raw(SQLQueryString("WITH d(worked_on, quarters) AS (VALUES ") + days + ") "
            + "INSERT INTO hour_entries (id, engagement_id, volunteer_id, organisation_id, worked_on, quarter_hours, description, status, created_at) SELECT "
            + SQLQueryString(Self.uuidSQL(sql)) + ", e.id, e.volunteer_id, e.organisation_id, d.worked_on, CAST(d.quarters AS INTEGER), \(bind: "Dyżur w świetlicy"), "
            + "CASE WHEN d.worked_on < \(bind: thisMonth) THEN \(bind: HourEntry.Status.confirmed.rawValue) ELSE \(bind: HourEntry.Status.pending.rawValue) END, \(bind: now)"
            + " FROM engagements e CROSS JOIN d").run()
        return try await HourEntry.query(on: db).count()
    }

    /// Access tokens for `bench/`: the first volunteer (who has an offer of help) and the first
    /// organisation's representative, with one of that organisation's published offers.
    func benchAccess() async throws -> BenchAccess {
        let volunteer = try await User.query(on: db).filter(\.$email == "ref.volunteer0@reference.korpus.local").first()
        guard let volunteer, let organisation = try await OrganisationMembership.query(on: db)
                .filter(\.$role == OrganisationMembership.Role.representative.rawValue).with(\.$user).with(\.$organisation).all()
                .first(where: { $0.user.id != volunteer.id && $0.organisation.name.hasSuffix(" 1") }),
            let offer = try await Offer.query(on: db).filter(\.$organisation.$id == organisation.$organisation.id)
                .filter(\.$status == Offer.Status.published.rawValue).first()
        else { throw Abort(.internalServerError, reason: "the reference data set is not in place") }
        var tokens: [String] = []
        for user in [volunteer, organisation.user] { tokens.append(try await token(for: try user.requireID())) }
        // The volunteer of the first engagement, and the representative of its organisation with 1,000 entries to confirm.
        guard let engagement = try await Engagement.query(on: db).sort(\.$createdAt).first(),
            let representative = try await OrganisationMembership.query(on: db).filter(\.$organisation.$id == engagement.$organisation.id)
                .filter(\.$role == OrganisationMembership.Role.representative.rawValue).first()
        else { throw Abort(.internalServerError, reason: "the reference data set has no engagements") }
        for userID in [engagement.$volunteer.id, representative.$user.id] { tokens.append(try await token(for: userID)) }
        var waiting: [[any Encodable & Sendable]] = []
        for index in 0..<1_000 {
            waiting.append([UUID(), try engagement.requireID(), engagement.$volunteer.id, engagement.$organisation.id,
                            OfferDates.today(Date().addingTimeInterval(-Double(index % 300) * 86_400)), 1, "Bench", HourEntry.Status.pending.rawValue, Date()])
        }
        try await insert(table: HourEntry.schema, columns: ["id", "engagement_id", "volunteer_id", "organisation_id", "worked_on", "quarter_hours",
                                                            "description", "status", "created_at"], rows: waiting)
        return BenchAccess(volunteerToken: tokens[0], coordinatorToken: tokens[1], offerID: try offer.requireID(), memberToken: tokens[2],
                           hoursCoordinatorToken: tokens[3], hoursOrganisationID: engagement.$organisation.id)
    }

    /// A personal access token named "bench" for a user.
    func token(for userID: UUID) async throws -> String {
        let token = SecureToken.generate()
        let record = AccessToken()
        record.$user.id = userID
        record.name = "bench"
        record.tokenHash = SecureToken.hash(token)
        record.createdAt = Date()
        try await record.create(on: db)
        return token
    }

    /// Multi-row INSERTs inside one transaction, as many rows a statement as the database's bind limit allows.
    func insert(table: String, columns: [String], rows: [[any Encodable & Sendable]]) async throws {
        let perStatement = max(1, 30_000 / columns.count)
        try await db.transaction { transaction in
            guard let tx = transaction as? any SQLDatabase else { return }
            for start in stride(from: 0, to: rows.count, by: perStatement) {
                var query = tx.insert(into: table).columns(columns)
                for row in rows[start..<min(start + perStatement, rows.count)] {
                    query = query.values(row.map { SQLBind($0) })
                }
                try await query.run()
            }
        }
    }
}
