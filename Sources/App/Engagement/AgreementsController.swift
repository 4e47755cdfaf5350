import Fluent
import KorpusCore
import SQLKit
import Vapor

/// Who is looking at an engagement: its volunteer, the guardian who manages a child's account, or a
/// coordinator of its organisation. Anyone else is told it does not exist.
enum EngagementViewer: Equatable {
    case volunteer, guardian, coordinator

    /// The party this viewer accepts agreements as.
    var party: AgreementParty {
        switch self {
        case .volunteer: .volunteer
        case .guardian: .guardian
        case .coordinator: .organisation
        }
    }

    static func of(_ engagement: Engagement, volunteer: User, _ req: Request) async throws -> EngagementViewer {
        let user = try req.requireUser()
        let userID = try user.requireID()
        if engagement.$volunteer.id == userID { return .volunteer }
        if volunteer.guardianID == userID { return .guardian }
        if try await OrganisationMembership.role(of: userID, in: engagement.$organisation.id, on: req.db) != nil { return .coordinator }
        throw LocalizedAbort(.notFound, key: "engagement.error.not_found")
    }

    /// The engagement named in the path, with its offer, organisation and volunteer, and who is looking.
    static func engagement(_ req: Request) async throws -> (Engagement, EngagementViewer) {
        guard let id = req.parameters.get("engagementID").flatMap(UUID.init(uuidString:)),
            let engagement = try await Engagement.query(on: req.db).filter(\.$id == id)
                .with(\.$offer).with(\.$organisation).with(\.$volunteer).first()
        else { throw LocalizedAbort(.notFound, key: "engagement.error.not_found") }
        return (engagement, try await of(engagement, volunteer: engagement.volunteer, req))
    }
}

