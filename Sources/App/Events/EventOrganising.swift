import Fluent
import KorpusCore
import SQLKit
import Vapor

/// The organiser's side of events: a new event, the registrants (and applications to select from) with
/// attendance per session, messages, closing registration or calling the event off, the CSV list and
/// completion certificates; and each person's own events with their calendar feed.
extension EventsController {
    static let labels: [String: String] = [
        "organiser": "event.field.organiser", "kind": "event.field.kind", "title": "event.field.title",
        "description": "event.field.description", "audiences": "event.field.audiences", "voivodeship": "localities.voivodeship_label",
        "locality": "register.locality", "address": "event.field.address", "online_link": "event.field.online_link",
        "session_1_start": "event.field.sessions", "capacity": "event.field.capacity", "registration_deadline": "event.field.deadline",
        "minimum_age": "event.field.minimum_age", "maximum_age": "event.field.maximum_age", "prerequisite": "event.field.prerequisite",
        "questions": "event.field.questions", "message": "event.field.message",
    ]

    struct SessionInput: Encodable {
        let index: Int
        let start: String
        let end: String
    }

    struct CheckOption: Encodable {
        let field: String
        let label: String
        let checked: Bool
    }

    struct NewEventPage: Encodable {
        let form: FormState
        let organisers: [LocalitiesController.Option]
        let kinds: [LocalitiesController.Option]
        let audiences: [CheckOption]
        let voivodeships: [LocalitiesController.Option]
        let prerequisites: [LocalitiesController.Option]
        let sessions: [SessionInput]
        let waitlist: Bool
        let regionOnly: Bool
        let coordinatorsOnly: Bool
        let selection: Bool
        let competences: [CompetenceTags.Choice]
    }

    func renderNew(_ req: Request, _ organisers: [EventOrganiser], form: FormState, status: HTTPResponseStatus) async throws -> Response {
        let chosenKind = form.value("kind"), chosenPrerequisite = form.value("prerequisite")
        return try await req.render("events/new", title: req.t("event.new"), NewEventPage(
            form: form,
            organisers: organisers.map { .init(code: $0.code, name: $0.name, selected: $0.code == form.value("organiser")) },
            kinds: EventKind.allCases.map { .init(code: $0.rawValue, name: req.t($0.catalogueKey), selected: $0.rawValue == chosenKind) },
            audiences: EventAudience.allCases.map { .init(field: "audience_\($0.rawValue)", label: req.t($0.catalogueKey), checked: form.isChecked("audience_\($0.rawValue)")) },
            voivodeships: LocalitiesController.voivodeshipOptions(req, selected: form.value("voivodeship")),
            prerequisites: EventKind.allCases.filter(\.certifiesCompletion).map {
                .init(code: $0.rawValue, name: req.t($0.catalogueKey), selected: $0.rawValue == chosenPrerequisite)
            },
            sessions: (1...Self.maximumSessions).map { SessionInput(index: $0, start: form.value("session_\($0)_start"), end: form.value("session_\($0)_end")) },
            waitlist: form.isChecked("waitlist"), regionOnly: form.isChecked("region_only"), coordinatorsOnly: form.isChecked("coordinators_only"),
            selection: form.isChecked("selection"), competences: CompetenceTags.choices(form, req)),
            status: status)
    }

    /// The optional online meeting link of a form: an http(s) address without spaces, or "" when none.
    static func onlineLink(_ form: inout FormState, _ req: Request) -> String {
        let link = form.value("online_link")
        if !link.isEmpty, !(link.hasPrefix("https://") || link.hasPrefix("http://")) || link.count > 300 || link.contains(" ") {
            form.fail("online_link", req.t("event.error.link"))
        }
        return link
    }

    static func organisersOrRefuse(_ req: Request) async throws -> [EventOrganiser] {
        let organisers = try await EventOrganiser.all(of: try req.requireUser(), on: req.db)
        guard !organisers.isEmpty else { throw LocalizedAbort(.forbidden, key: "event.error.not_organiser") }
        return organisers
    }

