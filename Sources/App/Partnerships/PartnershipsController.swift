import Fluent
import KorpusCore
import Vapor

/// Organisations looking for partners: publishing a partnership need, the public list of open needs, the
/// organisations of the region that fit a need, the needs that fit an organisation, and answers to a need.
struct PartnershipsController: RouteCollection {
    static let pageSize = 30
    static let maximumMessage = 2000

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.partnerships.components, use: list).publicAccess()
        routes.get(SitePath.partnershipNeed("").components, use: show).publicAccess()
        let signedIn = routes.grouped(SignedInGuard())
        signedIn.post(SitePath.respondToNeed("").components, use: respond)
        signedIn.post(SitePath.closeNeed("").components, use: close)
        signedIn.get(SitePath.organisationPartnerships("").components, use: organisationPage)
        signedIn.get(SitePath.newPartnershipNeed("").components, use: newNeed)
        signedIn.post(SitePath.newPartnershipNeed("").components, use: create)
    }

    static let labels: [String: String] = [
        "kind": "partnership.field.kind", "title": "partnership.field.title", "description": "partnership.field.description",
        "wanted": "partnership.field.wanted", "locality": "register.locality", "voivodeship": "localities.voivodeship_label",
        "reach_km": "partnership.field.reach", "valid_until": "partnership.field.valid_until", "message": "partnership.field.message",
        "organisation_id": "partnership.field.organisation",
    ]

    // MARK: the public list

    struct Card: Encodable {
        let title: String
        let href: String
        let organisation: String
        let kind: String
        let place: String
        let areas: String
        let validUntil: String?
    }

    struct ListPage: Encodable {
        let voivodeships: [LocalitiesController.Option]
        let kinds: [LocalitiesController.Option]
        let areas: [LocalitiesController.Option]
        let cards: [Card]
        let summary: String
        let nextHref: String?
        let previousHref: String?
    }

    static func cards(_ needs: [PartnershipNeed], _ req: Request) async throws -> [Card] {
        let places = try await LocalityQuery.names(of: needs.map(\.localityID), on: req.db)
        let dates = DateFormat(catalogue: req.catalogue)
        return needs.map { need in
            Card(title: need.title, href: SitePath.partnershipNeed(need.id?.uuidString ?? "").path, organisation: need.organisation.name,
                 kind: req.t(need.kindValue.catalogueKey),
                 place: need.remote ? req.t("partnership.remote_in", ["voivodeship": req.t(Voivodeship(terytCode: need.voivodeshipCode)?.catalogueKey ?? "")])
                    : (places[need.localityID] ?? ""),
                 areas: need.areaList.map { req.t($0.catalogueKey) }.joined(separator: ", "),
                 validUntil: need.validUntil.map { dates.longDay($0) })
        }
    }

    @Sendable
    func list(req: Request) async throws -> View {
        let voivodeship = (try? req.query.get(String.self, at: "wojewodztwo")).flatMap { Voivodeship(terytCode: $0) }
        let kind = (try? req.query.get(String.self, at: "rodzaj")).flatMap(PartnershipKind.init(rawValue:))
        let area = (try? req.query.get(String.self, at: "obszar")).flatMap(OfferArea.init(rawValue:))
        let page = max(1, min(1000, (try? req.query.get(Int.self, at: "strona")) ?? 1))
        var query = PartnershipNeed.query(on: req.db).filter(\.$status == PartnershipNeed.Status.open.rawValue)
            .group(.or) { $0.filter(\.$validUntil == nil).filter(\.$validUntil >= OfferDates.today()) }
            .join(Organisation.self, on: \PartnershipNeed.$organisation.$id == \Organisation.$id)
            .filter(Organisation.self, \.$status == Organisation.Status.verified.rawValue)
        if let voivodeship { query = query.filter(\.$voivodeshipCode == voivodeship.terytCode) }
        if let kind { query = query.filter(\.$kind == kind.rawValue) }
        if let area { query = query.filter(\.$areas, .custom("LIKE"), "%\(area.rawValue)%") }
        let total = try await query.count()
        let needs = try await query.with(\.$organisation).sort(\.$createdAt, .descending)
            .range(((page - 1) * Self.pageSize)..<(page * Self.pageSize)).all()
        func href(_ number: Int) -> String {
            var items: [URLQueryItem] = []
            if let voivodeship { items.append(URLQueryItem(name: "wojewodztwo", value: voivodeship.terytCode)) }
            if let kind { items.append(URLQueryItem(name: "rodzaj", value: kind.rawValue)) }
            if let area { items.append(URLQueryItem(name: "obszar", value: area.rawValue)) }
            items.append(URLQueryItem(name: "strona", value: String(number)))
            var components = URLComponents()
            components.queryItems = items
            return SitePath.partnerships.path + "?" + (components.percentEncodedQuery ?? "")
        }
        return try await req.render("partnerships/list", title: req.t("partnerships.title"), ListPage(
            voivodeships: LocalitiesController.voivodeshipOptions(req, selected: voivodeship?.terytCode ?? ""),
            kinds: PartnershipKind.allCases.map { .init(code: $0.rawValue, name: req.t($0.catalogueKey), selected: $0 == kind) },
            areas: OfferArea.allCases.map { .init(code: $0.rawValue, name: req.t($0.catalogueKey), selected: $0 == area) },
            cards: try await Self.cards(needs, req), summary: req.catalogue.plural("partnerships.found", count: total),
            nextHref: page * Self.pageSize < total ? href(page + 1) : nil, previousHref: page > 1 ? href(page - 1) : nil))
    }

    // MARK: one need

    typealias Reason = MatchingController.Reason

    struct PartnerRow: Encodable {
        let name: String
        let href: String
        let kind: String
        let place: String
        let reasons: [Reason]
        let responded: Bool
    }

    struct ResponseRow: Encodable {
        let organisation: String
        let href: String
        let contactEmail: String
        let message: String
        let at: String
    }

    struct NeedPage: Encodable {
        let id: String
        let title: String
        let organisation: String
        let organisationHref: String
        let kind: String
        let description: [String]
        let areas: String
        let wanted: String
        let preferredKinds: String
        let place: String
        let validUntil: String?
        let isOpen: Bool
        let isMember: Bool
        let partners: [PartnerRow]
        let excluded: [String]
        let responses: [ResponseRow]
        let respondAs: [LocalitiesController.Option]
        let respondedAs: [String]
        let respondAction: String
        let closeAction: String
        let form: FormState
        let signInHref: String?
    }

    /// The need of the URL: anyone sees an open need of a verified organisation; its members see it always.
    static func visibleNeed(_ req: Request) async throws -> (PartnershipNeed, isMember: Bool) {
        guard let id = req.parameters.get("needID").flatMap(UUID.init(uuidString:)),
            let need = try await PartnershipNeed.query(on: req.db).filter(\.$id == id).with(\.$organisation).first()
        else { throw LocalizedAbort(.notFound, key: "partnership.error.not_found") }
        var isMember = false
        if let userID = req.user?.id {
            isMember = try await OrganisationMembership.role(of: userID, in: need.$organisation.id, on: req.db) != nil
        }
        guard isMember || (need.organisation.isVerified && need.status == PartnershipNeed.Status.open.rawValue) else {
            throw LocalizedAbort(.notFound, key: "partnership.error.not_found")
        }
        return (need, isMember)
    }

    /// The verified organisations the signed-in person coordinates, other than `except`.
    static func answeringOrganisations(_ req: Request, except: UUID) async throws -> [Organisation] {
        guard let userID = req.user?.id else { return [] }
        let memberships = try await OrganisationMembership.query(on: req.db).filter(\.$user.$id == userID)
            .filter(\.$status == OrganisationMembership.Status.active.rawValue).with(\.$organisation).all()
        return memberships.map(\.organisation).filter { $0.isVerified && $0.id != except }
    }

    func needPage(_ req: Request, form: FormState = FormState(labelKeys: PartnershipsController.labels), status: HTTPResponseStatus = .ok) async throws -> Response {
        let (need, isMember) = try await Self.visibleNeed(req)
        let needID = try need.requireID()
        let responses = try await PartnershipResponse.query(on: req.db).filter(\.$need.$id == needID).with(\.$organisation)
            .sort(\.$createdAt, .descending).all()
        var partners: [PartnerRow] = []
        var excluded: [String] = []
        if isMember {
            let found = try await PartnershipMatching.partners(for: need, on: req.db)
            let places = try await LocalityQuery.names(of: found.partners.map(\.localityID), on: req.db)
            let answered = Set(responses.map { $0.$organisation.id })
            partners = found.partners.map { partner in
                PartnerRow(name: partner.name, href: SitePath.organisation(partner.organisationID.uuidString).path,
                           kind: req.t("organisation.kind.\(partner.kind)"), place: places[partner.localityID] ?? "",
                           reasons: Reason.of(partner.match, req),
                           responded: answered.contains(partner.organisationID))
            }
            excluded = PartnershipExclusion.allCases.compactMap { exclusion in
                found.excluded[exclusion].map { "\(req.t(exclusion.catalogueKey)): \(NumberFormat.integer($0, in: req.language))" }
            }
        }
        let dates = DateFormat(catalogue: req.catalogue)
        let answering = try await Self.answeringOrganisations(req, except: need.$organisation.id)
        let respondedIDs = Set(responses.map { $0.$organisation.id })
        let place = try await LocalityRecord.find(need.localityID, on: req.db)?.name ?? ""
        let voivodeship = req.t(Voivodeship(terytCode: need.voivodeshipCode)?.catalogueKey ?? "")
        return try await req.render("partnerships/show", title: need.title, NeedPage(
            id: needID.uuidString, title: need.title, organisation: need.organisation.name,
            organisationHref: SitePath.organisation(need.$organisation.id.uuidString).path, kind: req.t(need.kindValue.catalogueKey),
            description: need.description.components(separatedBy: "\n").filter { !$0.trimmingSpaces().isEmpty },
            areas: need.areaList.isEmpty ? req.t("partnership.any_area") : need.areaList.map { req.t($0.catalogueKey) }.joined(separator: ", "),
            wanted: need.wanted, preferredKinds: need.kindList.map { req.t("organisation.kind.\($0.rawValue)") }.joined(separator: ", "),
            place: need.remote ? req.t("partnership.remote_in", ["voivodeship": voivodeship])
                : req.t("partnership.place_reach", ["place": place, "km": String(need.reachKilometres)]),
            validUntil: need.validUntil.map { dates.longDay($0) }, isOpen: need.isOpen, isMember: isMember,
            partners: partners, excluded: excluded,
            responses: isMember ? responses.map {
                ResponseRow(organisation: $0.organisation.name, href: SitePath.organisation($0.$organisation.id.uuidString).path,
                            contactEmail: $0.organisation.contactEmail, message: $0.message, at: dates.shortDateTime($0.createdAt))
            } : [],
            respondAs: answering.filter { !respondedIDs.contains($0.id ?? UUID()) }.map {
                .init(code: $0.id?.uuidString ?? "", name: $0.name, selected: form.value("organisation_id") == $0.id?.uuidString)
            },
            respondedAs: answering.filter { respondedIDs.contains($0.id ?? UUID()) }.map(\.name),
            respondAction: SitePath.respondToNeed(needID.uuidString).path, closeAction: SitePath.closeNeed(needID.uuidString).path,
            form: form,
            signInHref: req.user == nil ? SitePath.signIn.path + "?powrot=" + SitePath.partnershipNeed(needID.uuidString).path : nil), status: status)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        try await needPage(req)
    }

    @Sendable
    func respond(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let (need, _) = try await Self.visibleNeed(req)
        var form = FormState(values: try req.formFields(), labelKeys: Self.labels)
        guard form.value("website").isEmpty else { throw LocalizedAbort(.badRequest, key: "error.status.400.detail") }
        let answering = try await Self.answeringOrganisations(req, except: need.$organisation.id)
        guard !answering.isEmpty else { throw LocalizedAbort(.forbidden, key: "partnership.error.verified_only") }
        guard need.isOpen else { throw LocalizedAbort(.conflict, key: "partnership.error.closed") }
        let organisation = answering.first { $0.id?.uuidString == form.value("organisation_id") } ?? (answering.count == 1 ? answering[0] : nil)
        if organisation == nil { form.fail("organisation_id", req.t("partnership.error.organisation")) }
        let message = form.value("message")
        if message.count < 20 { form.fail("message", req.t("partnership.error.message")) }
        if message.count > Self.maximumMessage { form.fail("message", req.t("form.error.too_long", ["max": String(Self.maximumMessage)])) }
        guard form.isValid, let organisation else { return try await needPage(req, form: form, status: .unprocessableEntity) }
        let needID = try need.requireID()
        let organisationID = try organisation.requireID()
        guard try await PartnershipResponse.query(on: req.db).filter(\.$need.$id == needID).filter(\.$organisation.$id == organisationID).count() == 0
        else { throw LocalizedAbort(.conflict, key: "partnership.error.responded") }
        let key = "message:\(try user.requireID())"
        try await Throttle.messages.admit(key, on: req.db)
        let response = PartnershipResponse()
        response.$need.id = needID
        response.$organisation.id = organisationID
        response.message = message
        response.createdBy = try user.requireID()
        response.createdAt = Date()
        try await response.create(on: req.db)
        let members = try await OrganisationMembership.query(on: req.db).filter(\.$organisation.$id == need.$organisation.id)
            .filter(\.$status == OrganisationMembership.Status.active.rawValue).with(\.$user).all()
        for member in members {
            try await req.mailer.send(template: "partnership_response", to: member.user.email, name: member.user.displayName,
                                      language: member.user.preferredLanguage, link: SitePath.partnershipNeed(needID.uuidString).path,
                                      arguments: ["need": need.title, "organisation": organisation.name])
        }
        await req.audit(.partnershipAnswered, subject: "partnership_need:\(needID)", actor: user.id)
        return req.redirect(to: SitePath.partnershipNeed(needID.uuidString).path, notice: "partnership_answered")
    }

    @Sendable
    func close(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let (need, isMember) = try await Self.visibleNeed(req)
        guard isMember else { throw LocalizedAbort(.notFound, key: "partnership.error.not_found") }
        _ = try req.formFields()
        if need.status == PartnershipNeed.Status.open.rawValue {
            need.status = PartnershipNeed.Status.closed.rawValue
            need.closedAt = Date()
            try await need.save(on: req.db)
            await req.audit(.partnershipClosed, subject: "partnership_need:\(try need.requireID())", actor: user.id)
        }
        return req.redirect(to: SitePath.organisationPartnerships(need.$organisation.id.uuidString).path, notice: "partnership_closed")
    }

    // MARK: an organisation's partnerships

    struct OwnNeed: Encodable {
        let title: String
        let href: String
        let kind: String
        let status: String
        let responses: Int
    }

    struct FittingNeed: Encodable {
        let card: Card
        let reasons: [Reason]
    }

    struct OrganisationPage: Encodable {
        let name: String
        let isVerified: Bool
        let newHref: String
        let own: [OwnNeed]
        let fitting: [FittingNeed]
    }

    @Sendable
    func organisationPage(req: Request) async throws -> View {
        let (organisation, _) = try await OrganisationsController.memberOrganisation(req)
        let organisationID = try organisation.requireID()
        let own = try await PartnershipNeed.query(on: req.db).filter(\.$organisation.$id == organisationID).sort(\.$createdAt, .descending).all()
        let responses = try await PartnershipResponse.query(on: req.db).filter(\.$need.$id ~~ own.compactMap(\.id)).all()
        var fitting: [FittingNeed] = []
        if organisation.isVerified {
            let found = try await PartnershipMatching.needs(for: organisation, on: req.db)
            let cards = try await Self.cards(found.map(\.need), req)
            fitting = zip(cards, found).map { card, entry in
                FittingNeed(card: card, reasons: Reason.of(entry.match, req))
            }
        }
        return try await req.render("partnerships/organisation", title: req.t("partnerships.of_organisation"), OrganisationPage(
            name: organisation.name, isVerified: organisation.isVerified, newHref: SitePath.newPartnershipNeed(organisationID.uuidString).path,
            own: own.map { need in
                OwnNeed(title: need.title, href: SitePath.partnershipNeed(need.id?.uuidString ?? "").path, kind: req.t(need.kindValue.catalogueKey),
                        status: req.t(need.isOpen ? "partnership.status.open" : "partnership.status.closed"),
                        responses: responses.filter { $0.$need.id == need.id }.count)
            },
            fitting: fitting))
    }

    // MARK: publishing a need

    struct FormPage: Encodable {
        let organisation: String
        let action: String
        let form: FormState
        let kinds: [LocalitiesController.Option]
        let areas: [OffersController.SlotOption]
        let organisationKinds: [OffersController.SlotOption]
        let voivodeships: [LocalitiesController.Option]
        let reaches: [LocalitiesController.Option]
    }

    static let reaches = [10, 25, 50, 100]

    func formPage(_ req: Request, _ organisation: Organisation, form: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        try await req.render("partnerships/form", title: req.t("partnership.new"), FormPage(
            organisation: organisation.name, action: SitePath.newPartnershipNeed(try organisation.requireID().uuidString).path, form: form,
            kinds: PartnershipKind.allCases.map { .init(code: $0.rawValue, name: req.t($0.catalogueKey), selected: form.value("kind") == $0.rawValue) },
            areas: OfferArea.allCases.map { .init(field: "area_\($0.rawValue)", label: req.t($0.catalogueKey), checked: form.isChecked("area_\($0.rawValue)")) },
            organisationKinds: Organisation.Kind.allCases.map {
                .init(field: "prefer_\($0.rawValue)", label: req.t("organisation.kind.\($0.rawValue)"), checked: form.isChecked("prefer_\($0.rawValue)"))
            },
            voivodeships: LocalitiesController.voivodeshipOptions(req, selected: form.value("voivodeship")),
            reaches: Self.reaches.map { .init(code: String($0), name: "\($0) km", selected: form.value("reach_km") == String($0)) }),
            status: status)
    }

    /// The organisation of the URL, for its members, when it is verified: only verified organisations publish.
    static func publishingOrganisation(_ req: Request) async throws -> Organisation {
        let (organisation, _) = try await OrganisationsController.memberOrganisation(req)
        guard organisation.isVerified else { throw LocalizedAbort(.forbidden, key: "partnership.error.verified_only") }
        return organisation
    }

    @Sendable
    func newNeed(req: Request) async throws -> Response {
        let organisation = try await Self.publishingOrganisation(req)
        let locality = try await LocalityRecord.find(organisation.localityID, on: req.db)
        return try await formPage(req, organisation, form: FormState(
            values: ["reach_km": "50", "locality": locality?.name ?? "", "voivodeship": organisation.voivodeshipCode], labelKeys: Self.labels))
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let organisation = try await Self.publishingOrganisation(req)
        var form = FormState(values: try req.formFields(), labelKeys: Self.labels)
        let kind = PartnershipKind(rawValue: form.value("kind"))
        if kind == nil { form.fail("kind", req.t("partnership.error.kind")) }
        let title = form.value("title")
        if title.count < 5 { form.fail("title", req.t("offer.error.title")) }
        if title.count > 150 { form.fail("title", req.t("form.error.too_long", ["max": "150"])) }
        let description = form.value("description")
        if description.count < 30 { form.fail("description", req.t("offer.error.description")) }
        if description.count > 5000 { form.fail("description", req.t("form.error.too_long", ["max": "5000"])) }
        if form.value("wanted").count > 500 { form.fail("wanted", req.t("form.error.too_long", ["max": "500"])) }
        let reach = Int(form.value("reach_km")).flatMap { Self.reaches.contains($0) ? $0 : nil }
        if reach == nil { form.fail("reach_km", req.t("partnership.error.reach")) }
        var validUntil: String?
        if !form.value("valid_until").isEmpty {
            if Age.parseDay(form.value("valid_until")) == nil {
                form.fail("valid_until", req.t("account.error.date_invalid"))
            } else if form.value("valid_until") < OfferDates.today() {
                form.fail("valid_until", req.t("partnership.error.valid_until_past"))
            } else {
                validUntil = form.value("valid_until")
            }
        }
        let locality = try await AccountValidation.locality(&form, req)
        guard form.isValid, let kind, let reach, let locality, let localityID = locality.id else {
            return try await formPage(req, organisation, form: form, status: .unprocessableEntity)
        }
        let need = PartnershipNeed()
        need.$organisation.id = try organisation.requireID()
        need.kind = kind.rawValue
        need.title = title
        need.description = description
        need.areas = OfferArea.allCases.filter { form.isChecked("area_\($0.rawValue)") }.map(\.rawValue).joined(separator: ",")
        need.wanted = form.value("wanted")
        need.preferredKinds = Organisation.Kind.allCases.filter { form.isChecked("prefer_\($0.rawValue)") }.map(\.rawValue).joined(separator: ",")
        need.localityID = localityID
        need.voivodeshipCode = locality.voivodeshipCode
        need.latitude = locality.latitude
        need.longitude = locality.longitude
        need.reachKilometres = reach
        need.remote = form.isChecked("remote")
        need.validUntil = validUntil
        need.status = PartnershipNeed.Status.open.rawValue
        need.createdBy = try user.requireID()
        need.createdAt = Date()
        try await need.create(on: req.db)
        await req.audit(.partnershipPublished, subject: "partnership_need:\(try need.requireID())", actor: user.id)
        return req.redirect(to: SitePath.partnershipNeed(try need.requireID().uuidString).path, notice: "partnership_published")
    }
}
