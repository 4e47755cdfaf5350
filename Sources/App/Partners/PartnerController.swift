import Fluent
import KorpusCore
import Vapor

/// A partner operator's work: the queue of organisations waiting for verification in the partner's
/// area, and the decision on each. Nothing outside the area can be seen or decided.
struct PartnerController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInGuard())
        signedIn.get(SitePath.partnerQueue.components, use: queue)
        signedIn.post(SitePath.verifyOrganisation("").components, use: decide)
        signedIn.post(SitePath.hideOffer("").components, use: hideOffer)
        signedIn.post(SitePath.suspendAccount.components, use: suspendAccount)
    }

    struct Row: Encodable {
        let name: String
        let kind: String
        let place: String
        let registry: String
        let description: String
        let contact: String
        let action: String
        let status: String
    }

    struct QueuePage: Encodable {
        let partners: [String]
        let pending: [Row]
        let verified: [Row]
        let form: FormState
    }

    static func area(_ req: Request) async throws -> PartnerArea {
        let partners = try await PartnerOperator.partners(of: try req.requireUser(), on: req.db)
        let area = PartnerArea(partners)
        guard !area.isEmpty else { throw LocalizedAbort(.forbidden, key: "partner.error.not_operator") }
        return area
    }

    func queuePage(_ req: Request, form: FormState = FormState(), status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = try req.requireUser()
        let partners = try await PartnerOperator.partners(of: user, on: req.db)
        let area = PartnerArea(partners)
        guard !area.isEmpty else { throw LocalizedAbort(.forbidden, key: "partner.error.not_operator") }
        let candidates = try await Organisation.query(on: req.db)
            .filter(\.$status ~~ [Organisation.Status.pending.rawValue, Organisation.Status.verified.rawValue])
            .group(.or) { group in
                group.filter(\.$voivodeshipCode ~~ Array(area.voivodeships))
                group.filter(\.$localityID ~~ Array(area.localities))
            }
            .sort(\.$createdAt).limit(500).all()
            .filter(area.covers)
        let places = try await OrganisationQuery.localityNames(for: candidates, on: req.db)
        func row(_ organisation: Organisation) -> Row {
            return Row(name: organisation.name, kind: req.t("organisation.kind.\(organisation.kind)"),
                place: "\(places[organisation.localityID] ?? "") · \(req.t("voivodeship.\(organisation.voivodeshipCode)"))",
                registry: [organisation.krs.map { "KRS \($0)" }, organisation.nip.map { "NIP \($0)" }, organisation.regon.map { "REGON \($0)" }]
                    .compactMap { $0 }.joined(separator: ", "),
                description: organisation.description, contact: organisation.contactEmail,
                action: SitePath.verifyOrganisation(organisation.id?.uuidString ?? "").path,
                status: req.t("organisation.status.\(organisation.status)"))
        }
        let pending = candidates.filter { $0.status == Organisation.Status.pending.rawValue }.map(row)
        let verified = candidates.filter(\.isVerified).sorted { $0.name < $1.name }.map(row)
        return try await req.render("partners/queue", title: req.t("partner.title"),
                                    QueuePage(partners: partners.map(\.name), pending: pending, verified: verified, form: form), status: status)
    }

    @Sendable
    func queue(req: Request) async throws -> Response {
        try await queuePage(req)
    }

    /// Hides an offer of the partner's area from everybody but its organisation, with a reason, or shows it again.
    @Sendable
    func hideOffer(req: Request) async throws -> Response {
        let area = try await Self.area(req)
        guard let id = req.parameters.get("offerID").flatMap(UUID.init(uuidString:)),
            let offer = try await Offer.query(on: req.db).filter(\.$id == id).with(\.$organisation).first()
        else { throw LocalizedAbort(.notFound, key: "offer.error.not_found") }
        guard area.covers(offer.organisation) else { throw LocalizedAbort(.forbidden, key: "partner.error.outside_area") }
        let form = FormState(values: try req.formFields())
        if form.value("action") == "show" {
            offer.hiddenReason = nil
            try await offer.save(on: req.db)
            await req.audit(.offerShown, subject: "offer:\(id)")
            return req.redirect(to: SitePath.offer(id.uuidString).path, notice: "offer_shown")
        }
        let reason = form.value("reason")
        guard reason.count >= 5, reason.count <= 1000 else { throw LocalizedAbort(.unprocessableEntity, key: "partner.error.reason") }
        offer.hiddenReason = reason
        try await offer.save(on: req.db)
        await req.audit(.offerHidden, subject: "offer:\(id)", details: reason)
        try await OffersController.notifyCoordinators(of: offer, template: "offer_hidden", volunteer: reason, req)
        return req.redirect(to: SitePath.offer(id.uuidString).path, notice: "offer_hidden")
    }

    /// Suspends the account of someone who spams, living in the partner's area (the administrator: anyone).
    @Sendable
    func suspendAccount(req: Request) async throws -> Response {
        let user = try req.requireUser()
        var form = FormState(values: try req.formFields())
        let email = AccountValidation.email(&form, req)
        let reason = form.value("reason")
        if reason.count < 5 { form.fail("reason", req.t("partner.error.reason")) }
        guard form.isValid, let email else { return try await queuePage(req, form: form, status: .unprocessableEntity) }
        guard let target = try await User.query(on: req.db).filter(\.$email == email).first(), !target.isAdministrator else {
            throw LocalizedAbort(.notFound, key: "admin.error.no_such_user")
        }
        if !user.isAdministrator {
            let area = try await Self.area(req)
            let locality = try await target.localityID.asyncMap { try await LocalityRecord.find($0, on: req.db) }
            guard let record = locality ?? nil, area.voivodeships.contains(record.voivodeshipCode) || area.localities.contains(record.id ?? -1) else {
                throw LocalizedAbort(.forbidden, key: "partner.error.outside_area")
            }
        }
        target.status = User.Status.suspended.rawValue
        try await target.save(on: req.db)
        try await SignInSession.query(on: req.db).filter(\.$user.$id == target.requireID()).delete()
        try await AccessToken.query(on: req.db).filter(\.$user.$id == target.requireID()).set(\.$revokedAt, to: Date()).update()
        await req.audit(.accountSuspended, subject: "user:\(try target.requireID())", details: reason)
        return req.redirect(to: SitePath.partnerQueue.path, notice: "account_suspended")
    }

    /// Verifies, rejects (with a reason) or suspends (with a reason) an organisation of the partner's area.
    @Sendable
    func decide(req: Request) async throws -> Response {
        let area = try await Self.area(req)
        guard let id = req.parameters.get("organisationID").flatMap(UUID.init(uuidString:)),
            let organisation = try await Organisation.find(id, on: req.db)
        else { throw LocalizedAbort(.notFound, key: "organisation.error.not_found") }
        guard area.covers(organisation) else {
            await req.audit(.verificationOutsideArea, subject: "organisation:\(id)")
            throw LocalizedAbort(.forbidden, key: "partner.error.outside_area")
        }
        var form = FormState(values: try req.formFields())
        let decision = form.value("decision")
        let reason = form.value("reason")
        let action: AuditAction
        let notice: String
        switch decision {
        case "verify":
            guard organisation.status != Organisation.Status.verified.rawValue else {
                throw LocalizedAbort(.conflict, key: "partner.error.already_verified")
            }
            organisation.status = Organisation.Status.verified.rawValue
            organisation.statusReason = nil
            action = .organisationVerified
            notice = "organisation_verified"
        case "reject", "suspend":
            if reason.count < 5 { form.fail("reason", req.t("partner.error.reason")) }
            if reason.count > 1000 { form.fail("reason", req.t("form.error.too_long", ["max": "1000"])) }
            guard form.isValid else { return try await queuePage(req, form: form, status: .unprocessableEntity) }
            organisation.status = (decision == "reject" ? Organisation.Status.rejected : .suspended).rawValue
            organisation.statusReason = reason
            action = decision == "reject" ? .organisationRejected : .organisationSuspended
            notice = "organisation_rejected"
        default:
            throw LocalizedAbort(.badRequest, key: "partner.error.decision")
        }
        organisation.verifiedBy = try req.requireUser().requireID()
        organisation.verifiedAt = Date()
        try await req.db.writing { db in
            try await organisation.save(on: db)
            try await OfferIndex.refresh(organisation: id, on: db)
        }
        await req.audit(action, subject: "organisation:\(id)", details: reason)
        let representatives = try await OrganisationMembership.query(on: req.db).filter(\.$organisation.$id == id)
            .filter(\.$role == OrganisationMembership.Role.representative.rawValue).with(\.$user).all()
        for membership in representatives {
            try await req.mailer.send(
                template: "organisation_\(organisation.status)", to: membership.user.email, name: membership.user.displayName,
                language: membership.user.preferredLanguage, link: SitePath.manageOrganisation(id.uuidString).path,
                arguments: ["organisation": organisation.name, "reason": reason])
        }
        return req.redirect(to: SitePath.partnerQueue.path, notice: notice)
    }
}