    @Sendable
    func newForm(req: Request) async throws -> Response {
        let organisers = try await Self.organisersOrRefuse(req)
        return try await renderNew(req, organisers, form: FormState(values: [
            "voivodeship": organisers.first?.voivodeshipCode ?? "", "capacity": "20", "waitlist": "on",
        ], labelKeys: Self.labels), status: .ok)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let organisers = try await Self.organisersOrRefuse(req)
        var form = FormState(values: try req.formFields(), labelKeys: Self.labels)
        let organiser = organisers.first { $0.code == form.value("organiser") }
        if organiser == nil { form.fail("organiser", req.t("event.error.organiser")) }
        let kind = EventKind(rawValue: form.value("kind"))
        if kind == nil { form.fail("kind", req.t("form.error.required")) }
        let title = form.value("title"), description = form.value("description")
        if title.count < 5 || title.count > 150 { form.fail("title", req.t("event.error.title")) }
        if description.count < 20 || description.count > 5000 { form.fail("description", req.t("event.error.description")) }
        let audiences = EventAudience.allCases.filter { form.isChecked("audience_\($0.rawValue)") }
        if audiences.isEmpty { form.fail("audiences", req.t("event.error.audiences")) }
        let voivodeship = Voivodeship(terytCode: form.value("voivodeship"))
        if voivodeship == nil { form.fail("voivodeship", req.t("form.error.required")) }
        let link = EventsController.onlineLink(&form, req)
        var locality: LocalityRecord?
        if link.isEmpty || !form.value("locality").isEmpty {
            locality = try await AccountValidation.locality(&form, field: "locality", voivodeshipField: "voivodeship", req)
        }
        if form.value("address").count > 200 { form.fail("address", req.t("form.error.too_long", ["max": "200"])) }
        // Sessions: each filled row needs a start before its end, in order.
        var sessions: [(Date, Date)] = []
        for index in 1...Self.maximumSessions {
            let start = form.value("session_\(index)_start"), end = form.value("session_\(index)_end")
            if start.isEmpty && end.isEmpty { continue }
            guard let from = DateFormat.parseLocal(start), let to = DateFormat.parseLocal(end), from < to,
                to.timeIntervalSince(from) <= 14 * 86_400, sessions.last.map({ $0.1 <= from }) ?? true
            else {
                form.fail("session_\(index)_start", req.t("event.error.session", ["number": String(index)]))
                continue
            }
            sessions.append((from, to))
        }
        if sessions.isEmpty { form.fail("session_1_start", req.t("event.error.no_sessions")) }
        if let first = sessions.first, first.0 < Date() { form.fail("session_1_start", req.t("event.error.past")) }
        let capacity = Int(form.value("capacity"))
        if capacity == nil || !(1...10_000).contains(capacity ?? 0) { form.fail("capacity", req.t("event.error.capacity")) }
        let deadline = form.value("registration_deadline")
        if !deadline.isEmpty {
            if Age.parseDay(deadline) == nil {
                form.fail("registration_deadline", req.t("account.error.date_invalid"))
            } else if let first = sessions.first, deadline > OfferDates.today(first.0) {
                form.fail("registration_deadline", req.t("event.error.deadline"))
            }
        }
        func age(_ field: String) -> Int? {
            let text = form.value(field)
            guard !text.isEmpty else { return nil }
            guard let value = Int(text), (0...120).contains(value) else {
                form.fail(field, req.t("event.error.age"))
                return nil
            }
            return value
        }
        let minimumAge = age("minimum_age"), maximumAge = age("maximum_age")
        if let minimumAge, let maximumAge, minimumAge > maximumAge { form.fail("maximum_age", req.t("event.error.age")) }
        let prerequisite = form.value("prerequisite")
        if !prerequisite.isEmpty && EventKind(rawValue: prerequisite) == nil { form.fail("prerequisite", req.t("form.error.required")) }
        let questions = form.value("questions").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if questions.count > 5 || questions.contains(where: { $0.count > 300 }) { form.fail("questions", req.t("event.error.questions")) }
        if form.isChecked("selection") && questions.isEmpty { form.fail("questions", req.t("event.error.questions_needed")) }
        guard form.isValid, let organiser, let kind, let voivodeship, let capacity, let first = sessions.first, let last = sessions.last else {
            return try await renderNew(req, organisers, form: form, status: .unprocessableEntity)
        }
        let event = Event()
        event.partnerID = organiser.partnerID
        event.organisationID = organiser.organisationID
        event.organiserName = organiser.name
        event.kind = kind.rawValue
        event.title = title
        event.description = description
        event.audiences = audiences.map(\.rawValue).joined(separator: ",")
        event.voivodeshipCode = voivodeship.terytCode
        event.localityID = locality?.id
        event.address = form.value("address")
        event.onlineLink = link.isEmpty ? nil : link
        event.capacity = capacity
        event.waitlist = form.isChecked("waitlist")
        event.registrationDeadline = deadline.isEmpty ? nil : deadline
        event.minimumAge = minimumAge
        event.maximumAge = maximumAge
        event.regionOnly = form.isChecked("region_only")
        event.coordinatorsOnly = form.isChecked("coordinators_only")
        event.prerequisite = prerequisite.isEmpty ? nil : prerequisite
        event.selection = form.isChecked("selection")
        event.questions = event.selection ? questions.joined(separator: "\n") : ""
        event.competences = CompetenceTags.chosen(form, req)
        event.status = Event.Status.open.rawValue
        event.startsAt = first.0
        event.endsAt = last.1
        event.createdBy = try user.requireID()
        event.createdAt = Date()
        try await event.create(sessions: sessions, on: req.db)
        return req.redirect(to: SitePath.event(try event.requireID().uuidString).path, notice: "event_created")
    }

