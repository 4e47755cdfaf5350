import Fluent
import KorpusCore
import SQLKit
import Vapor

/// Offers of help: a volunteer's own, the coordinators' search of them, and invitations to an offer.
struct HelpOffersController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInGuard())
        signedIn.get(SitePath.myHelpOffer.components, use: form)
        signedIn.post(SitePath.myHelpOffer.components, use: save)
        signedIn.get(SitePath.helpOffers.components, use: search)
        signedIn.post(SitePath.inviteVolunteer("").components, use: invite)
        signedIn.post(SitePath.answerInvitation("").components, use: answer)
    }

    // MARK: the volunteer's own offer of help

    struct FormPage: Encodable {
        let form: FormState
        let areas: [OffersController.SlotOption]
        let slots: [OffersController.SlotOption]
        let voivodeships: [LocalitiesController.Option]
    }

    func formPage(_ req: Request, form: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        try await req.render("offers/help-offer", title: req.t("help_offer.mine"), FormPage(
            form: form,
            areas: OfferArea.allCases.map { .init(field: "area_\($0.rawValue)", label: req.t($0.catalogueKey), checked: form.isChecked("area_\($0.rawValue)")) },
            slots: WeeklySlot.all.map {
                .init(field: "slot_\($0.code)", label: req.t("slot.day.\($0.day.rawValue)") + " " + req.t("slot.part.\($0.part.rawValue)"),
                      checked: form.isChecked("slot_\($0.code)"))
            },
            voivodeships: LocalitiesController.voivodeshipOptions(req, selected: form.value("voivodeship"))), status: status)
    }

    @Sendable
    func form(req: Request) async throws -> Response {
        let user = try req.requireUser()
        var form = FormState(values: ["distance_km": "15", "active": "on"], labelKeys: OfferForm.labels)
        if let existing = try await HelpOffer.query(on: req.db).filter(\.$volunteer.$id == user.requireID()).first() {
            let locality = try await existing.localityID.asyncMap { try await LocalityRecord.find($0, on: req.db) }
            form.values = ["description": existing.description, "skills": existing.skills, "distance_km": String(existing.distanceKilometres),
                           "locality": locality??.name ?? ""]
            form.values["languages"] = existing.languages
            if existing.remote { form.values["remote"] = "on" }
            if existing.active { form.values["active"] = "on" }
            if existing.recordCheck { form.values["record_check"] = "on" }
            if existing.needsAccessibility { form.values["needs_accessibility"] = "on" }
            for area in existing.areaList { form.values["area_\(area.rawValue)"] = "on" }
            for slot in WeeklySlot.list(existing.weeklySlots) { form.values["slot_\(slot.code)"] = "on" }
        }
        return try await formPage(req, form: form)
    }

    @Sendable
    func save(req: Request) async throws -> Response {
        let user = try req.requireUser()
        var form = FormState(values: try req.formFields(), labelKeys: OfferForm.labels)
        let description = form.value("description")
        if description.count < 20 { form.fail("description", req.t("help_offer.error.description")) }
        if description.count > 5000 { form.fail("description", req.t("form.error.too_long", ["max": "5000"])) }
        if form.value("skills").count > 500 { form.fail("skills", req.t("form.error.too_long", ["max": "500"])) }
        if form.value("languages").count > 200 { form.fail("languages", req.t("form.error.too_long", ["max": "200"])) }
        let areas = OfferArea.allCases.filter { form.isChecked("area_\($0.rawValue)") }
        let slots = WeeklySlot.all.filter { form.isChecked("slot_\($0.code)") }
        guard let distance = Int(form.value("distance_km")), (0...500).contains(distance) else {
            form.fail("distance_km", req.t("offer.error.number", ["min": "0", "max": "500"]))
            return try await formPage(req, form: form, status: .unprocessableEntity)
        }
        let remote = form.isChecked("remote")
        var locality: LocalityRecord?
        if !remote || !form.value("locality").isEmpty { locality = try await AccountValidation.locality(&form, req) }
        guard form.isValid else { return try await formPage(req, form: form, status: .unprocessableEntity) }
        let helpOffer = try await HelpOffer.query(on: req.db).filter(\.$volunteer.$id == user.requireID()).first() ?? HelpOffer()
        helpOffer.$volunteer.id = try user.requireID()
        helpOffer.updatedAt = Date()
        helpOffer.description = description
        helpOffer.skills = form.value("skills")
        helpOffer.areas = areas.map(\.rawValue).joined(separator: ",")
        helpOffer.weeklySlots = WeeklySlot.code(of: slots)
        helpOffer.localityID = locality?.id
        helpOffer.voivodeshipCode = locality?.voivodeshipCode
        helpOffer.latitude = locality?.latitude
        helpOffer.longitude = locality?.longitude
        helpOffer.distanceKilometres = distance
        helpOffer.remote = remote
        helpOffer.active = form.isChecked("active")
        helpOffer.languages = form.value("languages")
        helpOffer.recordCheck = form.isChecked("record_check")
        helpOffer.needsAccessibility = form.isChecked("needs_accessibility")
        let catalogue = req.application.catalogues[.pl]
        helpOffer.searchText = SearchTerms.document([description, helpOffer.skills, locality?.name ?? ""] + areas.map { catalogue.text($0.catalogueKey) }
            + PlaceWords.words(voivodeship: helpOffer.voivodeshipCode, latitude: helpOffer.latitude, longitude: helpOffer.longitude, remote: remote))
        try await req.db.writing { db in
            try await helpOffer.save(on: db)
            try await TextIndex.helpOffers.update(id: try helpOffer.requireID(), text: helpOffer.searchText, on: db)
        }
        return req.redirect(to: SitePath.myHelpOffer.path, notice: "help_offer_saved")
    }

    // MARK: the coordinators' search

    struct Card: Encodable {
        let name: String
        let place: String
        let description: String
        let skills: String
        let areas: String
        let slots: String
        let inviteAction: String
    }

    struct SearchPage: Encodable {
        let values: [String: String]
        let areas: [LocalitiesController.Option]
        let voivodeships: [LocalitiesController.Option]
        let offers: [LocalitiesController.Option]
        let cards: [Card]
        let summary: String
        let error: String?
    }

    /// The organisations the person coordinates that are verified; coordinators of none may not search.
    static func coordinatedOrganisations(_ req: Request) async throws -> [UUID] {
        let user = try req.requireUser()
        let memberships = try await OrganisationMembership.query(on: req.db).filter(\.$user.$id == user.requireID())
            .filter(\.$status == OrganisationMembership.Status.active.rawValue).with(\.$organisation).all()
        let verified = memberships.filter { $0.organisation.isVerified }.map { $0.$organisation.id }
        guard !verified.isEmpty else { throw LocalizedAbort(.forbidden, key: "help_offer.error.coordinators_only") }
        return verified
    }

    @Sendable
    func search(req: Request) async throws -> Response {
        let organisations = try await Self.coordinatedOrganisations(req)
        let keys = ["q", "obszar", "wojewodztwo", "miejscowosc", "odleglosc", "zdalnie"]
        var values: [String: String] = [:]
        for key in keys { values[key] = String(((try? req.query.get(String.self, at: key)) ?? "").prefix(OfferFilter.maximumTextLength)) }
        let areas = OfferArea.allCases.map { LocalitiesController.Option(code: $0.rawValue, name: req.t($0.catalogueKey), selected: $0.rawValue == values["obszar"]) }
        let voivodeships = LocalitiesController.voivodeshipOptions(req, selected: values["wojewodztwo"] ?? "")
        let ownOffers = try await Offer.query(on: req.db).filter(\.$organisation.$id ~~ organisations)
            .filter(\.$status == Offer.Status.published.rawValue).sort(\.$title).all()
        let offerOptions = ownOffers.map { LocalitiesController.Option(code: $0.id?.uuidString ?? "", name: $0.title, selected: false) }
        do {
            let filter = try await OfferFilter.parse(req, api: false)
            let result = try await HelpOfferSearch.search(filter, on: req.db)
            let known = try await Self.volunteersKnown(to: organisations, among: result.helpOffers.map { $0.$volunteer.id }, on: req.db)
            let places = try await LocalityQuery.names(of: result.helpOffers.compactMap(\.localityID), on: req.db)
            let cards = result.helpOffers.map { offer in
                Card(name: known.contains(offer.$volunteer.id) ? offer.volunteer.displayName : Self.firstName(offer.volunteer.displayName),
                     place: offer.localityID.flatMap { places[$0] } ?? req.t("offer.badge.remote"),
                     description: offer.description, skills: offer.skills,
                     areas: offer.areaList.map { req.t($0.catalogueKey) }.joined(separator: ", "),
                     slots: WeeklySlot.list(offer.weeklySlots).map { req.t("slot.day.\($0.day.rawValue)") + " " + req.t("slot.part.\($0.part.rawValue)") }
                        .joined(separator: ", "),
                     inviteAction: SitePath.inviteVolunteer(offer.id?.uuidString ?? "").path)
            }
            return try await req.render("offers/help-offers", title: req.t("help_offers.title"), SearchPage(
                values: values, areas: areas, voivodeships: voivodeships, offers: offerOptions, cards: cards,
                summary: req.catalogue.plural("help_offers.found", count: result.total), error: nil), status: .ok)
        } catch let error as LocalizedAbort {
            return try await req.render("offers/help-offers", title: req.t("help_offers.title"), SearchPage(
                values: values, areas: areas, voivodeships: voivodeships, offers: offerOptions, cards: [], summary: "",
                error: req.t(error.key, error.arguments)), status: error.status)
        }
    }

    static func firstName(_ name: String) -> String {
        String(name.split(separator: " ").first ?? Substring(name))
    }

    /// Volunteers who applied to, or accepted an invitation from, one of the organisations' offers: their
    /// full name may be shown to its coordinators.
    static func volunteersKnown(to organisations: [UUID], among volunteers: [UUID], on db: any Database) async throws -> Set<UUID> {
        guard !volunteers.isEmpty, !organisations.isEmpty, let sql = db as? any SQLDatabase else { return [] }
        let rows = try await sql.raw("SELECT DISTINCT a.volunteer_id FROM \(unsafeRaw: OfferApplication.schema) a JOIN \(unsafeRaw: Offer.schema) o ON o.id = a.offer_id"
            + " WHERE o.organisation_id IN (" + DistanceSQL.list(organisations) + ") AND a.volunteer_id IN (" + DistanceSQL.list(volunteers) + ")").all()
        return Set(try rows.map { try $0.decode(column: "volunteer_id", as: UUID.self) })
    }

    @Sendable
    func invite(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let organisations = try await Self.coordinatedOrganisations(req)
        guard let helpOfferID = req.parameters.get("helpOfferID").flatMap(UUID.init(uuidString:)),
            let helpOffer = try await HelpOffer.query(on: req.db).filter(\.$id == helpOfferID).filter(\.$active == true).with(\.$volunteer).first()
        else { throw LocalizedAbort(.notFound, key: "help_offer.error.not_found") }
        let form = FormState(values: try req.formFields())
        guard let offerID = UUID(uuidString: form.value("offer_id")),
            let offer = try await Offer.query(on: req.db).filter(\.$id == offerID).filter(\.$organisation.$id ~~ organisations).first()
        else { throw LocalizedAbort(.notFound, key: "offer.error.not_found") }
        guard offer.isOpenForApplications else { throw LocalizedAbort(.conflict, key: "application.error.closed") }
        let volunteerID = helpOffer.$volunteer.id
        let already = try await OfferInvitation.query(on: req.db).filter(\.$offer.$id == offerID).filter(\.$volunteer.$id == volunteerID).count()
        guard already == 0 else { throw LocalizedAbort(.conflict, key: "help_offer.error.invited") }
        let message = String(form.value("message").prefix(2000))
        let invitation = OfferInvitation()
        invitation.$offer.id = offerID
        invitation.$volunteer.id = volunteerID
        invitation.invitedBy = try user.requireID()
        invitation.message = message
        invitation.status = OfferInvitation.Status.pending.rawValue
        invitation.createdAt = Date()
        try await invitation.create(on: req.db)
        try await req.mailer.send(template: "offer_invitation", to: helpOffer.volunteer.email, name: helpOffer.volunteer.displayName,
                                  language: helpOffer.volunteer.preferredLanguage, link: SitePath.myApplications.path,
                                  arguments: ["offer": offer.title, "message": message])
        let back = form.value("from") == "matches" ? SitePath.offerMatches(offerID.uuidString).path : SitePath.helpOffers.path
        return req.redirect(to: back, notice: "volunteer_invited")
    }

    /// The volunteer accepts (an application is made, on the reserve list when the places are taken) or declines.
    @Sendable
    func answer(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("invitationID").flatMap(UUID.init(uuidString:)),
            let invitation = try await OfferInvitation.query(on: req.db).filter(\.$id == id)
                .filter(\.$volunteer.$id == user.requireID()).with(\.$offer).first()
        else { throw LocalizedAbort(.notFound, key: "application.error.not_found") }
        guard invitation.status == OfferInvitation.Status.pending.rawValue else { throw LocalizedAbort(.conflict, key: "application.error.state") }
        let form = FormState(values: try req.formFields())
        switch form.value("answer") {
        case "accept":
            if let block = try await OffersController.applicationBlock(user, invitation.offer, req) { throw block }
            let offer = invitation.offer
            let volunteerID = try user.requireID()
            let application = try await req.db.writing { db in
                let application = try await OfferApplication.place(volunteer: volunteerID, in: offer, message: "", status: .accepted, on: db)
                invitation.status = OfferInvitation.Status.accepted.rawValue
                try await invitation.save(on: db)
                return application
            }
            try await OffersController.notifyCoordinators(of: offer, template: "invitation_accepted", volunteer: user.displayName, req)
            return req.redirect(to: SitePath.myApplications.path, notice: application.status == "reserve" ? "application_reserve" : "invitation_accepted")
        case "decline":
            invitation.status = OfferInvitation.Status.declined.rawValue
            try await invitation.save(on: req.db)
            try await OffersController.notifyCoordinators(of: invitation.offer, template: "invitation_declined", volunteer: user.displayName, req)
            return req.redirect(to: SitePath.myApplications.path, notice: "invitation_declined")
        default:
            throw LocalizedAbort(.badRequest, key: "partner.error.decision")
        }
    }
}
