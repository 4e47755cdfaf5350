import Fluent
import KorpusCore
import SQLKit
import Vapor

/// Counselling (poradnictwo): partners publish times with a counsellor (legal, organisational, for
/// coordinators, for volunteers), online or in person; a person books one with a topic, both sides are told
/// and reminded the day before; either side cancels, which frees the time for someone else.
struct CounsellingController: RouteCollection {
    static let maximumSlots = 12

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.counselling.components, use: list).publicAccess()
        let signedIn = routes.grouped(SignedInGuard())
        signedIn.post(SitePath.bookCounselling("").components, use: book)
        signedIn.post(SitePath.cancelCounselling("").components, use: cancel)
        signedIn.get(SitePath.newCounselling.components, use: newForm)
        signedIn.post(SitePath.newCounselling.components, use: create)
    }

    // MARK: The list, with booking

    struct SlotRow: Encodable {
        let id: String
        let when: String
        let kind: String
        let partner: String
        let place: String
        let counsellor: String
        let free: Bool
        let bookAction: String?
    }

    struct BookedRow: Encodable {
        let when: String
        let kind: String
        let person: String
        let email: String
        let topic: String
        let cancelAction: String
    }

    struct ListPage: Encodable {
        let kinds: [LocalitiesController.Option]
        let voivodeships: [LocalitiesController.Option]
        let online: Bool
        let slots: [SlotRow]
        let summary: String
        let signedIn: Bool
        let canPublish: Bool
        let booked: [BookedRow]
    }

    static func when(_ slot: CounsellingSlot, _ req: Request) -> String {
        DateFormat(catalogue: req.catalogue).timeSpan(slot.startsAt, slot.endsAt)
    }

    static func place(_ slot: CounsellingSlot, _ places: [Int: String], _ req: Request) -> String {
        slot.onlineLink != nil ? req.t("event.online") : [slot.address, slot.localityID.flatMap { places[$0] } ?? ""].filter { !$0.isEmpty }.joined(separator: ", ")
    }

    @Sendable
    func list(req: Request) async throws -> View {
        let kind = (try? req.query.get(String.self, at: "rodzaj")).flatMap(CounsellingKind.init(rawValue:))
        let voivodeship = (try? req.query.get(String.self, at: "wojewodztwo")).flatMap { Voivodeship(terytCode: $0) }
        let online = (try? req.query.get(String.self, at: "online")) == "tak"
        var query = CounsellingSlot.query(on: req.db).filter(\.$cancelled == false).filter(\.$startsAt > Date())
            .join(Partner.self, on: \CounsellingSlot.$partner.$id == \Partner.$id)
        if let kind { query = query.filter(\.$kind == kind.rawValue) }
        if let voivodeship { query = query.filter(Partner.self, \.$voivodeshipCode == voivodeship.terytCode) }
        if online { query = query.filter(\.$onlineLink != nil) }
        let slots = try await query.with(\.$partner).sort(\.$startsAt).limit(200).all()
        let ids = slots.compactMap(\.id)
        let taken = ids.isEmpty ? Set<UUID>() : Set(try await CounsellingBooking.query(on: req.db).filter(\.$activeSlotID ~~ ids).all().compactMap(\.activeSlotID))
        let places = try await LocalityQuery.names(of: slots.compactMap(\.localityID), on: req.db)
        var partners: [Partner] = []
        if let user = req.user { partners = try await PartnerOperator.partners(of: user, on: req.db) }
        return try await req.render("events/counselling", title: req.t("counselling.title"), ListPage(
            kinds: CounsellingKind.allCases.map { .init(code: $0.rawValue, name: req.t($0.catalogueKey), selected: $0 == kind) },
            voivodeships: LocalitiesController.voivodeshipOptions(req, selected: voivodeship?.terytCode ?? ""), online: online,
            slots: slots.map { slot in
                let free = !taken.contains(slot.id ?? UUID())
                return SlotRow(id: slot.id?.uuidString ?? "", when: Self.when(slot, req), kind: req.t(slot.kindValue.catalogueKey),
                               partner: slot.partner.name, place: Self.place(slot, places, req), counsellor: slot.counsellor, free: free,
                               bookAction: free && req.user != nil ? SitePath.bookCounselling(slot.id?.uuidString ?? "").path : nil)
            },
            summary: req.catalogue.plural("counselling.found", count: slots.count), signedIn: req.user != nil, canPublish: !partners.isEmpty,
            booked: try await Self.bookedForPartners(partners, req)))
    }

    /// The upcoming bookings of the partners' slots, for their operators.
    static func bookedForPartners(_ partners: [Partner], _ req: Request) async throws -> [BookedRow] {
        let ids = partners.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let slots = try await CounsellingSlot.query(on: req.db).filter(\.$partner.$id ~~ ids).filter(\.$startsAt > Date()).all()
        let slotIDs = slots.compactMap(\.id)
        guard !slotIDs.isEmpty else { return [] }
        let bookings = try await CounsellingBooking.query(on: req.db).filter(\.$activeSlotID ~~ slotIDs).with(\.$user).with(\.$slot).all()
            .sorted { $0.slot.startsAt < $1.slot.startsAt }
        return bookings.map {
            BookedRow(when: Self.when($0.slot, req), kind: req.t($0.slot.kindValue.catalogueKey), person: $0.user.displayName, email: $0.user.email,
                      topic: $0.topic, cancelAction: SitePath.cancelCounselling($0.id?.uuidString ?? "").path)
        }
    }

    @Sendable
    func book(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("slotID").flatMap(UUID.init(uuidString:)),
            let slot = try await CounsellingSlot.query(on: req.db).filter(\.$id == id).with(\.$partner).first(), !slot.cancelled
        else { throw LocalizedAbort(.notFound, key: "counselling.error.not_found") }
        guard slot.startsAt > Date() else { throw LocalizedAbort(.conflict, key: "counselling.error.past") }
        let topic = FormState(values: try req.formFields()).value("topic")
        guard (3...500).contains(topic.count) else { throw LocalizedAbort(.unprocessableEntity, key: "counselling.error.topic") }
        let booking = CounsellingBooking()
        booking.$slot.id = id
        booking.activeSlotID = id
        booking.$user.id = try user.requireID()
        booking.topic = topic
        booking.createdAt = Date()
        do {
            try await booking.create(on: req.db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw LocalizedAbort(.conflict, key: "counselling.error.taken")
        }
        let arguments = ["when": Self.when(slot, req), "kind": req.t(slot.kindValue.catalogueKey), "partner": slot.partner.name,
                         "person": user.displayName, "topic": topic]
        try await req.mailer.send(template: "counselling_booked", to: user.email, name: user.displayName, language: user.preferredLanguage,
                                  link: SitePath.myEvents.path, arguments: arguments)
        try await Self.tellOperators(slot, template: "counselling_booked_partner", arguments: arguments, req)
        return req.redirect(to: SitePath.myEvents.path, notice: "counselling_booked")
    }

    static func tellOperators(_ slot: CounsellingSlot, template: String, arguments: [String: String], _ req: Request) async throws {
        let operators = try await PartnerOperator.query(on: req.db).filter(\.$partner.$id == slot.$partner.id).with(\.$user).all()
        for member in operators {
            try await req.mailer.send(template: template, to: member.user.email, name: member.user.displayName,
                                      language: member.user.preferredLanguage, link: SitePath.counselling.path, arguments: arguments)
        }
    }

    /// Cancels a booking, by the person who made it or an operator of the slot's partner; the other side is told.
    @Sendable
    func cancel(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let userID = try user.requireID()
        guard let id = req.parameters.get("bookingID").flatMap(UUID.init(uuidString:)),
            let booking = try await CounsellingBooking.query(on: req.db).filter(\.$id == id).with(\.$user)
                .with(\.$slot, { $0.with(\.$partner) }).first()
        else { throw LocalizedAbort(.notFound, key: "counselling.error.not_found") }
        let isPerson = booking.$user.id == userID
        let isOperator = try await PartnerOperator.query(on: req.db).filter(\.$partner.$id == booking.slot.$partner.id)
            .filter(\.$user.$id == userID).count() > 0
        guard isPerson || isOperator else { throw LocalizedAbort(.notFound, key: "counselling.error.not_found") }
        guard booking.cancelledAt == nil else { throw LocalizedAbort(.conflict, key: "counselling.error.cancelled") }
        booking.activeSlotID = nil
        booking.cancelledAt = Date()
        try await booking.save(on: req.db)
        let arguments = ["when": Self.when(booking.slot, req), "kind": req.t(booking.slot.kindValue.catalogueKey),
                         "partner": booking.slot.partner.name, "person": booking.user.displayName, "topic": booking.topic]
        if isPerson {
            try await Self.tellOperators(booking.slot, template: "counselling_cancelled_partner", arguments: arguments, req)
        } else {
            try await req.mailer.send(template: "counselling_cancelled", to: booking.user.email, name: booking.user.displayName,
                                      language: booking.user.preferredLanguage, link: SitePath.counselling.path, arguments: arguments)
        }
        return req.redirect(to: isPerson ? SitePath.myEvents.path : SitePath.counselling.path, notice: "counselling_cancelled")
    }

    // MARK: Publishing times

    struct NewPage: Encodable {
        let form: FormState
        let partners: [LocalitiesController.Option]
        let kinds: [LocalitiesController.Option]
    }

    static let labels: [String: String] = [
        "partner": "event.field.organiser", "kind": "event.field.kind", "counsellor": "counselling.field.counsellor",
        "day": "counselling.field.day", "start": "counselling.field.start", "minutes": "counselling.field.minutes",
        "count": "counselling.field.count", "locality": "register.locality", "address": "event.field.address",
        "online_link": "event.field.online_link",
    ]

    func renderNew(_ req: Request, _ partners: [Partner], form: FormState, status: HTTPResponseStatus) async throws -> Response {
        try await req.render("events/counselling-new", title: req.t("counselling.new"), NewPage(
            form: form,
            partners: partners.map { .init(code: $0.id?.uuidString ?? "", name: $0.name, selected: $0.id?.uuidString == form.value("partner")) },
            kinds: CounsellingKind.allCases.map { .init(code: $0.rawValue, name: req.t($0.catalogueKey), selected: $0.rawValue == form.value("kind")) }),
            status: status)
    }

    static func partnersOrRefuse(_ req: Request) async throws -> [Partner] {
        let partners = try await PartnerOperator.partners(of: try req.requireUser(), on: req.db)
        guard !partners.isEmpty else { throw LocalizedAbort(.forbidden, key: "counselling.error.partners_only") }
        return partners
    }

    @Sendable
    func newForm(req: Request) async throws -> Response {
        let partners = try await Self.partnersOrRefuse(req)
        return try await renderNew(req, partners, form: FormState(values: ["minutes": "45", "count": "1", "start": "10:00"], labelKeys: Self.labels),
                                   status: .ok)
    }

    /// Publishes `count` consecutive times of `minutes` each from the start.
    @Sendable
    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let partners = try await Self.partnersOrRefuse(req)
        var form = FormState(values: try req.formFields(), labelKeys: Self.labels)
        let partner = partners.first { $0.id?.uuidString == form.value("partner") }
        if partner == nil { form.fail("partner", req.t("event.error.organiser")) }
        let kind = CounsellingKind(rawValue: form.value("kind"))
        if kind == nil { form.fail("kind", req.t("form.error.required")) }
        let counsellor = form.value("counsellor")
        if counsellor.count < 3 || counsellor.count > 100 { form.fail("counsellor", req.t("counselling.error.counsellor")) }
        let start = DateFormat.parseLocal(form.value("day") + "T" + form.value("start"))
        if start == nil { form.fail("day", req.t("account.error.date_invalid")) } else if let start, start < Date() { form.fail("day", req.t("event.error.past")) }
        let minutes = Int(form.value("minutes")).flatMap { (15...240).contains($0) ? $0 : nil }
        if minutes == nil { form.fail("minutes", req.t("counselling.error.minutes")) }
        let count = Int(form.value("count")).flatMap { (1...Self.maximumSlots).contains($0) ? $0 : nil }
        if count == nil { form.fail("count", req.t("counselling.error.count", ["max": String(Self.maximumSlots)])) }
        let link = EventsController.onlineLink(&form, req)
        var locality: LocalityRecord?
        if link.isEmpty || !form.value("locality").isEmpty {
            form.values["voivodeship"] = partner?.voivodeshipCode ?? ""
            locality = try await AccountValidation.locality(&form, field: "locality", voivodeshipField: "voivodeship", req)
        }
        guard form.isValid, let partner, let kind, let start, let minutes, let count else {
            return try await renderNew(req, partners, form: form, status: .unprocessableEntity)
        }
        let slots = (0..<count).map { index -> CounsellingSlot in
            let slot = CounsellingSlot()
            slot.$partner.id = partner.id ?? UUID()
            slot.kind = kind.rawValue
            slot.counsellor = counsellor
            slot.startsAt = start.addingTimeInterval(Double(index * minutes * 60))
            slot.endsAt = start.addingTimeInterval(Double((index + 1) * minutes * 60))
            slot.localityID = locality?.id
            slot.address = form.value("address")
            slot.onlineLink = link.isEmpty ? nil : link
            slot.cancelled = false
            slot.createdBy = (try? user.requireID()) ?? UUID()
            slot.createdAt = Date()
            return slot
        }
        try await slots.create(on: req.db)
        return req.redirect(to: SitePath.counselling.path, notice: "counselling_published")
    }

    // MARK: For "my events" and the calendar feed

    struct MyBooking: Encodable {
        let when: String
        let kind: String
        let partner: String
        let place: String
        let topic: String
        let cancelAction: String
    }

    static func myBookings(_ user: User, _ req: Request) async throws -> [MyBooking] {
        let bookings = try await CounsellingBooking.query(on: req.db).filter(\.$user.$id == user.requireID()).filter(\.$activeSlotID != nil)
            .with(\.$slot, { $0.with(\.$partner) }).all().filter { $0.slot.endsAt > Date() }.sorted { $0.slot.startsAt < $1.slot.startsAt }
        let places = try await LocalityQuery.names(of: bookings.compactMap(\.slot.localityID), on: req.db)
        return bookings.map {
            MyBooking(when: Self.when($0.slot, req), kind: req.t($0.slot.kindValue.catalogueKey), partner: $0.slot.partner.name,
                      place: $0.slot.onlineLink ?? Self.place($0.slot, places, req), topic: $0.topic,
                      cancelAction: SitePath.cancelCounselling($0.id?.uuidString ?? "").path)
        }
    }

    static func calendarEvents(of userID: UUID, _ req: Request) async throws -> [ICalendarEvent] {
        let bookings = try await CounsellingBooking.query(on: req.db).filter(\.$user.$id == userID).filter(\.$activeSlotID != nil)
            .with(\.$slot, { $0.with(\.$partner) }).all()
        let places = try await LocalityQuery.names(of: bookings.compactMap(\.slot.localityID), on: req.db)
        return bookings.map {
            ICalendarEvent(uid: "\($0.id?.uuidString.lowercased() ?? "")@korpus", start: $0.slot.startsAt, end: $0.slot.endsAt,
                           summary: req.t("counselling.calendar_summary", ["kind": req.t($0.slot.kindValue.catalogueKey)]),
                           description: $0.slot.partner.name + " — " + $0.slot.counsellor + "\n" + $0.topic,
                           location: $0.slot.onlineLink ?? Self.place($0.slot, places, req))
        }
    }
}
