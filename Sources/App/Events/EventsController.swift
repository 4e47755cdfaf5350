import Fluent
import KorpusCore
import SQLKit
import Vapor

/// Who may organise events: operators of a regional or local partner, and coordinators of a verified
/// organisation.
struct EventOrganiser: Equatable {
    let partnerID: UUID?
    let organisationID: UUID?
    let name: String
    let voivodeshipCode: String

    var code: String { partnerID.map { "partner:\($0)" } ?? organisationID.map { "organisation:\($0)" } ?? "" }

    static func all(of user: User, on db: any Database) async throws -> [EventOrganiser] {
        var organisers = try await PartnerOperator.partners(of: user, on: db).map {
            EventOrganiser(partnerID: $0.id, organisationID: nil, name: $0.name, voivodeshipCode: $0.voivodeshipCode)
        }
        let memberships = try await OrganisationMembership.query(on: db).filter(\.$user.$id == user.requireID())
            .filter(\.$status == OrganisationMembership.Status.active.rawValue).with(\.$organisation).all()
        for membership in memberships where membership.organisation.status == Organisation.Status.verified.rawValue {
            let organisation = membership.organisation
            guard !organisers.contains(where: { $0.organisationID == organisation.id }) else { continue }
            organisers.append(EventOrganiser(partnerID: nil, organisationID: organisation.id, name: organisation.name,
                                             voivodeshipCode: organisation.voivodeshipCode))
        }
        return organisers
    }

    /// Whether the user organises this event.
    static func manages(_ event: Event, _ user: User, on db: any Database) async throws -> Bool {
        let userID = try user.requireID()
        if let partnerID = event.partnerID {
            return try await PartnerOperator.query(on: db).filter(\.$partner.$id == partnerID).filter(\.$user.$id == userID).count() > 0
        }
        if let organisationID = event.organisationID {
            return try await OrganisationMembership.role(of: userID, in: organisationID, on: db) != nil
        }
        return false
    }
}

