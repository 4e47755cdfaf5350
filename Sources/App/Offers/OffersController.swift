import Fluent
import KorpusCore
import Vapor

/// SOW, the brokerage: the public search of offers and an offer's page, the coordinators' offers, and
/// applications with their reserve list.
struct OffersController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.offers.components, use: search).publicAccess()
        routes.get(SitePath.offer("").components, use: show).publicAccess()
        let signedIn = routes.grouped(SignedInGuard())
        signedIn.get(SitePath.organisationOffers("").components, use: organisationOffers)
        signedIn.get(SitePath.newOffer("").components, use: newOffer)
        signedIn.post(SitePath.newOffer("").components, use: createOffer)
        signedIn.get(SitePath.editOffer("").components, use: editOffer)
        signedIn.post(SitePath.editOffer("").components, use: updateOffer)
        signedIn.post(SitePath.offerState("").components, use: changeState)
        signedIn.post(SitePath.apply("").components, use: apply)
        signedIn.get(SitePath.offerApplications("").components, use: applications)
        signedIn.get(SitePath.organisationApplications("").components, use: organisationApplications)
        signedIn.post(SitePath.decideApplication("").components, use: decide)
        signedIn.get(SitePath.myApplications.components, use: myApplications)
        signedIn.post(SitePath.withdrawApplication("").components, use: withdraw)
    }

    // MARK: search

    struct Card: Encodable {
        let title: String
        let href: String
        let organisation: String
        let area: String
        let place: String
        let distance: String?
        let schedule: String
        let deadline: String?
        let badges: [String]
    }

    /// A card as the search page lists it, written in Swift rather than by the template: it is kept with the
    /// offer (`OfferSummaries`) for each language, so a page of twenty offers costs Leaf one value instead of
    /// two hundred. Its two halves go around the distance, which depends on the search.
    struct CardMarkup: Sendable {
        let head: String
        let tail: String

        init(_ card: Card, _ req: Request) {
            head = "<li class=\"card\">\n<h3 class=\"card__title\"><a href=\"\(HTMLText.escape(card.href))\">\(HTMLText.escape(card.title))</a></h3>\n"
                + "<p>\(HTMLText.escape(card.organisation))</p>\n<p>\(HTMLText.escape(card.area)) · \(HTMLText.escape(card.schedule))</p>\n"
                + "<p>\(HTMLText.escape(card.place))"
            var tail = "</p>\n"
            if let deadline = card.deadline {
                tail += "<p>\(HTMLText.escape(req.t("offer.field.recruitment_deadline"))) — \(HTMLText.escape(deadline))</p>\n"
            }
            if !card.badges.isEmpty {
                tail += "<ul class=\"badges\">" + card.badges.map { "<li>\(HTMLText.escape($0))</li>" }.joined() + "</ul>\n"
            }
            self.tail = tail + "</li>\n"
        }

        func html(distance: String?) -> String {
            head + (distance.map { " · " + HTMLText.escape($0) } ?? "") + tail
        }
    }

    struct SearchPage: Encodable {
        let values: [String: String]
        /// The selects' options and the found offers' cards (`CardMarkup`), as markup.
        let areas: Markup
        let voivodeships: Markup
        let sorts: Markup
        let cards: Markup
        let summary: String
        let previous: String?
        let next: String?
        let error: String?
        let searched: Bool
        /// For a signed-in person: the search as an e-mail alert may keep it.
        var alertQuery: String? = nil
        var alertAction: String = SitePath.alerts.path
    }

    static func card(_ offer: OfferSummary, distance: Double?, _ req: Request) -> Card {
        let dates = DateFormat(catalogue: req.catalogue)
        var badges: [String] = []
        if offer.remote { badges.append(req.t("offer.badge.remote")) }
        if offer.minorsWelcome { badges.append(req.t("offer.badge.minors")) }
        if offer.accessible { badges.append(req.t("offer.badge.accessible")) }
        if offer.involvesChildren { badges.append(req.t("offer.badge.children")) }
        let place = offer.localityName.map { "\($0) · \(req.t("voivodeship.\(offer.voivodeshipCode ?? "")"))" } ?? req.t("offer.badge.remote")
        return Card(
            title: offer.title, href: SitePath.offer(offer.id.uuidString).path, organisation: offer.organisationName,
            area: req.t("offer.area.\(offer.area)"), place: place,
            distance: distance.map { Self.distance($0, req) },
            schedule: req.t("offer.schedule.\(offer.schedule)"), deadline: offer.recruitmentDeadline.map(dates.longDay), badges: badges)
    }

    static func distance(_ kilometres: Double, _ req: Request) -> String {
        req.t("offer.distance", ["km": NumberFormat.decimal(kilometres, fractionDigits: 1, in: req.language)])
    }

    /// The signed-in person as the matching service sees them, when the search is sorted by fit.
    static func volunteerFacts(_ req: Request, for filter: OfferFilter) async throws -> VolunteerFacts? {
        guard filter.sort == .fit, let user = req.user else { return nil }
        return try await Recommendations.facts(of: user, on: req.db).facts
    }

    @Sendable
    func search(req: Request) async throws -> Response {
        let keys = ["q", "obszar", "wojewodztwo", "miejscowosc", "odleglosc", "zdalnie", "dla_nieletnich", "dostepne", "od", "do", "sortuj"]
        let parameters = req.queryValues()
        var values: [String: String] = [:]
        for key in keys { values[key] = String((parameters[key] ?? "").prefix(OfferFilter.maximumTextLength)) }
        let areas = Markup(options: OfferArea.allCases.map { LocalitiesController.Option(code: $0.rawValue, name: req.t($0.catalogueKey), selected: $0.rawValue == values["obszar"]) })
        let sorts = Markup(options: OfferFilter.Sort.allCases.filter { $0 != .fit || req.user != nil }.map { LocalitiesController.Option(code: $0.rawValue, name: req.t("offers.sort.\($0.rawValue)"), selected: $0.rawValue == (values["sortuj"] ?? "")) })
        let voivodeships = Markup(options: LocalitiesController.voivodeshipOptions(req, selected: values["wojewodztwo"] ?? ""))
        let filter: OfferFilter
        do {
            filter = try await OfferFilter.parse(req, api: false)
        } catch let error as LocalizedAbort {
            let page = SearchPage(values: values, areas: areas, voivodeships: voivodeships, sorts: sorts, cards: Markup(""), summary: "",
                                  previous: nil, next: nil, error: req.t(error.key, error.arguments), searched: false)
            return try await req.render("offers/search", title: req.t("offers.title"), page, status: error.status)
        }
        let result = try await OfferSearch.search(filter, fitting: try await Self.volunteerFacts(req, for: filter), memory: req.application.memoryIndexes,
                                                  on: req.db)
        let cards = Markup(result.offers.map { offer in
            let markup = result.remembered[offer.id].map { $0.cards.value(req.language) { CardMarkup(Self.card(offer, distance: nil, req), req) } }
                ?? CardMarkup(Self.card(offer, distance: nil, req), req)
            return markup.html(distance: result.distances[offer.id].map { Self.distance($0, req) })
        }.joined())
        func pageLink(_ number: Int) -> String {
            var components = URLComponents()
            components.queryItems = keys.compactMap { key in values[key].flatMap { $0.isEmpty ? nil : URLQueryItem(name: key, value: $0) } }
                + [URLQueryItem(name: "strona", value: String(number))]
            return SitePath.offers.path + "?" + (components.percentEncodedQuery ?? "")
        }
        let lastPage = max(1, (result.total + OfferFilter.pageSize - 1) / OfferFilter.pageSize)
        var alertItems = URLComponents()
        alertItems.queryItems = AlertsController.searchKeys.compactMap { key in values[key].flatMap { $0.isEmpty ? nil : URLQueryItem(name: key, value: $0) } }
        var page = SearchPage(
            values: values, areas: areas, voivodeships: voivodeships, sorts: sorts, cards: cards,
            summary: req.catalogue.plural("offers.found", count: result.total)
                + (lastPage > 1 ? " " + req.t("offers.page_of", ["page": String(filter.page), "pages": String(lastPage)]) : ""),
            previous: filter.page > 1 ? pageLink(filter.page - 1) : nil,
            next: filter.page < lastPage ? pageLink(filter.page + 1) : nil, error: nil, searched: true)
        if req.user != nil { page.alertQuery = alertItems.percentEncodedQuery ?? "" }
        return try await req.render("offers/search", title: req.t("offers.title"), page, status: .ok)
    }

    // MARK: one offer

    struct OfferPage: Encodable {
        let id: String
        let title: String
        let organisation: String
        let organisationHref: String
        let description: [String]
        let area: String
        let skills: [String]
        let schedule: String
        let dates: String?
        let slots: [String]
        let hours: String
        let place: String
        let remote: Bool
        let needed: String
        let minimumAge: Int
        let minorsWelcome: Bool
        let involvesChildren: Bool
        let provides: [String]
        let languages: String
        let accessible: Bool
        let deadline: String?
        let status: String
        let open: Bool
        let applyAction: String
        let myApplication: String?
        let mayApply: Bool
        let applyBlocked: String?
        let isCoordinator: Bool
        let isOperator: Bool
        let hiddenReason: String?
        let hideAction: String
        let editHref: String
        let applicationsHref: String
        let matchesHref: String
        let form: FormState
    }

    /// The offer of the URL: published ones for everybody, any state for its organisation's people.
    static func visibleOffer(_ req: Request) async throws -> (Offer, isCoordinator: Bool, isOperator: Bool) {
        guard let id = req.parameters.get("offerID").flatMap(UUID.init(uuidString:)),
            let offer = try await Offer.query(on: req.db).filter(\.$id == id).with(\.$organisation).first()
        else { throw LocalizedAbort(.notFound, key: "offer.error.not_found") }
        var isCoordinator = false
        if let user = req.user, let userID = user.id {
            isCoordinator = try await OrganisationMembership.role(of: userID, in: offer.$organisation.id, on: req.db) != nil
        }
        let isPublic = offer.status != Offer.Status.draft.rawValue && offer.hiddenReason == nil && offer.organisation.isVerified
        let isOperator = try await Self.operatorCovers(offer, req)
        guard isPublic || isCoordinator || isOperator else {
            throw LocalizedAbort(.notFound, key: "offer.error.not_found")
        }
        return (offer, isCoordinator, isOperator)
    }

    /// Whether the signed-in person operates a partner whose area holds the offer's organisation.
    static func operatorCovers(_ offer: Offer, _ req: Request) async throws -> Bool {
        guard let user = req.user else { return false }
        return PartnerArea(try await PartnerOperator.partners(of: user, on: req.db)).covers(offer.organisation)
    }

    func offerPage(_ req: Request, form: FormState = FormState(), status: HTTPResponseStatus = .ok) async throws -> Response {
        let (offer, isCoordinator, isOperator) = try await Self.visibleOffer(req)
        let id = try offer.requireID()
        let dates = DateFormat(catalogue: req.catalogue)
        var place = offer.address
        if let localityID = offer.localityID, let locality = try await LocalityRecord.find(localityID, on: req.db) {
            place = [offer.address, locality.name, req.t("voivodeship.\(locality.voivodeshipCode)")].filter { !$0.isEmpty }.joined(separator: ", ")
        }
        var myApplication: String?
        var blocked: String?
        if let user = req.user {
            if let existing = try await OfferApplication.query(on: req.db).filter(\.$offer.$id == id)
                .filter(\.$volunteer.$id == user.requireID()).sort(\.$createdAt, .descending).first() {
                myApplication = req.t("application.status.\(existing.status)")
            }
            blocked = try await Self.applicationBlock(user, offer, req)?.key
        }
        let accepted = try await OfferApplication.acceptedCount(offer: id, on: req.db)
        var provides: [String] = []
        if offer.providesTraining { provides.append(req.t("offer.provides.training")) }
        if offer.providesInsurance { provides.append(req.t("offer.provides.insurance")) }
        if offer.providesReimbursement { provides.append(req.t("offer.provides.reimbursement")) }
        let page = OfferPage(
            id: id.uuidString, title: offer.title, organisation: offer.organisation.name,
            organisationHref: SitePath.organisation(offer.$organisation.id.uuidString).path,
            description: offer.description.components(separatedBy: "\n").filter { !$0.trimmingSpaces().isEmpty },
            area: req.t("offer.area.\(offer.area)"), skills: offer.skillList, schedule: req.t("offer.schedule.\(offer.schedule)"),
            dates: offer.startsOn.map { start in
                [dates.longDay(start), offer.endsOn.map(dates.longDay)].compactMap { $0 }.joined(separator: " – ")
            },
            slots: WeeklySlot.list(offer.weeklySlots).map { req.t("slot.day.\($0.day.rawValue)") + " " + req.t("slot.part.\($0.part.rawValue)") },
            hours: req.catalogue.plural("unit.hours_per_week", count: offer.hoursPerWeek), place: place, remote: offer.remote,
            needed: req.t("offer.places", ["accepted": String(accepted), "needed": String(offer.volunteersNeeded)]),
            minimumAge: offer.minimumAge, minorsWelcome: offer.minorsWelcome, involvesChildren: offer.involvesChildren,
            provides: provides, languages: offer.languages, accessible: offer.accessible,
            deadline: offer.recruitmentDeadline.map(dates.longDay), status: req.t("offer.status.\(offer.status)"),
            open: offer.isOpenForApplications, applyAction: SitePath.apply(id.uuidString).path, myApplication: myApplication,
            mayApply: req.user != nil && blocked == nil && offer.isOpenForApplications, applyBlocked: blocked.map { req.t($0) },
            isCoordinator: isCoordinator, isOperator: isOperator, hiddenReason: offer.hiddenReason,
            hideAction: SitePath.hideOffer(id.uuidString).path, editHref: SitePath.editOffer(id.uuidString).path,
            applicationsHref: SitePath.offerApplications(id.uuidString).path, matchesHref: SitePath.offerMatches(id.uuidString).path, form: form)
        return try await req.render("offers/show", title: offer.title, page, status: status)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        try await offerPage(req)
    }

    // MARK: the coordinators' offers

    /// The organisation of the URL, for a coordinator or representative of it, verified to post offers.
    static func coordinatedOrganisation(_ req: Request) async throws -> Organisation {
        let (organisation, _) = try await OrganisationsController.memberOrganisation(req)
        return organisation
    }

    /// The offer of the URL, for a coordinator or representative of its organisation; anyone else: not found.
    static func coordinatedOffer(_ req: Request) async throws -> Offer {
        let user = try req.requireUser()
        guard let id = req.parameters.get("offerID").flatMap(UUID.init(uuidString:)),
            let offer = try await Offer.query(on: req.db).filter(\.$id == id).with(\.$organisation).first(),
            try await OrganisationMembership.role(of: try user.requireID(), in: offer.$organisation.id, on: req.db) != nil
        else { throw LocalizedAbort(.notFound, key: "offer.error.not_found") }
        return offer
    }

    struct OfferRow: Encodable {
        let title: String
        let status: String
        let href: String
        let editHref: String
        let applicationsHref: String
        let applications: Int
    }

    struct OrganisationOffers: Encodable {
        let organisation: String
        let verified: Bool
        let newHref: String
        let applicationsHref: String
        let offers: [OfferRow]
    }

    @Sendable
    func organisationOffers(req: Request) async throws -> View {
        let organisation = try await Self.coordinatedOrganisation(req)
        let id = try organisation.requireID()
        let offers = try await Offer.query(on: req.db).filter(\.$organisation.$id == id).sort(\.$createdAt, .descending).all()
        var rows: [OfferRow] = []
        for offer in offers {
            let offerID = try offer.requireID()
            let count = try await OfferApplication.query(on: req.db).filter(\.$offer.$id == offerID)
                .filter(\.$status ~~ OfferApplication.Status.active.map(\.rawValue)).count()
            rows.append(OfferRow(title: offer.title, status: req.t("offer.status.\(offer.status)"), href: SitePath.offer(offerID.uuidString).path,
                                 editHref: SitePath.editOffer(offerID.uuidString).path,
                                 applicationsHref: SitePath.offerApplications(offerID.uuidString).path, applications: count))
        }
        return try await req.render("offers/organisation", title: req.t("offers.of_organisation"), OrganisationOffers(
            organisation: organisation.name, verified: organisation.isVerified, newHref: SitePath.newOffer(id.uuidString).path,
            applicationsHref: SitePath.organisationApplications(id.uuidString).path, offers: rows))
    }

    struct FormPage: Encodable {
        let heading: String
        let action: String
        let form: FormState
        let areas: [LocalitiesController.Option]
        let schedules: [LocalitiesController.Option]
        let voivodeships: [LocalitiesController.Option]
        let slots: [SlotOption]
    }

    struct SlotOption: Encodable {
        let field: String
        let label: String
        let checked: Bool
    }

    func formPage(_ req: Request, heading: String, action: String, form: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        let page = FormPage(
            heading: heading, action: action, form: form,
            areas: OfferArea.allCases.map { .init(code: $0.rawValue, name: req.t($0.catalogueKey), selected: form.value("area") == $0.rawValue) },
            schedules: OfferSchedule.allCases.map { .init(code: $0.rawValue, name: req.t($0.catalogueKey), selected: form.value("schedule") == $0.rawValue) },
            voivodeships: LocalitiesController.voivodeshipOptions(req, selected: form.value("voivodeship")),
            slots: WeeklySlot.all.map {
                SlotOption(field: "slot_\($0.code)", label: req.t("slot.day.\($0.day.rawValue)") + " " + req.t("slot.part.\($0.part.rawValue)"),
                           checked: form.isChecked("slot_\($0.code)"))
            })
        return try await req.render("offers/form", title: heading, page, status: status)
    }

    @Sendable
    func newOffer(req: Request) async throws -> Response {
        let organisation = try await Self.coordinatedOrganisation(req)
        guard organisation.isVerified else { throw LocalizedAbort(.forbidden, key: "offer.error.unverified") }
        var form = FormState(values: ["minimum_age": "16", "volunteers_needed": "1", "hours_per_week": "4", "schedule": "regular"], labelKeys: OfferForm.labels)
        form.values["provides_insurance"] = "on"
        return try await formPage(req, heading: req.t("offer.new"), action: SitePath.newOffer(try organisation.requireID().uuidString).path, form: form)
    }

    @Sendable
    func createOffer(req: Request) async throws -> Response {
        let organisation = try await Self.coordinatedOrganisation(req)
        guard organisation.isVerified else { throw LocalizedAbort(.forbidden, key: "offer.error.unverified") }
        var form = FormState(values: try req.formFields(), labelKeys: OfferForm.labels)
        guard let offer = try await OfferForm.create(&form, in: organisation, req) else {
            return try await formPage(req, heading: req.t("offer.new"), action: SitePath.newOffer(try organisation.requireID().uuidString).path,
                                      form: form, status: .unprocessableEntity)
        }
        return req.redirect(to: SitePath.offer(try offer.requireID().uuidString).path, notice: "offer_saved")
    }

    @Sendable
    func editOffer(req: Request) async throws -> Response {
        let offer = try await Self.coordinatedOffer(req)
        let locality = try await offer.localityID.asyncMap { try await LocalityRecord.find($0, on: req.db) }
        let form = FormState(values: OfferForm.values(of: offer, locality: locality??.name ?? ""), labelKeys: OfferForm.labels)
        return try await formPage(req, heading: req.t("offer.edit"), action: SitePath.editOffer(try offer.requireID().uuidString).path, form: form)
    }

    @Sendable
    func updateOffer(req: Request) async throws -> Response {
        let offer = try await Self.coordinatedOffer(req)
        var form = FormState(values: try req.formFields(), labelKeys: OfferForm.labels)
        guard try await OfferForm.update(&form, offer, req) else {
            return try await formPage(req, heading: req.t("offer.edit"), action: SitePath.editOffer(try offer.requireID().uuidString).path,
                                      form: form, status: .unprocessableEntity)
        }
        return req.redirect(to: SitePath.offer(try offer.requireID().uuidString).path, notice: "offer_saved")
    }

    /// Publish, close recruitment, finish, archive: only the moves that make sense from the current state.
    static let transitions: [String: [Offer.Status]] = [
        "draft": [.published, .archived], "published": [.closed, .finished], "closed": [.published, .finished],
        "finished": [.archived], "archived": [],
    ]

    @Sendable
    func changeState(req: Request) async throws -> Response {
        let offer = try await Self.coordinatedOffer(req)
        let form = FormState(values: try req.formFields())
        guard let target = Offer.Status(rawValue: form.value("status")),
            Self.transitions[offer.status]?.contains(target) == true
        else { throw LocalizedAbort(.conflict, key: "offer.error.transition") }
        if target == .published {
            guard offer.organisation.isVerified else { throw LocalizedAbort(.forbidden, key: "offer.error.unverified") }
            offer.publishedAt = offer.publishedAt ?? Date()
        }
        offer.status = target.rawValue
        try await offer.save(on: req.db)
        return req.redirect(to: SitePath.offer(try offer.requireID().uuidString).path, notice: "offer_saved")
    }

    // MARK: applications

    /// Why this person may not apply to this offer, if they may not.
    static func applicationBlock(_ user: User, _ offer: Offer, _ req: Request) async throws -> LocalizedAbort? {
        guard offer.isOpenForApplications else { return LocalizedAbort(.conflict, key: "application.error.closed") }
        guard let age = user.age() else { return LocalizedAbort(.forbidden, key: "application.error.no_age") }
        if age < offer.minimumAge { return LocalizedAbort(.forbidden, key: "application.error.too_young", ["age": String(offer.minimumAge)]) }
        if AgeBand.of(age: age) != .adult {
            guard offer.minorsWelcome else { return LocalizedAbort(.forbidden, key: "application.error.adults_only") }
            let consent = try await ConsentRecord.query(on: req.db).filter(\.$user.$id == user.requireID())
                .filter(\.$kind == ConsentRecord.Kind.guardian.rawValue).sort(\.$at, .descending).first()
            guard consent?.granted == true else { return LocalizedAbort(.forbidden, key: "application.error.no_consent") }
        }
        let active = try await OfferApplication.query(on: req.db).filter(\.$offer.$id == offer.requireID())
            .filter(\.$volunteer.$id == user.requireID()).filter(\.$status ~~ OfferApplication.Status.active.map(\.rawValue)).count()
        if active > 0 { return LocalizedAbort(.conflict, key: "application.error.twice") }
        return nil
    }

    @Sendable
    func apply(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let (offer, _, _) = try await Self.visibleOffer(req)
        var form = FormState(values: try req.formFields())
        // A field people never see: only a bot fills it in.
        guard form.value("website").isEmpty else { throw LocalizedAbort(.badRequest, key: "error.status.400.detail") }
        if form.value("message").count > ApplicationFlow.maximumMessage {
            form.fail("message", req.t("form.error.too_long", ["max": String(ApplicationFlow.maximumMessage)]))
            return try await offerPage(req, form: form, status: .unprocessableEntity)
        }
        let application = try await ApplicationFlow.apply(user, to: offer, message: form.value("message"), req)
        return req.redirect(to: SitePath.myApplications.path, notice: application.status == "reserve" ? "application_reserve" : "application_sent")
    }

    struct ApplicationRow: Encodable {
        let volunteer: String
        let email: String
        let age: String
        let offer: String
        let offerHref: String
        let message: String
        let status: String
        let statusCode: String
        let created: String
        let action: String
        let reason: String?
        let threadHref: String
    }

    struct ApplicationsPage: Encodable {
        let heading: String
        /// For one offer: its page and how many places are taken.
        let offerHref: String?
        let places: String?
        /// For a whole organisation: the offers to filter by.
        let offers: [LocalitiesController.Option]
        let rows: [ApplicationRow]
        let statuses: [LocalitiesController.Option]
    }

    /// The state filter of a list of applications (`stan` on the pages, `status` in the API), if any; an
    /// unknown state is refused.
    static func statusFilter(_ req: Request, parameter: String = "stan") throws -> OfferApplication.Status? {
        guard let value = try? req.query.get(String.self, at: parameter), !value.isEmpty else { return nil }
        guard let status = OfferApplication.Status(rawValue: value) else { throw LocalizedAbort(.badRequest, key: "api.error.status") }
        return status
    }

    static func statusOptions(_ selected: OfferApplication.Status?, _ req: Request) -> [LocalitiesController.Option] {
        OfferApplication.Status.allCases.map { .init(code: $0.rawValue, name: req.t("application.status.\($0.rawValue)"), selected: $0 == selected) }
    }

    static func rows(_ applications: [OfferApplication], _ req: Request) -> [ApplicationRow] {
        let dates = DateFormat(catalogue: req.catalogue)
        return applications.map {
            ApplicationRow(volunteer: $0.volunteer.displayName, email: $0.volunteer.email,
                           age: $0.volunteer.age().map { req.catalogue.plural("unit.years", count: $0) } ?? "",
                           offer: $0.offer.title, offerHref: SitePath.offer($0.$offer.id.uuidString).path,
                           message: $0.message, status: req.t("application.status.\($0.status)"), statusCode: $0.status,
                           created: dates.shortDateTime($0.createdAt), action: SitePath.decideApplication($0.id?.uuidString ?? "").path,
                           reason: $0.reason, threadHref: SitePath.applicationThread($0.id?.uuidString ?? "").path)
        }
    }

    @Sendable
    func applications(req: Request) async throws -> View {
        let offer = try await Self.coordinatedOffer(req)
        let id = try offer.requireID()
        let status = try Self.statusFilter(req)
        let query = OfferApplication.query(on: req.db).filter(\.$offer.$id == id).with(\.$offer).with(\.$volunteer).sort(\.$createdAt)
        if let status { query.filter(\.$status == status.rawValue) }
        let applications = try await query.all()
        let accepted = try await OfferApplication.acceptedCount(offer: id, on: req.db)
        return try await req.render("offers/applications", title: req.t("applications.title"), ApplicationsPage(
            heading: offer.title, offerHref: SitePath.offer(id.uuidString).path,
            places: req.t("offer.places", ["accepted": String(accepted), "needed": String(offer.volunteersNeeded)]),
            offers: [], rows: Self.rows(applications, req), statuses: Self.statusOptions(status, req)))
    }

    /// Every application to the offers of an organisation, newest first, by state and by offer.
    @Sendable
    func organisationApplications(req: Request) async throws -> View {
        let organisation = try await Self.coordinatedOrganisation(req)
        let offers = try await Offer.query(on: req.db).filter(\.$organisation.$id == organisation.requireID()).sort(\.$createdAt, .descending).all()
        let status = try Self.statusFilter(req)
        var chosen: UUID?
        if let value = try? req.query.get(String.self, at: "oferta"), !value.isEmpty {
            guard let id = UUID(uuidString: value), offers.contains(where: { $0.id == id }) else {
                throw LocalizedAbort(.notFound, key: "offer.error.not_found")
            }
            chosen = id
        }
        let query = OfferApplication.query(on: req.db).filter(\.$offer.$id ~~ (chosen.map { [$0] } ?? offers.compactMap(\.id)))
            .with(\.$offer).with(\.$volunteer).sort(\.$createdAt, .descending).limit(500)
        if let status { query.filter(\.$status == status.rawValue) }
        let applications = try await query.all()
        return try await req.render("offers/applications", title: req.t("applications.organisation_title"), ApplicationsPage(
            heading: organisation.name, offerHref: nil, places: nil,
            offers: offers.map { .init(code: $0.id?.uuidString ?? "", name: $0.title, selected: $0.id == chosen) },
            rows: Self.rows(applications, req), statuses: Self.statusOptions(status, req)))
    }

    /// A coordinator accepts, puts on the reserve list or declines (with a reason) an application.
    @Sendable
    func decide(req: Request) async throws -> Response {
        let application = try await ApplicationFlow.coordinatedApplication(req)
        let form = FormState(values: try req.formFields())
        guard let decision = OfferApplication.Status(rawValue: form.value("decision")) else {
            throw LocalizedAbort(.badRequest, key: "partner.error.decision")
        }
        try await ApplicationFlow.decide(application, decision, reason: form.value("reason"), req)
        return req.redirect(to: SitePath.offerApplications(application.$offer.id.uuidString).path, notice: "application_decided")
    }

    /// A place freed goes to the first on the reserve list, who is told.
    static func promoteFromReserve(_ offer: Offer, _ req: Request) async throws {
        let offerID = try offer.requireID()
        let accepted = try await OfferApplication.acceptedCount(offer: offerID, on: req.db)
        guard accepted < offer.volunteersNeeded,
            let first = try await OfferApplication.query(on: req.db).filter(\.$offer.$id == offerID)
                .filter(\.$status == OfferApplication.Status.reserve.rawValue).sort(\.$createdAt).with(\.$volunteer).first()
        else { return }
        first.status = OfferApplication.Status.accepted.rawValue
        first.decidedAt = Date()
        try await first.save(on: req.db)
        try await req.mailer.send(template: "application_promoted", to: first.volunteer.email, name: first.volunteer.displayName,
                                  language: first.volunteer.preferredLanguage, link: SitePath.myApplications.path, arguments: ["offer": offer.title])
        try await notifyCoordinators(of: offer, template: "application_promoted_coordinator", volunteer: first.volunteer.displayName, req)
    }

    static func notifyCoordinators(of offer: Offer, template: String, volunteer: String, _ req: Request, link: String? = nil) async throws {
        let memberships = try await OrganisationMembership.query(on: req.db).filter(\.$organisation.$id == offer.$organisation.id)
            .filter(\.$status == OrganisationMembership.Status.active.rawValue).with(\.$user).all()
        for membership in memberships {
            try await req.mailer.send(template: template, to: membership.user.email, name: membership.user.displayName,
                                      language: membership.user.preferredLanguage,
                                      link: link ?? SitePath.offerApplications(try offer.requireID().uuidString).path,
                                      arguments: ["offer": offer.title, "volunteer": volunteer])
        }
    }

    struct MyApplication: Encodable {
        let offer: String
        let href: String
        let organisation: String
        let status: String
        let reason: String?
        let created: String
        let withdrawAction: String?
        let threadHref: String
    }

    struct MyInvitation: Encodable {
        let offer: String
        let href: String
        let organisation: String
        let message: String
        let action: String
    }

    struct MyApplications: Encodable {
        let applications: [MyApplication]
        let invitations: [MyInvitation]
        let statuses: [LocalitiesController.Option]
        let filtered: Bool
    }

    @Sendable
    func myApplications(req: Request) async throws -> View {
        let user = try req.requireUser()
        let status = try Self.statusFilter(req)
        let query = OfferApplication.query(on: req.db).filter(\.$volunteer.$id == (try user.requireID()))
            .with(\.$offer) { $0.with(\.$organisation) }.sort(\.$createdAt, .descending)
        if let status { query.filter(\.$status == status.rawValue) }
        let applications = try await query.all()
        let invitations = try await OfferInvitation.query(on: req.db).filter(\.$volunteer.$id == user.requireID())
            .filter(\.$status == OfferInvitation.Status.pending.rawValue).with(\.$offer) { $0.with(\.$organisation) }.all()
        let dates = DateFormat(catalogue: req.catalogue)
        return try await req.render("offers/my-applications", title: req.t("my_applications.title"), MyApplications(
            applications: applications.map {
                MyApplication(offer: $0.offer.title, href: SitePath.offer($0.offer.id?.uuidString ?? "").path, organisation: $0.offer.organisation.name,
                              status: req.t("application.status.\($0.status)"), reason: $0.reason, created: dates.shortDateTime($0.createdAt),
                              withdrawAction: OfferApplication.Status.active.map(\.rawValue).contains($0.status)
                                ? SitePath.withdrawApplication($0.id?.uuidString ?? "").path : nil,
                              threadHref: SitePath.applicationThread($0.id?.uuidString ?? "").path)
            },
            invitations: invitations.map {
                MyInvitation(offer: $0.offer.title, href: SitePath.offer($0.offer.id?.uuidString ?? "").path, organisation: $0.offer.organisation.name,
                             message: $0.message, action: SitePath.answerInvitation($0.id?.uuidString ?? "").path)
            },
            statuses: Self.statusOptions(status, req), filtered: status != nil))
    }

    @Sendable
    func withdraw(req: Request) async throws -> Response {
        try await ApplicationFlow.withdraw(try await ApplicationFlow.ownApplication(req), req)
        return req.redirect(to: SitePath.myApplications.path, notice: "application_withdrawn")
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