    // MARK: Registrants, attendance, certificates

    struct RegistrantRow: Encodable {
        let id: String
        let name: String
        let email: String
        let status: String
        let code: String
        let answers: [String]
        let selectAction: String
        let registered: Bool
        let attended: [Bool]
        let certificate: Bool
    }

    struct RegistrantsPage: Encodable {
        let id: String
        let title: String
        let eventHref: String
        let sessions: [SessionRow]
        let rows: [RegistrantRow]
        let waiting: [RegistrantRow]
        let applications: [RegistrantRow]
        let messageAction: String
        let callOffAction: String?
        let open: Bool
        let toggleAction: String
        let attendanceAction: String
        let certificatesAction: String
        let exportHref: String
        let certifies: Bool
    }

    /// The event named in the path, for one of its organisers; anyone else is told it does not exist.
    static func managedEvent(_ req: Request) async throws -> Event {
        let event = try await Self.event(req)
        guard try await EventOrganiser.manages(event, try req.requireUser(), on: req.db) else {
            throw LocalizedAbort(.notFound, key: "event.error.not_found")
        }
        return event
    }

    static func registrations(_ event: Event, on db: any Database) async throws -> [EventRegistration] {
        try await EventRegistration.query(on: db).filter(\.$event.$id == event.requireID())
            .filter(\.$status != EventRegistration.Status.cancelled.rawValue).with(\.$user).sort(\.$createdAt).all()
    }

    /// Which sessions each registration attended.
    static func attendance(_ sessions: [EventSession], on db: any Database) async throws -> Set<String> {
        let ids = sessions.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        return Set(try await SessionAttendance.query(on: db).filter(\.$session.$id ~~ ids).all().map { "\($0.$session.id)/\($0.$registration.id)" })
    }