/// Volunteer agreements (porozumienie wolontariackie): the coordinator prepares one from the organisation's
/// template, every party accepts the exact text electronically (a minor's guardian by a link in an e-mail,
/// a child's guardian from their own account), a change makes a new version, and each version downloads as
/// a PDF with a verification code.
struct AgreementsController: RouteCollection {
    static let maximumText = 4000

    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInGuard())
        signedIn.get(SitePath.engagementAgreement("").components, use: show)
        signedIn.get(SitePath.prepareAgreement("").components, use: prepareForm)
        signedIn.post(SitePath.prepareAgreement("").components, use: prepare)
        signedIn.post(SitePath.acceptAgreement("").components, use: accept)
        signedIn.get(SitePath.agreementPDF("").components, use: pdf)
        signedIn.get(SitePath.agreementTemplate("").components, use: templateForm)
        signedIn.post(SitePath.agreementTemplate("").components, use: saveTemplate)
        routes.get(SitePath.guardianAgreement("").components, use: guardianPage).publicAccess()
        routes.post(SitePath.guardianAgreement("").components, use: guardianAccept).publicAccess()
    }

    static let labels: [String: String] = [
        "scope": "agreement.field.scope", "manner": "agreement.field.manner", "place": "agreement.field.place",
        "starts_on": "agreement.field.starts_on", "ends_on": "agreement.field.ends_on", "termination": "agreement.field.termination",
        "risks": "agreement.field.risks", "rights_duties": "agreement.field.rights_duties", "guardian_name": "guardian.name",
        "consent": "agreement.guardian_consent",
    ]

    // MARK: Reading

    struct PartyRow: Encodable {
        let party: String
        let state: String
        let accepted: Bool
    }

    struct VersionRow: Encodable {
        let version: Int
        let status: String
        let created: String
        let pdfHref: String
    }

    struct AgreementView: Encodable {
        let id: String
        let title: String
        let preamble: String
        let sections: [AgreementDocument.Section]
        let textHash: String
        let status: String
        let concluded: Bool
        let writtenForm: Bool
        let parties: [PartyRow]
        let acceptAction: String?
        let pdfHref: String
    }

    struct ShowPage: Encodable {
        let offer: String
        let organisation: String
        let volunteer: String
        let agreement: AgreementView?
        let versions: [VersionRow]
        let prepareHref: String?
        let backHref: String
    }

    static func currentVersion(of engagementID: UUID, on db: any Database) async throws -> Agreement? {
        try await Agreement.query(on: db).filter(\.$engagement.$id == engagementID).sort(\.$version, .descending).first()
    }

    static func document(_ agreement: Agreement, _ req: Request) -> AgreementDocument {
        AgreementDocument(agreement.terms, catalogue: req.application.catalogues[.pl])
    }

    static func partyRows(_ agreement: Agreement, _ acceptances: [AgreementAcceptance], _ req: Request) -> [PartyRow] {
        let dates = DateFormat(catalogue: req.catalogue)
        return agreement.requiredParties.map { party in
            if let done = acceptances.first(where: { $0.party == party.rawValue }) {
                return PartyRow(party: req.t("agreement.party.\(party.rawValue)"), state: req.t("agreement.accepted_by", [
                    "name": done.name, "time": dates.shortDateTime(done.acceptedAt)]), accepted: true)
            }
            return PartyRow(party: req.t("agreement.party.\(party.rawValue)"), state: req.t("agreement.waiting"), accepted: false)
        }
    }

    @Sendable
    func show(req: Request) async throws -> View {
        let (engagement, viewer) = try await EngagementViewer.engagement(req)
        let engagementID = try engagement.requireID()
        let versions = try await Agreement.query(on: req.db).filter(\.$engagement.$id == engagementID).sort(\.$version, .descending).all()
        let dates = DateFormat(catalogue: req.catalogue)
        var view: AgreementView?
        if let current = versions.first {
            let id = try current.requireID()
            let acceptances = try await AgreementAcceptance.query(on: req.db).filter(\.$agreement.$id == id).all()
            let document = Self.document(current, req)
            let mine = viewer.party
            let canAccept = current.status == Agreement.Status.awaiting.rawValue && current.requiredParties.contains(mine)
                && !acceptances.contains { $0.party == mine.rawValue }
            view = AgreementView(
                id: id.uuidString, title: document.title, preamble: document.preamble, sections: document.sections,
                textHash: current.textHash, status: req.t("agreement.status.\(current.status)"),
                concluded: current.status == Agreement.Status.concluded.rawValue, writtenForm: current.terms.writtenFormRequired,
                parties: Self.partyRows(current, acceptances, req), acceptAction: canAccept ? SitePath.acceptAgreement(id.uuidString).path : nil,
                pdfHref: SitePath.agreementPDF(id.uuidString).path)
        }
        return try await req.render("engagement/agreement", title: req.t("agreement.title"), ShowPage(
            offer: engagement.offer.title, organisation: engagement.organisation.name, volunteer: engagement.volunteer.displayName,
            agreement: view,
            versions: versions.map {
                VersionRow(version: $0.version, status: req.t("agreement.status.\($0.status)"), created: dates.shortDateTime($0.createdAt),
                           pdfHref: SitePath.agreementPDF($0.id?.uuidString ?? "").path)
            },
            prepareHref: viewer == .coordinator ? SitePath.prepareAgreement(engagementID.uuidString).path : nil,
            backHref: viewer == .coordinator ? SitePath.organisationEngagements(engagement.$organisation.id.uuidString).path : SitePath.myHours.path))
    }

    // MARK: Preparing a version

    struct PrepareForm: Encodable {
        let form: FormState
        let action: String
        let offer: String
        let volunteer: String
        let hasVersion: Bool
        let reimburses: Bool
        let backHref: String
    }

    static func coordinatorEngagement(_ req: Request) async throws -> Engagement {
        let (engagement, viewer) = try await EngagementViewer.engagement(req)
        guard viewer == .coordinator else { throw LocalizedAbort(.forbidden, key: "agreement.error.coordinator_only") }
        return engagement
    }

    /// What the form starts from: the current version, or the organisation's template and the offer.
    static func startingValues(_ engagement: Engagement, _ req: Request) async throws -> (values: [String: String], reimburses: Bool) {
        if let current = try await currentVersion(of: try engagement.requireID(), on: req.db) {
            return (["scope": current.scope, "manner": current.manner, "place": current.place, "starts_on": current.startsOn,
                     "ends_on": current.endsOn ?? "", "termination": current.termination, "risks": current.risks,
                     "rights_duties": current.rightsAndDuties], current.reimbursesCosts)
        }
        let template = try await Self.template(of: engagement.$organisation.id, req)
        let offer = engagement.offer
        var place = req.application.catalogues[.pl].text("agreement.place_remote")
        if !offer.remote {
            var locality = ""
            if let id = offer.localityID { locality = try await LocalityQuery.names(of: [id], on: req.db)[id] ?? "" }
            place = [offer.address, locality].filter { !$0.isEmpty }.joined(separator: ", ")
        }
        return (["scope": offer.title + ". " + String(offer.description.prefix(600)), "manner": template.manner, "place": place,
                 "starts_on": engagement.startsOn, "ends_on": engagement.endsOn ?? "", "termination": template.termination,
                 "risks": template.risks, "rights_duties": template.rightsAndDuties], template.reimbursesCosts)
    }

    @Sendable
    func prepareForm(req: Request) async throws -> View {
        let engagement = try await Self.coordinatorEngagement(req)
        let start = try await Self.startingValues(engagement, req)
        return try await req.render("engagement/agreement-form", title: req.t("agreement.prepare"), PrepareForm(
            form: FormState(values: start.values, labelKeys: Self.labels), action: SitePath.prepareAgreement(engagement.id?.uuidString ?? "").path,
            offer: engagement.offer.title, volunteer: engagement.volunteer.displayName,
            hasVersion: try await Self.currentVersion(of: try engagement.requireID(), on: req.db) != nil, reimburses: start.reimburses,
            backHref: SitePath.engagementAgreement(engagement.id?.uuidString ?? "").path))
    }

    static func checkText(_ form: inout FormState, _ field: String, _ req: Request, minimum: Int = 3) {
        let value = form.value(field)
        if value.count < minimum { form.fail(field, req.t("agreement.error.text")) }
        if value.count > maximumText { form.fail(field, req.t("form.error.too_long", ["max": String(maximumText)])) }
    }

    @Sendable
    func prepare(req: Request) async throws -> Response {
        let engagement = try await Self.coordinatorEngagement(req)
        let user = try req.requireUser()
        var form = FormState(values: try req.formFields(), labelKeys: Self.labels)
        for field in ["scope", "manner", "termination", "risks", "rights_duties"] { Self.checkText(&form, field, req) }
        Self.checkText(&form, "place", req, minimum: 2)
        let startsOn = form.value("starts_on"), endsOn = form.value("ends_on")
        if Age.parseDay(startsOn) == nil { form.fail("starts_on", req.t("account.error.date_invalid")) }
        if !endsOn.isEmpty {
            if Age.parseDay(endsOn) == nil {
                form.fail("ends_on", req.t("account.error.date_invalid"))
            } else if endsOn < startsOn {
                form.fail("ends_on", req.t("offer.error.ends_before"))
            }
        }
        guard form.isValid else {
            return try await req.render("engagement/agreement-form", title: req.t("agreement.prepare"), PrepareForm(
                form: form, action: SitePath.prepareAgreement(engagement.id?.uuidString ?? "").path, offer: engagement.offer.title,
                volunteer: engagement.volunteer.displayName, hasVersion: try await Self.currentVersion(of: try engagement.requireID(), on: req.db) != nil,
                reimburses: form.isChecked("reimburses_costs"), backHref: SitePath.engagementAgreement(engagement.id?.uuidString ?? "").path),
                status: .unprocessableEntity)
        }
        let organisation = engagement.organisation
        let locality = try await LocalityQuery.names(of: [organisation.localityID], on: req.db)[organisation.localityID] ?? ""
        let engagementID = try engagement.requireID()
        let agreement = Agreement()
        agreement.$engagement.id = engagementID
        agreement.scope = form.value("scope")
        agreement.manner = form.value("manner")
        agreement.place = form.value("place")
        agreement.startsOn = startsOn
        agreement.endsOn = endsOn.isEmpty ? nil : endsOn
        agreement.termination = form.value("termination")
        agreement.risks = form.value("risks")
        agreement.rightsAndDuties = form.value("rights_duties")
        agreement.reimbursesCosts = form.isChecked("reimburses_costs")
        agreement.volunteerName = engagement.volunteer.displayName
        agreement.volunteerBand = (engagement.volunteer.ageBand ?? .adult).rawValue
        agreement.organisationName = organisation.name
        agreement.organisationAddress = "\(organisation.street), \(organisation.postalCode) \(locality)"
        agreement.parties = AgreementRules.parties(for: agreement.band).map(\.rawValue).joined(separator: ",")
        agreement.status = Agreement.Status.awaiting.rawValue
        agreement.createdBy = try user.requireID()
        agreement.createdAt = Date()
        do {
            try await Self.saveVersion(agreement, engagementID, req)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another coordinator saved a version of this engagement at the same moment.
            throw LocalizedAbort(.conflict, key: "agreement.error.old_version")
        }
        await req.audit(.agreementPrepared, subject: "agreement:\(try agreement.requireID())", details: "version \(agreement.version)")
        try await Self.askParties(agreement, engagement, req)
        return req.redirect(to: SitePath.engagementAgreement(engagementID.uuidString).path, notice: "agreement_prepared")
    }

    /// Writes the agreement as the next version of the engagement's, the current one marked superseded.
    static func saveVersion(_ agreement: Agreement, _ engagementID: UUID, _ req: Request) async throws {
        try await req.db.writing { db in
            let previous = try await Self.currentVersion(of: engagementID, on: db)
            agreement.version = (previous?.version ?? 0) + 1
            let text = AgreementDocument(agreement.terms, catalogue: req.application.catalogues[.pl]).text
            agreement.text = text
            agreement.textHash = TextDigest.sha256(text)
            if let previous {
                previous.status = Agreement.Status.superseded.rawValue
                try await previous.save(on: db)
            }
            try await agreement.create(on: db)
        }
    }

    /// Tells the volunteer (or the child's guardian) that a version waits for them; a minor's guardian gets a
    /// link of their own, valid for 30 days.
    static func askParties(_ agreement: Agreement, _ engagement: Engagement, _ req: Request) async throws {
        let volunteer = engagement.volunteer
        let link = SitePath.engagementAgreement(try engagement.requireID().uuidString).path
        let arguments = ["organisation": engagement.organisation.name, "offer": engagement.offer.title, "volunteer": volunteer.displayName]
        let parties = agreement.requiredParties
        if parties.contains(.volunteer) {
            try await req.mailer.send(template: "agreement_to_accept", to: volunteer.email, name: volunteer.displayName,
                                      language: volunteer.preferredLanguage, link: link, arguments: arguments)
        }
        guard parties.contains(.guardian) else { return }
        if let guardianID = volunteer.guardianID, let guardian = try await User.find(guardianID, on: req.db) {
            try await req.mailer.send(template: "agreement_to_accept", to: guardian.email, name: guardian.displayName,
                                      language: guardian.preferredLanguage, link: link, arguments: arguments)
        } else if let guardianEmail = volunteer.guardianEmail {
            let secret = try await AccountToken.issue(for: try volunteer.requireID(), purpose: .guardianAgreement, lifetime: 30 * 24 * 3600,
                                                      payload: try agreement.requireID().uuidString + "|" + guardianEmail, on: req.db)
            try await req.mailer.send(template: "agreement_guardian", to: guardianEmail, name: "", language: volunteer.preferredLanguage,
                                      link: SitePath.guardianAgreement(secret).path, arguments: arguments)
        }
    }

    // MARK: Accepting

    /// Records a party's acceptance of the version whose text has this hash, once; concludes the agreement
    /// when it was the last one owed.
    static func record(_ agreement: Agreement, party: AgreementParty, textHash: String, userID: UUID?, name: String, email: String,
                       _ req: Request) async throws {
        guard agreement.status == Agreement.Status.awaiting.rawValue, textHash == agreement.textHash else {
            throw LocalizedAbort(.conflict, key: agreement.status == Agreement.Status.concluded.rawValue
                                 ? "agreement.error.already_accepted" : "agreement.error.old_version")
        }
        guard agreement.requiredParties.contains(party) else { throw LocalizedAbort(.forbidden, key: "agreement.error.not_party") }
        let agreementID = try agreement.requireID()
        let concluded = try await req.db.writing { db -> Bool in
            // Acceptances of one agreement are written one at a time: a no-op update locks its row on
            // PostgreSQL (SQLite writes one transaction at a time), so the last two parties accepting at the
            // same moment still conclude it, and a version replaced meanwhile is seen.
            if let sql = db as? any SQLDatabase {
                try await sql.raw("UPDATE agreements SET status = status WHERE id = \(bind: agreementID)").run()
            }
            guard let current = try await Agreement.find(agreementID, on: db), current.status == Agreement.Status.awaiting.rawValue else {
                throw LocalizedAbort(.conflict, key: "agreement.error.old_version")
            }
            let acceptances = try await AgreementAcceptance.query(on: db).filter(\.$agreement.$id == agreementID).all()
            guard !acceptances.contains(where: { $0.party == party.rawValue }) else {
                throw LocalizedAbort(.conflict, key: "agreement.error.already_accepted")
            }
            let acceptance = AgreementAcceptance()
            acceptance.$agreement.id = agreementID
            acceptance.party = party.rawValue
            acceptance.userID = userID
            acceptance.name = name
            acceptance.email = email
            acceptance.address = req.clientAddress
            acceptance.textHash = textHash
            acceptance.acceptedAt = Date()
            do {
                try await acceptance.create(on: db)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                throw LocalizedAbort(.conflict, key: "agreement.error.already_accepted")
            }
            let done = Set(acceptances.map(\.party) + [party.rawValue])
            guard current.requiredParties.allSatisfy({ done.contains($0.rawValue) }) else { return false }
            current.status = Agreement.Status.concluded.rawValue
            try await current.save(on: db)
            return true
        }
        await req.audit(.agreementAccepted, subject: "agreement:\(agreementID)", details: "\(party.rawValue) \(textHash)", actor: userID)
        guard concluded, let engagement = try await Engagement.query(on: req.db).filter(\.$id == agreement.$engagement.id)
            .with(\.$volunteer).with(\.$offer).first() else { return }
        let link = SitePath.engagementAgreement(try engagement.requireID().uuidString).path
        if engagement.volunteer.canSignIn {
            try await req.mailer.send(template: "agreement_concluded", to: engagement.volunteer.email, name: engagement.volunteer.displayName,
                                      language: engagement.volunteer.preferredLanguage, link: link, arguments: ["offer": engagement.offer.title])
        }
        try await OffersController.notifyCoordinators(of: engagement.offer, template: "agreement_concluded_coordinator",
                                                      volunteer: engagement.volunteer.displayName, req, link: link)
    }

    @Sendable
    func accept(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("agreementID").flatMap(UUID.init(uuidString:)),
            let agreement = try await Agreement.find(id, on: req.db),
            let engagement = try await Engagement.query(on: req.db).filter(\.$id == agreement.$engagement.id).with(\.$volunteer).first()
        else { throw LocalizedAbort(.notFound, key: "engagement.error.not_found") }
        let viewer = try await EngagementViewer.of(engagement, volunteer: engagement.volunteer, req)
        let form = FormState(values: try req.formFields())
        try await Self.record(agreement, party: viewer.party, textHash: form.value("text_hash"), userID: try user.requireID(),
                              name: user.displayName, email: user.email, req)
        return req.redirect(to: SitePath.engagementAgreement(engagement.id?.uuidString ?? "").path, notice: "agreement_accepted")
    }

    // MARK: The guardian of a minor, by the link in their e-mail

    struct GuardianPage: Encodable {
        let action: String
        let minorName: String
        let title: String
        let preamble: String
        let sections: [AgreementDocument.Section]
        let textHash: String
        let form: FormState
    }

    static func guardianAgreement(_ req: Request) async throws -> (AccountToken, Agreement, email: String) {
        let secret = req.parameters.get("token") ?? ""
        let token = try await AccountToken.redeemable(secret, purpose: .guardianAgreement, on: req.db)
        let parts = token.payload.split(separator: "|", maxSplits: 1).map(String.init)
        guard parts.count == 2, let id = UUID(uuidString: parts[0]), let agreement = try await Agreement.find(id, on: req.db) else {
            throw LocalizedAbort(.notFound, key: "account.error.link_invalid")
        }
        guard agreement.status == Agreement.Status.awaiting.rawValue else {
            throw LocalizedAbort(.gone, key: agreement.status == Agreement.Status.concluded.rawValue
                                 ? "agreement.error.already_accepted" : "agreement.error.old_version")
        }
        return (token, agreement, parts[1])
    }

    func renderGuardian(_ req: Request, _ token: AccountToken, _ agreement: Agreement, form: FormState, status: HTTPResponseStatus) async throws -> Response {
        let document = Self.document(agreement, req)
        return try await req.render("engagement/agreement-guardian", title: req.t("agreement.guardian_title"), GuardianPage(
            action: SitePath.guardianAgreement(req.parameters.get("token") ?? "").path, minorName: token.user.displayName,
            title: document.title, preamble: document.preamble, sections: document.sections, textHash: agreement.textHash, form: form),
            status: status)
    }

    @Sendable
    func guardianPage(req: Request) async throws -> Response {
        let (token, agreement, _) = try await Self.guardianAgreement(req)
        return try await renderGuardian(req, token, agreement, form: FormState(labelKeys: Self.labels), status: .ok)
    }

    @Sendable
    func guardianAccept(req: Request) async throws -> Response {
        let (token, agreement, email) = try await Self.guardianAgreement(req)
        var form = FormState(values: try req.formFields(), labelKeys: Self.labels)
        AccountValidation.name(&form, field: "guardian_name", req)
        if !form.isChecked("consent") { form.fail("consent", req.t("agreement.error.guardian_consent")) }
        guard form.isValid else { return try await renderGuardian(req, token, agreement, form: form, status: .unprocessableEntity) }
        try await Self.record(agreement, party: .guardian, textHash: form.value("text_hash"), userID: nil,
                              name: form.value("guardian_name"), email: email, req)
        try await token.markUsed(on: req.db)
        return try await MessagePage.render(req, title: "agreement.guardian_done.title", paragraphs: ["agreement.guardian_done.text"])
            .encodeResponse(for: req)
    }

    // MARK: PDF

    @Sendable
    func pdf(req: Request) async throws -> Response {
        guard let id = req.parameters.get("agreementID").flatMap(UUID.init(uuidString:)),
            let agreement = try await Agreement.find(id, on: req.db),
            let engagement = try await Engagement.query(on: req.db).filter(\.$id == agreement.$engagement.id).with(\.$volunteer).first()
        else { throw LocalizedAbort(.notFound, key: "engagement.error.not_found") }
        _ = try await EngagementViewer.of(engagement, volunteer: engagement.volunteer, req)
        let acceptances = try await AgreementAcceptance.query(on: req.db).filter(\.$agreement.$id == id).sort(\.$acceptedAt).all()
        let polish = req.application.catalogues[.pl]
        let dates = DateFormat(catalogue: polish)
        let document = Self.document(agreement, req)
        var lines = acceptances.map { acceptance in
            polish.text("agreement.doc.accepted", ["party": polish.text("agreement.party.\(acceptance.party)"), "name": acceptance.name,
                                                   "time": dates.shortDateTime(acceptance.acceptedAt), "address": acceptance.address])
        }
        lines.append(polish.text("agreement.doc.fingerprint", ["hash": agreement.textHash]))
        let signatures = agreement.terms.writtenFormRequired
            ? agreement.requiredParties.map { polish.text("agreement.party.\($0.rawValue)") } : []
        let code = try req.application.documentSeal.code(kind: .agreement, id: id, facts: SealedAgreements.facts(agreement))
        let bytes = document.pdf(acceptances: lines, signatureLines: signatures, footer: DocumentSeals.footer(code: code, req),
                                 pageLabel: DocumentSeals.pageLabel(req))
        return DocumentSeals.pdfResponse(bytes, name: "porozumienie-\(agreement.number.replacingOccurrences(of: "/", with: "-"))-v\(agreement.version).pdf")
    }

    // MARK: The organisation's template

    struct TemplatePage: Encodable {
        let form: FormState
        let action: String
        let organisation: String
        let reimburses: Bool
    }

    /// The organisation's template, or the programme's default wording when it has none yet.
    static func template(of organisationID: UUID, _ req: Request) async throws -> AgreementTemplate {
        if let saved = try await AgreementTemplate.query(on: req.db).filter(\.$organisation.$id == organisationID).first() { return saved }
        let polish = req.application.catalogues[.pl]
        let template = AgreementTemplate()
        template.$organisation.id = organisationID
        template.manner = polish.text("agreement.default.manner")
        template.termination = polish.text("agreement.default.termination")
        template.risks = polish.text("agreement.default.risks")
        template.rightsAndDuties = polish.text("agreement.default.rights_duties")
        template.reimbursesCosts = true
        return template
    }

    @Sendable
    func templateForm(req: Request) async throws -> View {
        let (organisation, _) = try await OrganisationsController.memberOrganisation(req)
        let template = try await Self.template(of: try organisation.requireID(), req)
        return try await req.render("engagement/agreement-template", title: req.t("agreement.template_title"), TemplatePage(
            form: FormState(values: ["manner": template.manner, "termination": template.termination, "risks": template.risks,
                                     "rights_duties": template.rightsAndDuties], labelKeys: Self.labels),
            action: SitePath.agreementTemplate(try organisation.requireID().uuidString).path, organisation: organisation.name,
            reimburses: template.reimbursesCosts))
    }

    @Sendable
    func saveTemplate(req: Request) async throws -> Response {
        let (organisation, _) = try await OrganisationsController.memberOrganisation(req)
        let organisationID = try organisation.requireID()
        var form = FormState(values: try req.formFields(), labelKeys: Self.labels)
        for field in ["manner", "termination", "risks", "rights_duties"] { Self.checkText(&form, field, req) }
        guard form.isValid else {
            return try await req.render("engagement/agreement-template", title: req.t("agreement.template_title"), TemplatePage(
                form: form, action: SitePath.agreementTemplate(organisationID.uuidString).path, organisation: organisation.name,
                reimburses: form.isChecked("reimburses_costs")), status: .unprocessableEntity)
        }
        let template = try await Self.template(of: organisationID, req)
        template.manner = form.value("manner")
        template.termination = form.value("termination")
        template.risks = form.value("risks")
        template.rightsAndDuties = form.value("rights_duties")
        template.reimbursesCosts = form.isChecked("reimburses_costs")
        template.updatedAt = Date()
        try await template.save(on: req.db)
        return req.redirect(to: SitePath.organisationEngagements(organisationID.uuidString).path, notice: "template_saved")
    }
}

/// Agreements on the public verification page: the code is signed over the exact text's hash.
enum SealedAgreements: SealedRecords {
    static let kind = DocumentKind.agreement

    static func facts(_ agreement: Agreement) -> [String] { [agreement.textHash] }

    static func sealed(_ id: UUID, _ req: Request) async throws -> SealedDocument? {
        guard let agreement = try await Agreement.find(id, on: req.db) else { return nil }
        return SealedDocument(facts: facts(agreement), titleKey: "verification.agreement_genuine", fields: [
            .init(label: req.t("agreement.party.organisation"), value: agreement.organisationName),
            .init(label: req.t("agreement.party.volunteer"), value: agreement.volunteerName),
            .init(label: req.t("agreement.version"), value: String(agreement.version)),
            .init(label: req.t("agreement.status"), value: req.t("agreement.status.\(agreement.status)")),
        ])
    }
}
