import Fluent
import KorpusCore
import SQLKit
import Vapor

/// The time sheet (karta czasu pracy): volunteers log hours for their engagements; coordinators confirm
/// them, one by one or many at once, or return them with a comment; both see totals and export CSV.
struct HoursController: RouteCollection {
    /// The most a person gives in one day, across all organisations.
    static let dailyLimit = 24 * 4
    static let maximumDescription = 1000

    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInGuard())
        signedIn.get(SitePath.myHours.components, use: myHours)
        signedIn.post(SitePath.myHours.components, use: log)
        signedIn.get(SitePath.myHoursExport.components, use: exportMine)
        signedIn.post(SitePath.deleteHours("").components, use: delete)
        signedIn.post(SitePath.correctHours("").components, use: correct)
        signedIn.get(SitePath.organisationHours("").components, use: organisationHours)
        signedIn.get(SitePath.organisationHoursExport("").components, use: exportOrganisation)
        signedIn.post(SitePath.confirmHours("").components, use: confirm)
        signedIn.post(SitePath.returnHours("").components, use: returnEntry)
    }

    static let labels: [String: String] = [
        "engagement_id": "hours.field.engagement", "worked_on": "hours.field.worked_on", "hours": "hours.field.hours",
        "description": "hours.field.description", "comment": "hours.field.comment",
    ]

    // MARK: the volunteer's time sheet

    struct EngagementOption: Encodable {
        let code: String
        let name: String
        let selected: Bool
    }

    struct EntryRow: Encodable {
        let id: String
        let day: String
        let hours: String
        let organisation: String
        let offer: String
        let description: String
        let status: String
        let statusCode: String
        let competences: String?
        let comment: String?
        let correction: Bool
        let deleteAction: String?
        let correctAction: String?
    }

    struct Total: Encodable {
        let name: String
        let hours: String
    }

    struct IssuedCertificate: Encodable {
        let issued: String
        let pdfHref: String
    }

    /// An engagement as its volunteer sees it: the agreement and the certificates.
    struct MyEngagement: Encodable {
        let id: String
        let name: String
        let agreement: String
        let agreementHref: String
        let awaitsMe: Bool
        let certificates: [IssuedCertificate]
        let requested: String?
        let requestAction: String?
    }

    struct MyHoursPage: Encodable {
        let form: FormState
        let competences: [CompetenceTags.Choice]
        let engagements: [EngagementOption]
        let myEngagements: [MyEngagement]
        let entries: [EntryRow]
        let byMonth: [Total]
        let byOrganisation: [Total]
        let membership: Membership.Status
        let today: String
        let exportHref: String
    }

    static func statusText(_ entry: HourEntry, _ req: Request) -> String { req.t("hours.status.\(entry.status)") }

    func myHoursPage(_ req: Request, form: FormState = FormState(labelKeys: HoursController.labels), status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = try req.requireUser()
        let userID = try user.requireID()
        let engagements = try await Engagement.query(on: req.db).filter(\.$volunteer.$id == userID).with(\.$offer).with(\.$organisation)
            .sort(\.$startsOn, .descending).all()
        let entries = try await HourEntry.query(on: req.db).filter(\.$volunteer.$id == userID).filter(\.$status != HourEntry.Status.superseded.rawValue)
            .with(\.$engagement) { $0.with(\.$offer) }.with(\.$organisation).sort(\.$workedOn, .descending).sort(\.$createdAt, .descending).limit(200).all()
        let dates = DateFormat(catalogue: req.catalogue)
        let confirmed = try await HourEntry.query(on: req.db).filter(\.$volunteer.$id == userID)
            .filter(\.$status == HourEntry.Status.confirmed.rawValue).with(\.$organisation).all()
        var months: [String: Int] = [:], organisations: [String: Int] = [:]
        for entry in confirmed {
            months[String(entry.workedOn.prefix(7)), default: 0] += entry.quarterHours
            organisations[entry.organisation.name, default: 0] += entry.quarterHours
        }
        let progress = try await Membership.progress(of: user, on: req.db)
        let myEngagements = try await Self.myEngagements(engagements, req)
        return try await req.render("engagement/my-hours", title: req.t("hours.title"), MyHoursPage(
            form: form, competences: CompetenceTags.choices(form, req),
            engagements: engagements.filter { $0.status == Engagement.Status.active.rawValue }.map {
                EngagementOption(code: $0.id?.uuidString ?? "",
                                 name: Self.engagementName($0, dates),
                                 selected: form.value("engagement_id") == $0.id?.uuidString)
            },
            myEngagements: myEngagements,
            entries: entries.map { entry in
                let id = entry.id?.uuidString ?? ""
                let open = entry.status == HourEntry.Status.pending.rawValue || entry.status == HourEntry.Status.returned.rawValue
                return EntryRow(
                    id: id, day: dates.longDay(entry.workedOn), hours: Membership.hoursText(entry.quarterHours, req),
                    organisation: entry.organisation.name, offer: entry.engagement.offer.title, description: entry.description,
                    status: Self.statusText(entry, req), statusCode: entry.status,
                    competences: CompetenceTags.names(entry.competences, req), comment: entry.comment, correction: entry.correctsID != nil,
                    deleteAction: open ? SitePath.deleteHours(id).path : nil,
                    correctAction: entry.status == HourEntry.Status.confirmed.rawValue ? SitePath.correctHours(id).path : nil)
            },
            byMonth: months.sorted { $0.key > $1.key }.compactMap { key, value in
                YearMonth(key).map { Total(name: Membership.monthName($0, req), hours: Membership.hoursText(value, req)) }
            },
            byOrganisation: organisations.sorted { $0.key < $1.key }.map { Total(name: $0.key, hours: Membership.hoursText($0.value, req)) },
            membership: Membership.status(progress, req), today: OfferDates.today(), exportHref: SitePath.myHoursExport.path), status: status)
    }

    /// "This day is outside the engagement (first day – last day)."
    static func outside(_ engagement: Engagement, _ req: Request) -> String {
        let dates = DateFormat(catalogue: req.catalogue)
        return req.t("hours.error.outside", ["from": dates.longDay(engagement.startsOn), "to": engagement.endsOn.map { dates.longDay($0) } ?? "…"])
    }

    /// "Offer — Organisation (first day – last day)", the offer and organisation loaded.
    static func engagementName(_ engagement: Engagement, _ dates: DateFormat) -> String {
        "\(engagement.offer.title) — \(engagement.organisation.name) (\(Self.period(engagement, dates)))"
    }

    /// "1 lipca 2026 – …": the engagement's days.
    static func period(_ engagement: Engagement, _ dates: DateFormat) -> String {
        "\(dates.longDay(engagement.startsOn)) – \(engagement.endsOn.map { dates.longDay($0) } ?? "…")"
    }

    /// Each engagement with its current agreement (and whether the volunteer's acceptance is owed) and its
    /// certificates, issued or asked for.
    static func myEngagements(_ engagements: [Engagement], _ req: Request) async throws -> [MyEngagement] {
        let ids = engagements.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let agreements = try await Agreement.query(on: req.db).filter(\.$engagement.$id ~~ ids)
            .filter(\.$status != Agreement.Status.superseded.rawValue).all()
        let awaiting = agreements.filter { $0.status == Agreement.Status.awaiting.rawValue }.compactMap(\.id)
        let mine = awaiting.isEmpty ? [] : try await AgreementAcceptance.query(on: req.db).filter(\.$agreement.$id ~~ awaiting)
            .filter(\.$party == AgreementParty.volunteer.rawValue).all().map(\.$agreement.id)
        let certificates = try await Certificate.query(on: req.db).filter(\.$engagement.$id ~~ ids).sort(\.$requestedAt).all()
        let dates = DateFormat(catalogue: req.catalogue)
        return engagements.map { engagement in
            let id = engagement.id?.uuidString ?? ""
            let agreement = agreements.first { $0.$engagement.id == engagement.id }
            let own = certificates.filter { $0.$engagement.id == engagement.id }
            let requested = own.first { $0.status == Certificate.Status.requested.rawValue }
            return MyEngagement(
                id: id, name: Self.engagementName(engagement, dates),
                agreement: agreement.map { req.t("agreement.status.\($0.status)") } ?? req.t("agreement.none"),
                agreementHref: SitePath.engagementAgreement(id).path,
                awaitsMe: agreement.map { $0.status == Agreement.Status.awaiting.rawValue && $0.requiredParties.contains(.volunteer)
                    && !mine.contains($0.id ?? UUID()) } ?? false,
                certificates: own.filter { $0.status == Certificate.Status.issued.rawValue }.map {
                    IssuedCertificate(issued: $0.issuedAt.map { dates.longDate($0) } ?? "", pdfHref: SitePath.certificatePDF($0.id?.uuidString ?? "").path)
                },
                requested: requested.map { dates.longDate($0.requestedAt) },
                requestAction: requested == nil ? SitePath.requestCertificate(id).path : nil)
        }
    }

    @Sendable
    func myHours(req: Request) async throws -> Response {
        try await myHoursPage(req)
    }

    /// The day, hours and description of a form, checked against the engagement; nil with the problems in
    /// `form` when something is wrong. The daily limit is checked as the entry is written (`record`).
    static func checkedEntry(_ form: inout FormState, engagement: Engagement, _ req: Request) -> (day: String, quarters: Int, description: String)? {
        let day = form.value("worked_on")
        if Age.parseDay(day) == nil {
            form.fail("worked_on", req.t("account.error.date_invalid"))
        } else if day > OfferDates.today() {
            form.fail("worked_on", req.t("hours.error.future"))
        } else if !engagement.covers(day) {
            form.fail("worked_on", outside(engagement, req))
        }
        let quarters = Double(form.value("hours").replacingOccurrences(of: ",", with: ".")).flatMap(QuarterHours.from(hours:))
        if quarters == nil || quarters == 0 || (quarters ?? 0) > dailyLimit { form.fail("hours", req.t("hours.error.hours")) }
        let description = form.value("description")
        if description.count < 3 { form.fail("description", req.t("hours.error.description")) }
        if description.count > maximumDescription { form.fail("description", req.t("form.error.too_long", ["max": String(maximumDescription)])) }
        guard form.isValid, let quarters else { return nil }
        return (day, quarters, description)
    }

    /// Writes the entry unless its day would pass 24 hours across all organisations (the entry it corrects
    /// left out); returns the quarter hours already logged that day when it is refused. One volunteer's
    /// entries are written one at a time — a no-op update of their row first locks it on PostgreSQL and takes
    /// SQLite's write lock — so two entries sent at the same instant cannot both pass the check.
    static func record(_ entry: HourEntry, replacing: UUID? = nil, on db: any Database) async throws -> Int? {
        try await db.writing { db in
            if let sql = db as? any SQLDatabase {
                try await sql.raw("UPDATE users SET status = status WHERE id = \(bind: entry.$volunteer.id)").run()
            }
            var sameDay = HourEntry.query(on: db).filter(\.$volunteer.$id == entry.$volunteer.id).filter(\.$workedOn == entry.workedOn)
                .filter(\.$status ~~ HourEntry.counted)
            if let replacing { sameDay = sameDay.filter(\.$id != replacing) }
            let already = try await sameDay.all().reduce(0) { $0 + $1.quarterHours }
            guard already + entry.quarterHours <= dailyLimit else { return already }
            try await entry.create(on: db)
            return nil
        }
    }

    @Sendable
    func log(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let userID = try user.requireID()
        var form = FormState(values: try req.formFields(), labelKeys: Self.labels)
        guard let engagementID = UUID(uuidString: form.value("engagement_id")),
            let engagement = try await Engagement.query(on: req.db).filter(\.$id == engagementID).filter(\.$volunteer.$id == userID).first()
        else {
            form.fail("engagement_id", req.t("hours.error.engagement"))
            return try await myHoursPage(req, form: form, status: .unprocessableEntity)
        }
        guard let checked = Self.checkedEntry(&form, engagement: engagement, req) else {
            return try await myHoursPage(req, form: form, status: .unprocessableEntity)
        }
        let entry = try HourEntry(engagement: engagement, checked)
        entry.competences = CompetenceTags.chosen(form, req)
        if let already = try await Self.record(entry, on: req.db) {
            form.fail("hours", req.t("hours.error.daily_limit", ["hours": Membership.hoursText(already, req)]))
            return try await myHoursPage(req, form: form, status: .unprocessableEntity)
        }
        return req.redirect(to: SitePath.myHours.path, notice: "hours_logged")
    }

    /// The volunteer's own entry of the URL; anyone else's answers "not found".
    static func ownEntry(_ req: Request) async throws -> HourEntry {
        let user = try req.requireUser()
        guard let id = req.parameters.get("entryID").flatMap(UUID.init(uuidString:)),
            let entry = try await HourEntry.query(on: req.db).filter(\.$id == id).filter(\.$volunteer.$id == user.requireID()).with(\.$engagement).first()
        else { throw LocalizedAbort(.notFound, key: "hours.error.not_found") }
        return entry
    }

    @Sendable
    func delete(req: Request) async throws -> Response {
        let entry = try await Self.ownEntry(req)
        _ = try req.formFields()
        guard entry.status == HourEntry.Status.pending.rawValue || entry.status == HourEntry.Status.returned.rawValue else {
            throw LocalizedAbort(.conflict, key: "hours.error.confirmed")
        }
        try await entry.delete(on: req.db)
        return req.redirect(to: SitePath.myHours.path, notice: "hours_deleted")
    }

    /// A correction of a confirmed entry: a new entry that replaces it once a coordinator confirms it.
    @Sendable
    func correct(req: Request) async throws -> Response {
        let original = try await Self.ownEntry(req)
        guard original.status == HourEntry.Status.confirmed.rawValue else { throw LocalizedAbort(.conflict, key: "hours.error.not_confirmed") }
        let originalID = try original.requireID()
        guard try await HourEntry.query(on: req.db).filter(\.$correctsID == originalID).filter(\.$status == HourEntry.Status.pending.rawValue).count() == 0
        else { throw LocalizedAbort(.conflict, key: "hours.error.correction_pending") }
        var form = FormState(values: try req.formFields(), labelKeys: Self.labels)
        form.values["worked_on"] = original.workedOn
        guard let checked = Self.checkedEntry(&form, engagement: original.engagement, req) else {
            return try await myHoursPage(req, form: form, status: .unprocessableEntity)
        }
        let entry = try HourEntry(engagement: original.engagement, checked)
        entry.correctsID = originalID
        entry.competences = original.competences
        if let already = try await Self.record(entry, replacing: originalID, on: req.db) {
            form.fail("hours", req.t("hours.error.daily_limit", ["hours": Membership.hoursText(already, req)]))
            return try await myHoursPage(req, form: form, status: .unprocessableEntity)
        }
        return req.redirect(to: SitePath.myHours.path, notice: "hours_correction_sent")
    }

    static func csv(_ rows: [[String]]) -> String {
        rows.map { row in
            row.map { field in
                // Quoted, with formula characters defused, so a spreadsheet shows the text as typed.
                var text = field
                if let first = text.first, "=+-@".contains(first) { text = "'" + text }
                return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }.joined(separator: ";")
        }.joined(separator: "\r\n") + "\r\n"
    }

    static func csvResponse(_ text: String, name: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        // A byte order mark, so spreadsheets read the Polish letters right.
        return Response(status: .ok, headers: headers, body: .init(string: "\u{FEFF}" + text))
    }

    @Sendable
    func exportMine(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let entries = try await HourEntry.query(on: req.db).filter(\.$volunteer.$id == user.requireID())
            .filter(\.$status != HourEntry.Status.superseded.rawValue).with(\.$organisation).with(\.$engagement) { $0.with(\.$offer) }
            .sort(\.$workedOn).all()
        let header = ["hours.field.worked_on", "hours.field.hours", "hours.csv.organisation", "hours.csv.offer", "hours.scope", "hours.csv.status"]
            .map { req.t($0) }
        let rows = entries.map { entry in
            [entry.workedOn, Membership.hoursText(entry.quarterHours, req), entry.organisation.name, entry.engagement.offer.title, entry.description,
             Self.statusText(entry, req)]
        }
        return Self.csvResponse(Self.csv([header] + rows), name: "korpus-godziny.csv")
    }

    // MARK: the coordinators

    struct PendingRow: Encodable {
        let id: String
        let field: String
        let volunteer: String
        let offer: String
        let day: String
        let hours: String
        let description: String
        let competences: String?
        let correction: String?
        let returnAction: String
    }

    struct VolunteerTotal: Encodable {
        let volunteer: String
        let month: String
        let hours: String
    }

    struct OrganisationPage: Encodable {
        let name: String
        let pending: [PendingRow]
        let confirmAction: String
        let totals: [VolunteerTotal]
        let exportHref: String
        let engagementsHref: String
    }

    @Sendable
    func organisationHours(req: Request) async throws -> View {
        let (organisation, _) = try await OrganisationsController.memberOrganisation(req)
        let organisationID = try organisation.requireID()
        let pending = try await HourEntry.query(on: req.db).filter(\.$organisation.$id == organisationID)
            .filter(\.$status == HourEntry.Status.pending.rawValue).with(\.$volunteer).with(\.$engagement) { $0.with(\.$offer) }
            .sort(\.$workedOn).limit(500).all()
        let originals = Dictionary(uniqueKeysWithValues: try await HourEntry.query(on: req.db).filter(\.$id ~~ pending.compactMap(\.correctsID)).all()
            .compactMap { entry in entry.id.map { ($0, entry) } })
        let dates = DateFormat(catalogue: req.catalogue)
        let confirmed = try await HourEntry.query(on: req.db).filter(\.$organisation.$id == organisationID)
            .filter(\.$status == HourEntry.Status.confirmed.rawValue).with(\.$volunteer).all()
        var totals: [String: [String: Int]] = [:]
        for entry in confirmed { totals[entry.volunteer.displayName, default: [:]][String(entry.workedOn.prefix(7)), default: 0] += entry.quarterHours }
        return try await req.render("engagement/organisation-hours", title: req.t("hours.organisation_title"), OrganisationPage(
            name: organisation.name,
            pending: pending.map { entry in
                let id = entry.id?.uuidString ?? ""
                let original = entry.correctsID.flatMap { originals[$0] }
                return PendingRow(
                    id: id, field: "entry_\(id)", volunteer: entry.volunteer.displayName, offer: entry.engagement.offer.title,
                    day: dates.longDay(entry.workedOn), hours: Membership.hoursText(entry.quarterHours, req), description: entry.description,
                    competences: CompetenceTags.names(entry.competences, req),
                    correction: original.map { req.t("hours.correction_of", ["hours": Membership.hoursText($0.quarterHours, req)]) },
                    returnAction: SitePath.returnHours(id).path)
            },
            confirmAction: SitePath.confirmHours(organisationID.uuidString).path,
            totals: totals.sorted { $0.key < $1.key }.flatMap { volunteer, months in
                months.sorted { $0.key > $1.key }.compactMap { key, value in
                    YearMonth(key).map {
                        VolunteerTotal(volunteer: volunteer, month: Membership.monthName($0, req), hours: Membership.hoursText(value, req))
                    }
                }
            },
            exportHref: SitePath.organisationHoursExport(organisationID.uuidString).path,
            engagementsHref: SitePath.organisationEngagements(organisationID.uuidString).path))
    }

    /// Confirms the entries ticked, all or nothing: an entry of another organisation, or one no longer
    /// waiting, refuses the whole batch.
    @Sendable
    func confirm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let (organisation, _) = try await OrganisationsController.memberOrganisation(req)
        let organisationID = try organisation.requireID()
        let form = FormState(values: try req.formFields())
        let ids = form.values.keys.filter { $0.hasPrefix("entry_") && form.isChecked($0) }.compactMap { UUID(uuidString: String($0.dropFirst(6))) }
        guard !ids.isEmpty else { return req.redirect(to: SitePath.organisationHours(organisationID.uuidString).path, notice: "hours_none_chosen") }
        guard ids.count == form.values.keys.filter({ $0.hasPrefix("entry_") && form.isChecked($0) }).count else {
            throw LocalizedAbort(.badRequest, key: "hours.error.not_found")
        }
        try await Self.confirm(ids, organisation: organisationID, by: try user.requireID(), on: req.db)
        return req.redirect(to: SitePath.organisationHours(organisationID.uuidString).path, notice: "hours_confirmed")
    }

    /// Confirms entries of an organisation, all or nothing: an entry of another organisation refuses the
    /// batch as "not found", one no longer waiting as a conflict. A confirmed correction replaces its original.
    static func confirm(_ ids: [UUID], organisation organisationID: UUID, by userID: UUID, on db: any Database) async throws {
        try await db.writing { db in
            let entries = try await HourEntry.query(on: db).filter(\.$id ~~ ids).all()
            guard entries.count == Set(ids).count, entries.allSatisfy({ $0.$organisation.id == organisationID }) else {
                throw LocalizedAbort(.notFound, key: "hours.error.not_found")
            }
            guard entries.allSatisfy({ $0.status == HourEntry.Status.pending.rawValue }) else {
                throw LocalizedAbort(.conflict, key: "hours.error.not_pending")
            }
            try await HourEntry.query(on: db).filter(\.$id ~~ ids)
                .set(\.$status, to: HourEntry.Status.confirmed.rawValue).set(\.$decidedBy, to: userID).set(\.$decidedAt, to: Date()).update()
            let corrected = entries.compactMap(\.correctsID)
            if !corrected.isEmpty {
                try await HourEntry.query(on: db).filter(\.$id ~~ corrected).set(\.$status, to: HourEntry.Status.superseded.rawValue).update()
            }
        }
    }

    @Sendable
    func returnEntry(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("entryID").flatMap(UUID.init(uuidString:)),
            let entry = try await HourEntry.query(on: req.db).filter(\.$id == id).with(\.$volunteer).first(),
            try await OrganisationMembership.role(of: try user.requireID(), in: entry.$organisation.id, on: req.db) != nil
        else { throw LocalizedAbort(.notFound, key: "hours.error.not_found") }
        guard entry.status == HourEntry.Status.pending.rawValue else { throw LocalizedAbort(.conflict, key: "hours.error.not_pending") }
        let form = FormState(values: try req.formFields())
        let comment = form.value("comment")
        guard !comment.isEmpty, comment.count <= Self.maximumDescription else {
            throw LocalizedAbort(.unprocessableEntity, key: "hours.error.comment")
        }
        entry.status = HourEntry.Status.returned.rawValue
        entry.comment = comment
        entry.decidedBy = try user.requireID()
        entry.decidedAt = Date()
        try await entry.save(on: req.db)
        try await req.mailer.send(template: "hours_returned", to: entry.volunteer.email, name: entry.volunteer.displayName,
                                  language: entry.volunteer.preferredLanguage, link: SitePath.myHours.path,
                                  arguments: ["day": entry.workedOn, "comment": comment])
        return req.redirect(to: SitePath.organisationHours(entry.$organisation.id.uuidString).path, notice: "hours_returned")
    }

    @Sendable
    func exportOrganisation(req: Request) async throws -> Response {
        let (organisation, _) = try await OrganisationsController.memberOrganisation(req)
        let entries = try await HourEntry.query(on: req.db).filter(\.$organisation.$id == organisation.requireID())
            .filter(\.$status != HourEntry.Status.superseded.rawValue).with(\.$volunteer).with(\.$engagement) { $0.with(\.$offer) }
            .sort(\.$workedOn).all()
        let header = ["hours.csv.volunteer", "hours.field.worked_on", "hours.field.hours", "hours.csv.offer", "hours.scope", "hours.csv.status"]
            .map { req.t($0) }
        let rows = entries.map { entry in
            [entry.volunteer.displayName, entry.workedOn, Membership.hoursText(entry.quarterHours, req), entry.engagement.offer.title,
             entry.description, Self.statusText(entry, req)]
        }
        return Self.csvResponse(Self.csv([header] + rows), name: "korpus-godziny-organizacji.csv")
    }
}