    @Sendable
    func registrants(req: Request) async throws -> View {
        let event = try await Self.managedEvent(req)
        let id = try event.requireID().uuidString
        let sessions = try await Self.sessions(event, on: req.db)
        let registrations = try await Self.registrations(event, on: req.db)
        let attended = try await Self.attendance(sessions, on: req.db)
        let rows = registrations.map { registration in
            RegistrantRow(id: registration.id?.uuidString ?? "", name: registration.user.displayName, email: registration.user.email,
                          status: req.t("event.registration.\(registration.status)"), code: registration.status,
                          answers: registration.answers.components(separatedBy: "\n\n").filter { !$0.isEmpty },
                          selectAction: SitePath.selectApplicant(id, registration.id?.uuidString ?? "").path,
                          registered: registration.status == EventRegistration.Status.registered.rawValue,
                          attended: sessions.map { attended.contains("\($0.id ?? UUID())/\(registration.id ?? UUID())") },
                          certificate: registration.certificateIssuedAt != nil)
        }
        return try await req.render("events/registrants", title: req.t("event.registrants"), RegistrantsPage(
            id: id, title: event.title, eventHref: SitePath.event(id).path,
            sessions: sessions.map { SessionRow(id: $0.id?.uuidString ?? "", label: Self.sessionLabel($0, req)) },
            rows: rows.filter(\.registered), waiting: rows.filter { $0.code == EventRegistration.Status.waiting.rawValue },
            applications: rows.filter { $0.code == EventRegistration.Status.applied.rawValue || $0.code == EventRegistration.Status.declined.rawValue },
            messageAction: SitePath.messageRegistrants(id).path,
            callOffAction: event.status == Event.Status.cancelled.rawValue ? nil : SitePath.callOffEvent(id).path,
            open: event.status == Event.Status.open.rawValue,
            toggleAction: SitePath.eventRegistrationState(id).path, attendanceAction: SitePath.eventAttendance(id).path,
            certificatesAction: SitePath.eventCertificates(id).path, exportHref: SitePath.eventRegistrantsExport(id).path,
            certifies: event.kindValue.certifiesCompletion))
    }

    @Sendable
    func exportRegistrants(req: Request) async throws -> Response {
        let event = try await Self.managedEvent(req)
        let registrations = try await Self.registrations(event, on: req.db)
        let dates = DateFormat(catalogue: req.catalogue)
        let header = ["event.csv.name", "event.csv.email", "event.csv.status", "event.csv.registered_at"].map { req.t($0) }
        let rows = registrations.map {
            [$0.user.displayName, $0.user.email, req.t("event.registration.\($0.status)"), dates.shortDateTime($0.createdAt)]
        }
        return HoursController.csvResponse(HoursController.csv([header] + rows), name: "korpus-uczestnicy.csv")
    }

    @Sendable
    func toggleRegistration(req: Request) async throws -> Response {
        let event = try await Self.managedEvent(req)
        guard event.status != Event.Status.cancelled.rawValue else { throw LocalizedAbort(.conflict, key: "event.error.cancelled") }
        event.status = event.status == Event.Status.open.rawValue ? Event.Status.closed.rawValue : Event.Status.open.rawValue
        try await event.save(on: req.db)
        return req.redirect(to: SitePath.eventRegistrants(try event.requireID().uuidString).path,
                            notice: event.status == Event.Status.open.rawValue ? "event_opened" : "event_closed")
    }