/// Events: the public catalogue (filters, a month's calendar, iCalendar files), registration with a
/// waitlist, the organiser's list of registrants with attendance and completion certificates, and each
/// person's events with a private iCalendar feed.
struct EventsController: RouteCollection {
    static let pageSize = 20
    static let maximumSessions = 6

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.events.components, use: catalogue).publicAccess()
        routes.get(SitePath.event("").components, use: show).publicAccess()
        routes.get(SitePath.eventCalendarFile("").components, use: eventFile).publicAccess()
        routes.get(SitePath.calendarFeed("").components, use: feed).publicAccess()
        let signedIn = routes.grouped(SignedInGuard())
        signedIn.get(SitePath.newEvent.components, use: newForm)
        signedIn.post(SitePath.newEvent.components, use: create)
        signedIn.post(SitePath.registerForEvent("").components, use: register)
        signedIn.post(SitePath.cancelRegistration("").components, use: cancel)
        signedIn.post(SitePath.registerVolunteer("").components, use: registerVolunteer)
        signedIn.post(SitePath.selectApplicant("", "").components, use: select)
        signedIn.post(SitePath.messageRegistrants("").components, use: message)
        signedIn.post(SitePath.callOffEvent("").components, use: callOff)
        signedIn.get(SitePath.eventRegistrants("").components, use: registrants)
        signedIn.get(SitePath.eventRegistrantsExport("").components, use: exportRegistrants)
        signedIn.post(SitePath.eventAttendance("").components, use: attendance)
        signedIn.post(SitePath.eventRegistrationState("").components, use: toggleRegistration)
        signedIn.post(SitePath.eventCertificates("").components, use: issueCertificates)
        signedIn.get(SitePath.eventCertificatePDF("").components, use: certificatePDF)
        signedIn.get(SitePath.myEvents.components, use: myEvents)
        signedIn.post(SitePath.myEventsFeed.components, use: renewFeed)
    }

    // MARK: Catalogue

    struct Card: Encodable {
        let title: String
        let href: String
        let kind: String
        let organiser: String
        let when: String
        let place: String
        let places: String
    }

    struct DayGroup: Encodable {
        let day: String
        let cards: [Card]
    }

    struct CataloguePage: Encodable {
        let kinds: [LocalitiesController.Option]
        let audiences: [LocalitiesController.Option]
        let voivodeships: [LocalitiesController.Option]
        let from: String
        let to: String
        let online: Bool
        let placesLeft: Bool
        let cards: [Card]
        let summary: String
        let nextHref: String?
        let previousHref: String?
        let calendar: Bool
        let month: String
        let days: [DayGroup]
        let previousMonthHref: String
        let nextMonthHref: String
        let listHref: String
        let calendarHref: String
        let canOrganise: Bool
    }

    struct Filters {
        var kind: EventKind?
        var audience: EventAudience?
        var voivodeship: Voivodeship?
        var from: String?
        var to: String?
        var online = false
        var placesLeft = false

        init(_ req: Request) {
            kind = (try? req.query.get(String.self, at: "rodzaj")).flatMap(EventKind.init(rawValue:))
            audience = (try? req.query.get(String.self, at: "dla")).flatMap(EventAudience.init(rawValue:))
            voivodeship = (try? req.query.get(String.self, at: "wojewodztwo")).flatMap { Voivodeship(terytCode: $0) }
            from = (try? req.query.get(String.self, at: "od")).flatMap { Age.parseDay($0) != nil ? $0 : nil }
            to = (try? req.query.get(String.self, at: "do")).flatMap { Age.parseDay($0) != nil ? $0 : nil }
            online = (try? req.query.get(String.self, at: "online")) == "tak"
            placesLeft = (try? req.query.get(String.self, at: "wolne")) == "tak"
        }

        var items: [URLQueryItem] {
            var items: [URLQueryItem] = []
            if let kind { items.append(.init(name: "rodzaj", value: kind.rawValue)) }
            if let audience { items.append(.init(name: "dla", value: audience.rawValue)) }
            if let voivodeship { items.append(.init(name: "wojewodztwo", value: voivodeship.terytCode)) }
            if let from { items.append(.init(name: "od", value: from)) }
            if let to { items.append(.init(name: "do", value: to)) }
            if online { items.append(.init(name: "online", value: "tak")) }
            if placesLeft { items.append(.init(name: "wolne", value: "tak")) }
            return items
        }
    }

    static func href(_ items: [URLQueryItem]) -> String {
        var components = URLComponents()
        components.queryItems = items
        let query = components.percentEncodedQuery ?? ""
        return SitePath.events.path + (query.isEmpty ? "" : "?" + query)
    }

    /// The events matching the filters that end after `after` and start before `before`.
    static func query(_ filters: Filters, after: Date, before: Date?, on db: any Database) -> QueryBuilder<Event> {
        var query = Event.query(on: db).filter(\.$status != Event.Status.cancelled.rawValue).filter(\.$endsAt >= after)
        if let before { query = query.filter(\.$startsAt < before) }
        if let kind = filters.kind { query = query.filter(\.$kind == kind.rawValue) }
        if let audience = filters.audience { query = query.filter(\.$audiences, .custom("LIKE"), "%\(audience.rawValue)%") }
        if let voivodeship = filters.voivodeship { query = query.filter(\.$voivodeshipCode == voivodeship.terytCode) }
        if filters.online { query = query.filter(\.$onlineLink != nil) }
        if filters.placesLeft {
            query = query.filter(.sql(unsafeRaw: "capacity > (SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = events.id AND r.status = 'registered')"))
        }
        return query
    }

    static func cards(_ events: [Event], _ req: Request) async throws -> [Card] {
        let places = try await LocalityQuery.names(of: events.compactMap(\.localityID), on: req.db)
        let taken = try await Self.taken(events.compactMap(\.id), on: req.db)
        return events.map { event in
            let left = max(0, event.capacity - (taken[event.id ?? UUID()] ?? 0))
            return Card(title: event.title, href: SitePath.event(event.id?.uuidString ?? "").path, kind: req.t(event.kindValue.catalogueKey),
                        organiser: event.organiserName, when: Self.when(event, req),
                        place: event.isOnline ? req.t("event.online") : (event.localityID.flatMap { places[$0] } ?? ""),
                        places: left > 0 ? req.catalogue.plural("event.places_left", count: left)
                            : (event.waitlist ? req.t("event.full_waitlist") : req.t("event.full")))
        }
    }

    /// Places taken (registrations with a place) per event.
    static func taken(_ ids: [UUID], on db: any Database) async throws -> [UUID: Int] {
        guard !ids.isEmpty else { return [:] }
        var counts: [UUID: Int] = [:]
        for registration in try await EventRegistration.query(on: db).filter(\.$event.$id ~~ ids)
            .filter(\.$status == EventRegistration.Status.registered.rawValue).all() {
            counts[registration.$event.id, default: 0] += 1
        }
        return counts
    }

    static func when(_ event: Event, _ req: Request) -> String {
        let dates = DateFormat(catalogue: req.catalogue)
        let first = OfferDates.today(event.startsAt), last = OfferDates.today(event.endsAt)
        if first == last { return dates.timeSpan(event.startsAt, event.endsAt) }
        return "\(dates.longDay(first)) – \(dates.longDay(last))"
    }

    @Sendable
    func catalogue(req: Request) async throws -> View {
        let filters = Filters(req)
        let calendarView = (try? req.query.get(String.self, at: "widok")) == "kalendarz"
        let month = (try? req.query.get(String.self, at: "miesiac")).flatMap(YearMonth.init) ?? YearMonth.current()
        let page = max(1, min(1000, (try? req.query.get(Int.self, at: "strona")) ?? 1))
        var cards: [Card] = [], days: [DayGroup] = [], total = 0
        if calendarView {
            let start = DateFormat.parseLocal(month.description + "-01T00:00") ?? Date()
            let end = DateFormat.parseLocal(month.adding(months: 1).description + "-01T00:00") ?? Date()
            let events = try await Self.query(filters, after: start, before: end, on: req.db).sort(\.$startsAt).limit(500).all()
            let all = try await Self.cards(events, req)
            let dates = DateFormat(catalogue: req.catalogue)
            var grouped: [(String, [Card])] = []
            for (event, card) in zip(events, all) {
                let day = max(OfferDates.today(event.startsAt), month.description + "-01")
                if let index = grouped.firstIndex(where: { $0.0 == day }) { grouped[index].1.append(card) } else { grouped.append((day, [card])) }
            }
            days = grouped.map { DayGroup(day: dates.longDay($0.0), cards: $0.1) }
            total = events.count
        } else {
            let after = filters.from.flatMap { DateFormat.parseLocal($0 + "T00:00") } ?? Date()
            let before = filters.to.flatMap { DateFormat.parseLocal($0 + "T23:59") }
            let query = Self.query(filters, after: after, before: before, on: req.db)
            total = try await query.count()
            let events = try await query.sort(\.$startsAt).range(((page - 1) * Self.pageSize)..<(page * Self.pageSize)).all()
            cards = try await Self.cards(events, req)
        }
        let items = filters.items
        var canOrganise = false
        if let user = req.user { canOrganise = try await !EventOrganiser.all(of: user, on: req.db).isEmpty }
        return try await req.render("events/catalogue", title: req.t("events.title"), CataloguePage(
            kinds: EventKind.allCases.map { .init(code: $0.rawValue, name: req.t($0.catalogueKey), selected: $0 == filters.kind) },
            audiences: EventAudience.allCases.map { .init(code: $0.rawValue, name: req.t($0.catalogueKey), selected: $0 == filters.audience) },
            voivodeships: LocalitiesController.voivodeshipOptions(req, selected: filters.voivodeship?.terytCode ?? ""),
            from: filters.from ?? "", to: filters.to ?? "", online: filters.online, placesLeft: filters.placesLeft,
            cards: cards, summary: req.catalogue.plural("events.found", count: total),
            nextHref: !calendarView && page * Self.pageSize < total ? Self.href(items + [.init(name: "strona", value: String(page + 1))]) : nil,
            previousHref: !calendarView && page > 1 ? Self.href(items + [.init(name: "strona", value: String(page - 1))]) : nil,
            calendar: calendarView, month: Membership.monthName(month, req), days: days,
            previousMonthHref: Self.href(items + [.init(name: "widok", value: "kalendarz"), .init(name: "miesiac", value: month.adding(months: -1).description)]),
            nextMonthHref: Self.href(items + [.init(name: "widok", value: "kalendarz"), .init(name: "miesiac", value: month.adding(months: 1).description)]),
            listHref: Self.href(items), calendarHref: Self.href(items + [.init(name: "widok", value: "kalendarz"), .init(name: "miesiac", value: month.description)]),
            canOrganise: canOrganise))
    }

    // MARK: One event

    struct Question: Encodable {
        let field: String
        let text: String
    }

    struct SessionRow: Encodable {
        let id: String
        let label: String
    }

    struct EventPage: Encodable {
        let id: String
        let title: String
        let kind: String
        let organiser: String
        let audiences: String
        let competences: String?
        let description: [String]
        let place: String
        let onlineLink: String?
        let sessions: [SessionRow]
        let places: String
        let deadline: String?
        let conditions: [String]
        let status: String?
        let signedIn: Bool
        let registration: String?
        let registerAction: String?
        let cancelAction: String?
        let refusal: String?
        let questions: [Question]
        let volunteers: [LocalitiesController.Option]
        let registerVolunteerAction: String?
        let manageHref: String?
        let icsHref: String
    }

    static func event(_ req: Request) async throws -> Event {
        guard let id = req.parameters.get("eventID").flatMap(UUID.init(uuidString:)), let event = try await Event.find(id, on: req.db) else {
            throw LocalizedAbort(.notFound, key: "event.error.not_found")
        }
        return event
    }

    static func sessions(_ event: Event, on db: any Database) async throws -> [EventSession] {
        try await EventSession.query(on: db).filter(\.$event.$id == event.requireID()).sort(\.$position).all()
    }

    static func sessionLabel(_ session: EventSession, _ req: Request) -> String {
        DateFormat(catalogue: req.catalogue).timeSpan(session.startsAt, session.endsAt)
    }

    /// The facts the rules decide a registration by.
    static func facts(_ event: Event, taken: Int) -> EventFacts {
        EventFacts(open: event.status == Event.Status.open.rawValue, deadline: event.registrationDeadline, capacity: event.capacity, taken: taken,
                   waitlist: event.waitlist, minimumAge: event.minimumAge, maximumAge: event.maximumAge,
                   voivodeship: event.regionOnly ? event.voivodeshipCode : nil, coordinatorsOnly: event.coordinatorsOnly,
                   prerequisite: event.prerequisite.flatMap(EventKind.init(rawValue:)), selection: event.selection)
    }

    static func registrant(_ user: User, event: Event, on db: any Database) async throws -> RegistrantFacts {
        let userID = try user.requireID()
        let voivodeship = try await user.localityID.asyncFlatMap { try await LocalityRecord.find($0, on: db)?.voivodeshipCode }
        let coordinator = try await OrganisationMembership.query(on: db).filter(\.$user.$id == userID)
            .filter(\.$status == OrganisationMembership.Status.active.rawValue).count() > 0
        let completed = try await EventRegistration.query(on: db).filter(\.$user.$id == userID).filter(\.$certificateIssuedAt != nil)
            .with(\.$event).all().map(\.event.kindValue)
        let existing = try await EventRegistration.query(on: db).filter(\.$user.$id == userID).filter(\.$event.$id == event.requireID())
            .filter(\.$status != EventRegistration.Status.cancelled.rawValue).count() > 0
        return RegistrantFacts(age: user.age(), voivodeship: voivodeship, isCoordinator: coordinator, completed: Set(completed),
                               alreadyRegistered: existing)
    }

    @Sendable
    func show(req: Request) async throws -> View {
        let event = try await Self.event(req)
        let eventID = try event.requireID()
        let sessions = try await Self.sessions(event, on: req.db)
        let taken = try await Self.taken([eventID], on: req.db)[eventID] ?? 0
        let left = max(0, event.capacity - taken)
        let locality = try await event.localityID.asyncFlatMap { try await LocalityQuery.names(of: [$0], on: req.db)[$0] }
        var registration: String?, registerAction: String?, cancelAction: String?, refusal: String?, manage: String?
        var volunteers: [User] = []
        var hasPlace = false
        if let user = req.user {
            if event.status == Event.Status.open.rawValue { volunteers = try await Self.volunteersOf(user, on: req.db) }
            let mine = try await EventRegistration.query(on: req.db).filter(\.$event.$id == eventID).filter(\.$user.$id == user.requireID())
                .filter(\.$status != EventRegistration.Status.cancelled.rawValue).first()
            if let mine {
                hasPlace = mine.status == EventRegistration.Status.registered.rawValue
                registration = req.t("event.you_are.\(mine.status)")
                if mine.status == EventRegistration.Status.waiting.rawValue {
                    // The place in the queue, counted in order of registration (ids from the database, not times
                    // compared through a round trip).
                    let queue = try await EventRegistration.query(on: req.db).filter(\.$event.$id == eventID)
                        .filter(\.$status == EventRegistration.Status.waiting.rawValue).sort(\.$createdAt).all().compactMap(\.id)
                    registration = req.t("event.you_wait", ["position": String((queue.firstIndex(of: mine.id ?? UUID()) ?? 0) + 1)])
                }
                if mine.status != EventRegistration.Status.declined.rawValue {
                    cancelAction = SitePath.cancelRegistration(eventID.uuidString).path
                }
            } else {
                switch EventRules.decide(Self.facts(event, taken: taken), try await Self.registrant(user, event: event, on: req.db), today: OfferDates.today()) {
                case .place, .waitlist, .application: registerAction = SitePath.registerForEvent(eventID.uuidString).path
                case .refused(let reason): refusal = req.t(reason.catalogueKey)
                }
            }
            if try await EventOrganiser.manages(event, user, on: req.db) { manage = SitePath.eventRegistrants(eventID.uuidString).path }
        }
        var conditions: [String] = []
        if let minimum = event.minimumAge { conditions.append(req.t("event.condition.minimum_age", ["age": String(minimum)])) }
        if let maximum = event.maximumAge { conditions.append(req.t("event.condition.maximum_age", ["age": String(maximum)])) }
        if event.regionOnly { conditions.append(req.t("event.condition.region", ["voivodeship": req.t(Voivodeship(terytCode: event.voivodeshipCode)?.catalogueKey ?? "")])) }
        if event.coordinatorsOnly { conditions.append(req.t("event.condition.coordinators")) }
        if let prerequisite = event.prerequisite.flatMap(EventKind.init(rawValue:)) {
            conditions.append(req.t("event.condition.prerequisite", ["kind": req.t(prerequisite.catalogueKey)]))
        }
        return try await req.render("events/show", title: event.title, EventPage(
            id: eventID.uuidString, title: event.title, kind: req.t(event.kindValue.catalogueKey), organiser: event.organiserName,
            audiences: event.audienceList.map { req.t($0.catalogueKey) }.joined(separator: ", "),
            competences: CompetenceTags.names(event.competences, req),
            description: event.description.components(separatedBy: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty },
            place: event.isOnline ? req.t("event.online") : [event.address, locality ?? ""].filter { !$0.isEmpty }.joined(separator: ", "),
            onlineLink: hasPlace || manage != nil ? event.onlineLink : nil,
            sessions: sessions.map { SessionRow(id: $0.id?.uuidString ?? "", label: Self.sessionLabel($0, req)) },
            places: left > 0 ? req.catalogue.plural("event.places_left", count: left) : (event.waitlist ? req.t("event.full_waitlist") : req.t("event.full")),
            deadline: event.registrationDeadline.map { DateFormat(catalogue: req.catalogue).longDay($0) }, conditions: conditions,
            status: event.status == Event.Status.open.rawValue ? nil : req.t("event.status.\(event.status)"), signedIn: req.user != nil,
            registration: registration, registerAction: registerAction, cancelAction: cancelAction, refusal: refusal,
            questions: event.questionList.enumerated().map { Question(field: "answer_\($0.offset + 1)", text: $0.element) },
            volunteers: volunteers.map { .init(code: $0.id?.uuidString ?? "", name: $0.displayName, selected: false) },
            registerVolunteerAction: volunteers.isEmpty || event.selection ? nil : SitePath.registerVolunteer(eventID.uuidString).path,
            manageHref: manage,
            icsHref: SitePath.eventCalendarFile(eventID.uuidString).path))
    }

    // MARK: Registration

    /// Locks the event's row for the rest of the transaction (PostgreSQL; SQLite writes one at a time), so
    /// places are counted and taken one registration at a time.
    static func lock(_ eventID: UUID, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("UPDATE events SET status = status WHERE id = \(bind: eventID)").run()
    }

    /// Enrols a person by the rules: a place, the waitlist, or an application for the organiser to decide
    /// on; refused with the rule's reason. Places are counted with the event's row locked.
    static func enrol(_ person: User, in event: Event, by registrar: User, answers: String, _ req: Request) async throws -> EventRegistration.Status {
        let eventID = try event.requireID(), personID = try person.requireID(), registrarID = try registrar.requireID()
        let facts = try await Self.registrant(person, event: event, on: req.db)
        return try await req.db.writing { db -> EventRegistration.Status in
            try await Self.lock(eventID, on: db)
            guard let current = try await Event.find(eventID, on: db) else { throw LocalizedAbort(.notFound, key: "event.error.not_found") }
            let taken = try await Self.taken([eventID], on: db)[eventID] ?? 0
            let existing = try await EventRegistration.query(on: db).filter(\.$event.$id == eventID).filter(\.$user.$id == personID).first()
            var person = facts
            person.alreadyRegistered = existing.map { $0.status != EventRegistration.Status.cancelled.rawValue } ?? false
            let status: EventRegistration.Status
            switch EventRules.decide(Self.facts(current, taken: taken), person, today: OfferDates.today()) {
            case .place: status = .registered
            case .waitlist: status = .waiting
            case .application: status = .applied
            case .refused(let reason): throw LocalizedAbort(reason == .alreadyRegistered ? .conflict : .forbidden, key: reason.catalogueKey)
            }
            let registration = existing ?? EventRegistration()
            registration.$event.id = eventID
            registration.$user.id = personID
            registration.status = status.rawValue
            registration.registeredBy = registrarID
            registration.answers = answers
            registration.createdAt = Date()
            try await registration.save(on: db)
            return status
        }
    }

    /// The answers to an event's questions from a form ("answer_1", …), each required, as one text.
    static func answers(_ event: Event, _ form: FormState) throws -> String {
        let questions = event.questionList
        var blocks: [String] = []
        for (index, question) in questions.enumerated() {
            let answer = form.value("answer_\(index + 1)")
            guard !answer.isEmpty, answer.count <= 1000 else { throw LocalizedAbort(.unprocessableEntity, key: "event.error.answers") }
            blocks.append(question + "\n" + answer)
        }
        return blocks.joined(separator: "\n\n")
    }

    @Sendable
    func register(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let event = try await Self.event(req)
        let eventID = try event.requireID()
        let answers = event.selection ? try Self.answers(event, FormState(values: try req.formFields())) : ""
        let status = try await Self.enrol(user, in: event, by: user, answers: answers, req)
        try await req.mailer.send(template: "event_\(status.rawValue)", to: user.email, name: user.displayName,
                                  language: user.preferredLanguage, link: SitePath.event(eventID.uuidString).path,
                                  arguments: ["event": event.title, "when": Self.when(event, req)])
        return req.redirect(to: SitePath.event(eventID.uuidString).path, notice: "event_\(status.rawValue)")
    }

    /// The volunteers a coordinator may register: those with an ongoing engagement in their organisations.
    static func volunteersOf(_ coordinator: User, on db: any Database) async throws -> [User] {
        let organisations = try await OrganisationMembership.query(on: db).filter(\.$user.$id == coordinator.requireID())
            .filter(\.$status == OrganisationMembership.Status.active.rawValue).all().map(\.$organisation.id)
        guard !organisations.isEmpty else { return [] }
        let engagements = try await Engagement.query(on: db).filter(\.$organisation.$id ~~ organisations)
            .filter(\.$status == Engagement.Status.active.rawValue).with(\.$volunteer).all()
        var seen = Set<UUID>()
        return engagements.map(\.volunteer).filter { $0.id.map { seen.insert($0).inserted } ?? false }.sorted { $0.displayName < $1.displayName }
    }

    /// A coordinator registers a volunteer of their organisation, by the same rules; the volunteer is told.
    @Sendable
    func registerVolunteer(req: Request) async throws -> Response {
        let coordinator = try req.requireUser()
        let event = try await Self.event(req)
        let eventID = try event.requireID()
        guard !event.selection else { throw LocalizedAbort(.conflict, key: "event.error.apply_yourself") }
        let chosen = FormState(values: try req.formFields()).value("volunteer_id")
        guard let volunteer = try await Self.volunteersOf(coordinator, on: req.db).first(where: { $0.id?.uuidString == chosen }) else {
            throw LocalizedAbort(.notFound, key: "event.error.not_your_volunteer")
        }
        let status = try await Self.enrol(volunteer, in: event, by: coordinator, answers: "", req)
        try await req.mailer.send(template: "event_registered_by", to: volunteer.email, name: volunteer.displayName,
                                  language: volunteer.preferredLanguage, link: SitePath.event(eventID.uuidString).path,
                                  arguments: ["event": event.title, "when": Self.when(event, req), "coordinator": coordinator.displayName,
                                              "status": req.application.catalogues[volunteer.preferredLanguage].text("event.registration.\(status.rawValue)")])
        return req.redirect(to: SitePath.event(eventID.uuidString).path, notice: "volunteer_registered")
    }

    @Sendable
    func cancel(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let event = try await Self.event(req)
        let eventID = try event.requireID(), userID = try user.requireID()
        let promoted = try await req.db.writing { db -> EventRegistration? in
            try await Self.lock(eventID, on: db)
            guard let registration = try await EventRegistration.query(on: db).filter(\.$event.$id == eventID).filter(\.$user.$id == userID)
                .filter(\.$status ~~ [EventRegistration.Status.registered, .waiting, .applied].map(\.rawValue)).first()
            else { throw LocalizedAbort(.notFound, key: "event.error.not_registered") }
            let hadPlace = registration.status == EventRegistration.Status.registered.rawValue
            registration.status = EventRegistration.Status.cancelled.rawValue
            try await registration.save(on: db)
            guard hadPlace, let first = try await EventRegistration.query(on: db).filter(\.$event.$id == eventID)
                .filter(\.$status == EventRegistration.Status.waiting.rawValue).sort(\.$createdAt).with(\.$user).first()
            else { return nil }
            first.status = EventRegistration.Status.registered.rawValue
            try await first.save(on: db)
            return first
        }
        if let promoted {
            try await req.mailer.send(template: "event_promoted", to: promoted.user.email, name: promoted.user.displayName,
                                      language: promoted.user.preferredLanguage, link: SitePath.event(eventID.uuidString).path,
                                      arguments: ["event": event.title, "when": Self.when(event, req)])
        }
        return req.redirect(to: SitePath.event(eventID.uuidString).path, notice: "event_cancelled")
    }

    // MARK: iCalendar

    static func calendarEvents(_ event: Event, _ sessions: [EventSession], _ req: Request) async throws -> [ICalendarEvent] {
        let locality = try await event.localityID.asyncFlatMap { try await LocalityQuery.names(of: [$0], on: req.db)[$0] }
        let place = event.onlineLink ?? [event.address, locality ?? ""].filter { !$0.isEmpty }.joined(separator: ", ")
        let url = req.application.settings.baseURL + SitePath.event(event.id?.uuidString ?? "").path
        return sessions.map { session in
            ICalendarEvent(uid: "\(session.id?.uuidString.lowercased() ?? "")@korpus", start: session.startsAt, end: session.endsAt,
                           summary: sessions.count > 1 ? "\(event.title) (\(session.position)/\(sessions.count))" : event.title,
                           description: event.organiserName + "\n" + url, location: place, url: url,
                           cancelled: event.status == Event.Status.cancelled.rawValue)
        }
    }

    static func calendarResponse(_ text: String, name: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "calendar", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    @Sendable
    func eventFile(req: Request) async throws -> Response {
        let event = try await Self.event(req)
        let events = try await Self.calendarEvents(event, try await Self.sessions(event, on: req.db), req)
        return Self.calendarResponse(ICalendar.calendar(name: event.title, events: events), name: "wydarzenie.ics")
    }

    /// The feed of a person's registrations, by the secret in its address ("…/kalendarz/<secret>.ics").
    @Sendable
    func feed(req: Request) async throws -> Response {
        let secret = (req.parameters.get("token") ?? "").replacingOccurrences(of: ".ics", with: "")
        guard SecureToken.isWellFormed(secret),
            let feed = try await CalendarFeed.query(on: req.db).filter(\.$secret == secret).with(\.$user).first()
        else { throw LocalizedAbort(.notFound, key: "event.error.feed_not_found") }
        let registrations = try await EventRegistration.query(on: req.db).filter(\.$user.$id == feed.$user.id)
            .filter(\.$status == EventRegistration.Status.registered.rawValue).with(\.$event).all()
        var events: [ICalendarEvent] = []
        for registration in registrations {
            events += try await Self.calendarEvents(registration.event, try await Self.sessions(registration.event, on: req.db), req)
        }
        events += try await CounsellingController.calendarEvents(of: feed.$user.id, req)
        return Self.calendarResponse(ICalendar.calendar(name: req.t("events.feed_name"), events: events), name: "korpus.ics")
    }
}

extension Optional {
    /// The value transformed by an asynchronous function that may give nothing.
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