    /// The organiser selects an applicant (a place, while places are left) or declines them; they are told.
    @Sendable
    func select(req: Request) async throws -> Response {
        let event = try await Self.managedEvent(req)
        let eventID = try event.requireID()
        guard let id = req.parameters.get("registrationID").flatMap(UUID.init(uuidString:)) else {
            throw LocalizedAbort(.notFound, key: "event.error.not_registered_person")
        }
        let accept = FormState(values: try req.formFields()).value("decision") == "accept"
        let registration = try await req.db.writing { db -> EventRegistration in
            try await Self.lock(eventID, on: db)
            guard let registration = try await EventRegistration.query(on: db).filter(\.$id == id).filter(\.$event.$id == eventID).with(\.$user).first(),
                registration.status == EventRegistration.Status.applied.rawValue
            else { throw LocalizedAbort(.conflict, key: "event.error.not_applied") }
            if accept {
                let taken = try await Self.taken([eventID], on: db)[eventID] ?? 0
                guard taken < event.capacity else { throw LocalizedAbort(.conflict, key: "event.error.no_places_left") }
            }
            registration.status = (accept ? EventRegistration.Status.registered : .declined).rawValue
            try await registration.save(on: db)
            return registration
        }
        try await req.mailer.send(template: accept ? "event_selected" : "event_declined", to: registration.user.email,
                                  name: registration.user.displayName, language: registration.user.preferredLanguage,
                                  link: SitePath.event(eventID.uuidString).path, arguments: ["event": event.title, "when": Self.when(event, req)])
        return req.redirect(to: SitePath.eventRegistrants(eventID.uuidString).path, notice: accept ? "applicant_selected" : "applicant_declined")
    }

    /// The organiser writes to everyone registered, waiting or applying, by e-mail and in their notifications.
    @Sendable
    func message(req: Request) async throws -> Response {
        let event = try await Self.managedEvent(req)
        let user = try req.requireUser()
        let text = FormState(values: try req.formFields()).value("message")
        guard (3...2000).contains(text.count) else { throw LocalizedAbort(.unprocessableEntity, key: "event.error.message") }
        let key = "message:\(try user.requireID())"
        try await Throttle.messages.admit(key, on: req.db)
        let recipients = try await Self.registrations(event, on: req.db).filter { $0.status != EventRegistration.Status.declined.rawValue }
        for registration in recipients {
            try await req.mailer.send(template: "event_message", to: registration.user.email, name: registration.user.displayName,
                                      language: registration.user.preferredLanguage, link: SitePath.event(try event.requireID().uuidString).path,
                                      arguments: ["event": event.title, "organiser": event.organiserName, "message": text])
        }
        return req.redirect(to: SitePath.eventRegistrants(try event.requireID().uuidString).path, notice: "registrants_messaged")
    }

    /// The organiser calls the event off with a reason; everyone registered, waiting or applying is told, and
    /// feeds mark its sessions cancelled.
    @Sendable
    func callOff(req: Request) async throws -> Response {
        let event = try await Self.managedEvent(req)
        guard event.status != Event.Status.cancelled.rawValue else { throw LocalizedAbort(.conflict, key: "event.error.cancelled") }
        let reason = FormState(values: try req.formFields()).value("reason")
        guard (3...500).contains(reason.count) else { throw LocalizedAbort(.unprocessableEntity, key: "event.error.reason") }
        event.status = Event.Status.cancelled.rawValue
        try await event.save(on: req.db)
        for registration in try await Self.registrations(event, on: req.db) where registration.status != EventRegistration.Status.declined.rawValue {
            try await req.mailer.send(template: "event_called_off", to: registration.user.email, name: registration.user.displayName,
                                      language: registration.user.preferredLanguage, link: SitePath.events.path,
                                      arguments: ["event": event.title, "when": Self.when(event, req), "organiser": event.organiserName,
                                                  "reason": reason])
        }
        return req.redirect(to: SitePath.event(try event.requireID().uuidString).path, notice: "event_cancelled_by_organiser")
    }

    /// Saves who attended one session: the ticked registrations, all of them with a place at this event.
    @Sendable
    func attendance(req: Request) async throws -> Response {
        let event = try await Self.managedEvent(req)
        let user = try req.requireUser()
        let form = FormState(values: try req.formFields())
        let sessions = try await Self.sessions(event, on: req.db)
        guard let session = sessions.first(where: { $0.id?.uuidString == form.value("session_id") }), let sessionID = session.id else {
            throw LocalizedAbort(.unprocessableEntity, key: "event.error.session_unknown")
        }
        let registered = Dictionary(uniqueKeysWithValues: try await Self.registrations(event, on: req.db)
            .filter { $0.status == EventRegistration.Status.registered.rawValue }.compactMap { registration in registration.id.map { ($0.uuidString, registration) } })
        let ticked = form.values.keys.filter { $0.hasPrefix("present_") }.map { String($0.dropFirst("present_".count)) }
        guard ticked.allSatisfy({ registered[$0] != nil }) else { throw LocalizedAbort(.unprocessableEntity, key: "event.error.not_registered_person") }
        try await req.db.writing { db in
            try await SessionAttendance.query(on: db).filter(\.$session.$id == sessionID).delete()
            for id in ticked {
                let row = SessionAttendance()
                row.$session.id = sessionID
                row.$registration.id = try registered[id]!.requireID()
                row.markedBy = try user.requireID()
                row.markedAt = Date()
                try await row.create(on: db)
            }
        }
        return req.redirect(to: SitePath.eventRegistrants(try event.requireID().uuidString).path, notice: "attendance_saved")
    }

    /// Issues completion certificates to everyone with a place who attended every session and has none yet.
    @Sendable
    func issueCertificates(req: Request) async throws -> Response {
        let event = try await Self.managedEvent(req)
        guard event.kindValue.certifiesCompletion else { throw LocalizedAbort(.conflict, key: "event.error.no_certificates") }
        let sessions = try await Self.sessions(event, on: req.db)
        let attended = try await Self.attendance(sessions, on: req.db)
        let issuedAt = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        var issued = 0
        for registration in try await Self.registrations(event, on: req.db)
            where registration.status == EventRegistration.Status.registered.rawValue && registration.certificateIssuedAt == nil
            && sessions.allSatisfy({ attended.contains("\($0.id ?? UUID())/\(registration.id ?? UUID())") }) {
            registration.certificateIssuedAt = issuedAt
            registration.certificateName = registration.user.displayName
            try await registration.save(on: req.db)
            try await req.mailer.send(template: "event_certificate", to: registration.user.email, name: registration.user.displayName,
                                      language: registration.user.preferredLanguage, link: SitePath.myEvents.path, arguments: ["event": event.title])
            issued += 1
        }
        return req.redirect(to: SitePath.eventRegistrants(try event.requireID().uuidString).path,
                            notice: issued > 0 ? "event_certificates_issued" : "event_certificates_none")
    }

    @Sendable
    func certificatePDF(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("registrationID").flatMap(UUID.init(uuidString:)),
            let registration = try await EventRegistration.query(on: req.db).filter(\.$id == id).with(\.$event).first(),
            let issuedAt = registration.certificateIssuedAt
        else { throw LocalizedAbort(.notFound, key: "certificate.error.not_found") }
        let own = try registration.$user.id == user.requireID()
        if !own, !(try await EventOrganiser.manages(registration.event, user, on: req.db)) {
            throw LocalizedAbort(.notFound, key: "certificate.error.not_found")
        }
        let event = registration.event
        let sessions = try await Self.sessions(event, on: req.db)
        let polish = req.application.catalogues[.pl]
        let dates = DateFormat(catalogue: polish)
        func t(_ key: String, _ arguments: [String: String] = [:]) -> String { polish.text("event.doc.\(key)", arguments) }
        let code = try req.application.documentSeal.code(kind: .trainingCertificate, id: id, facts: SealedTrainingCertificates.facts(registration))
        var document = PDFDocument(title: t("title"))
        document.heading(t("title"), size: 15)
        document.paragraph(t("statement", ["name": registration.certificateName ?? "", "kind": polish.text(event.kindValue.catalogueKey),
                                           "event": event.title, "organiser": event.organiserName]))
        document.field(t("dates"), sessions.map { dates.timeSpan($0.startsAt, $0.endsAt) }
            .joined(separator: "; "))
        document.field(t("sessions"), String(sessions.count))
        document.space(16)
        document.paragraph(t("issued", ["organiser": event.organiserName, "day": dates.longDate(issuedAt)]))
        document.footer = DocumentSeals.footer(code: code, req)
        document.pageLabel = DocumentSeals.pageLabel(req)
        return DocumentSeals.pdfResponse(document.bytes(created: issuedAt), name: "zaswiadczenie-ukonczenia-\(id.uuidString.prefix(8).lowercased()).pdf")
    }

    // MARK: My events and the feed

    struct MyEventRow: Encodable {
        let title: String
        let href: String
        let when: String
        let status: String
        let certificateHref: String?
    }

    struct MyEventsPage: Encodable {
        let upcoming: [MyEventRow]
        let past: [MyEventRow]
        let bookings: [CounsellingController.MyBooking]
        let feedURL: String?
        let feedAction: String
    }

    @Sendable
    func myEvents(req: Request) async throws -> View {
        let user = try req.requireUser()
        let registrations = try await EventRegistration.query(on: req.db).filter(\.$user.$id == user.requireID())
            .filter(\.$status != EventRegistration.Status.cancelled.rawValue).with(\.$event).all()
            .sorted { $0.event.startsAt < $1.event.startsAt }
        let now = Date()
        let rows = registrations.map { registration in
            (registration.event.endsAt >= now, MyEventRow(
                title: registration.event.title, href: SitePath.event(registration.$event.id.uuidString).path,
                when: Self.when(registration.event, req), status: req.t("event.registration.\(registration.status)"),
                certificateHref: registration.certificateIssuedAt == nil ? nil : SitePath.eventCertificatePDF(registration.id?.uuidString ?? "").path))
        }
        let feed = try await CalendarFeed.query(on: req.db).filter(\.$user.$id == user.requireID()).first()
        return try await req.render("events/mine", title: req.t("events.mine"), MyEventsPage(
            upcoming: rows.filter(\.0).map(\.1), past: rows.filter { !$0.0 }.map(\.1).reversed(),
            bookings: try await CounsellingController.myBookings(user, req),
            feedURL: feed.map { req.application.settings.baseURL + SitePath.calendarFeed($0.secret + ".ics").path },
            feedAction: SitePath.myEventsFeed.path))
    }

    /// Creates the person's feed address, or a new one in place of the old (which stops working).
    @Sendable
    func renewFeed(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let feed = try await CalendarFeed.query(on: req.db).filter(\.$user.$id == user.requireID()).first() ?? CalendarFeed()
        feed.$user.id = try user.requireID()
        feed.secret = SecureToken.generate()
        feed.createdAt = Date()
        try await feed.save(on: req.db)
        return req.redirect(to: SitePath.myEvents.path, notice: "feed_renewed")
    }
}

/// Completion certificates on the public verification page.
enum SealedTrainingCertificates: SealedRecords {
    static let kind = DocumentKind.trainingCertificate

    static func facts(_ registration: EventRegistration) -> [String] {
        [registration.certificateName ?? "", registration.event.title, registration.event.organiserName,
         OfferDates.today(registration.event.startsAt), OfferDates.today(registration.event.endsAt),
         registration.certificateIssuedAt.map { String(Int($0.timeIntervalSince1970)) } ?? ""]
    }

    static func sealed(_ id: UUID, _ req: Request) async throws -> SealedDocument? {
        guard let registration = try await EventRegistration.query(on: req.db).filter(\.$id == id).with(\.$event).first(),
            registration.certificateIssuedAt != nil
        else { return nil }
        let dates = DateFormat(catalogue: req.catalogue)
        let event = registration.event
        return SealedDocument(facts: facts(registration), titleKey: "verification.training_genuine", fields: [
            .init(label: req.t("event.doc.participant"), value: registration.certificateName ?? ""),
            .init(label: req.t("event.field.title"), value: event.title),
            .init(label: req.t("event.field.organiser"), value: event.organiserName),
            .init(label: req.t("certificate.period"), value: "\(dates.longDay(OfferDates.today(event.startsAt))) – \(dates.longDay(OfferDates.today(event.endsAt)))"),
        ])
    }
}
