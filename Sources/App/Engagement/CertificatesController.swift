import Fluent
import KorpusCore
import SQLKit
import Vapor

/// Certificates of volunteer service (art. 44): the volunteer asks, a coordinator issues one with the
/// period, the scope of work and the hours confirmed in that period, optionally with an opinion; the PDF
/// carries a sealed verification code. Also the organisation's list of engagements, where coordinators
/// find agreements to prepare and certificates to issue.
struct CertificatesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInGuard())
        signedIn.post(SitePath.requestCertificate("").components, use: request)
        signedIn.get(SitePath.issueCertificate("").components, use: issueForm)
        signedIn.post(SitePath.issueCertificate("").components, use: issue)
        signedIn.get(SitePath.certificatePDF("").components, use: pdf)
        signedIn.get(SitePath.organisationEngagements("").components, use: organisationEngagements)
    }

    /// The longest word a coordinator adds on the competences confirmed.
    static let maximumCompetenceNote = 500

    static let labels: [String: String] = [
        "note": "certificate.field.note", "period_from": "certificate.field.period_from", "period_to": "certificate.field.period_to",
        "scope": "certificate.field.scope", "opinion": "certificate.field.opinion", "competence_note": "certificate.field.competence_note",
    ]

    // MARK: The volunteer asks

    @Sendable
    func request(req: Request) async throws -> Response {
        let (engagement, viewer) = try await EngagementViewer.engagement(req)
        guard viewer != .coordinator else { throw LocalizedAbort(.forbidden, key: "certificate.error.volunteer_only") }
        let note = FormState(values: try req.formFields()).value("note")
        guard note.count <= 1000 else { throw LocalizedAbort(.unprocessableEntity, key: "certificate.error.note") }
        let engagementID = try engagement.requireID()
        let waiting = try await Certificate.query(on: req.db).filter(\.$engagement.$id == engagementID)
            .filter(\.$status == Certificate.Status.requested.rawValue).count()
        guard waiting == 0 else { throw LocalizedAbort(.conflict, key: "certificate.error.already_requested") }
        let certificate = Certificate()
        certificate.$engagement.id = engagementID
        certificate.$volunteer.id = engagement.$volunteer.id
        certificate.$organisation.id = engagement.$organisation.id
        certificate.status = Certificate.Status.requested.rawValue
        certificate.requestNote = note
        certificate.requestedAt = Date()
        try await certificate.create(on: req.db)
        try await OffersController.notifyCoordinators(of: engagement.offer, template: "certificate_requested", volunteer: engagement.volunteer.displayName,
                                                      req, link: SitePath.issueCertificate(try certificate.requireID().uuidString).path)
        return req.redirect(to: SitePath.myHours.path, notice: "certificate_requested")
    }

    // MARK: A coordinator issues

    struct IssuePage: Encodable {
        let form: FormState
        let action: String
        let volunteer: String
        let offer: String
        let note: String
        let engagementPeriod: String
        let competences: [CompetenceTags.Choice]
        let backHref: String
    }

    /// The certificate named in the path, for a coordinator of its organisation.
    static func coordinatorCertificate(_ req: Request) async throws -> Certificate {
        let user = try req.requireUser()
        guard let id = req.parameters.get("certificateID").flatMap(UUID.init(uuidString:)),
            let certificate = try await Certificate.query(on: req.db).filter(\.$id == id).with(\.$volunteer)
                .with(\.$engagement, { $0.with(\.$offer) }).with(\.$organisation).first(),
            try await OrganisationMembership.role(of: try user.requireID(), in: certificate.$organisation.id, on: req.db) != nil
        else { throw LocalizedAbort(.notFound, key: "certificate.error.not_found") }
        return certificate
    }

    /// The quarter hours confirmed for an engagement between two days, both included (summed as BIGINT, as
    /// PostgreSQL would otherwise answer NUMERIC).
    static func confirmedQuarters(_ engagementID: UUID, from: String, to: String, on db: any Database) async throws -> Int {
        guard let sql = db as? any SQLDatabase else { return 0 }
        let row = try await sql.raw("""
            SELECT CAST(COALESCE(SUM(quarter_hours), 0) AS BIGINT) AS total FROM hour_entries
            WHERE engagement_id = \(bind: engagementID) AND status = \(bind: HourEntry.Status.confirmed.rawValue)
            AND worked_on >= \(bind: from) AND worked_on <= \(bind: to)
            """).first()
        return try row?.decode(column: "total", as: Int.self) ?? 0
    }

    func renderIssue(_ req: Request, _ certificate: Certificate, form: FormState, status: HTTPResponseStatus) async throws -> Response {
        let dates = DateFormat(catalogue: req.catalogue)
        let engagement = certificate.engagement
        return try await req.render("engagement/certificate-form", title: req.t("certificate.issue_title"), IssuePage(
            form: form, action: SitePath.issueCertificate(certificate.id?.uuidString ?? "").path, volunteer: certificate.volunteer.displayName,
            offer: engagement.offer.title, note: certificate.requestNote,
            engagementPeriod: HoursController.period(engagement, dates),
            competences: CompetenceTags.choices(form, req),
            backHref: SitePath.organisationEngagements(certificate.$organisation.id.uuidString).path), status: status)
    }

    @Sendable
    func issueForm(req: Request) async throws -> Response {
        let certificate = try await Self.coordinatorCertificate(req)
        guard certificate.status == Certificate.Status.requested.rawValue else {
            throw LocalizedAbort(.conflict, key: "certificate.error.already_issued")
        }
        let engagement = certificate.engagement
        let to = min(engagement.endsOn ?? OfferDates.today(), OfferDates.today())
        var values = ["period_from": engagement.startsOn, "period_to": max(to, engagement.startsOn), "scope": engagement.offer.title]
        // The competences the volunteer's confirmed hours were tagged with, ticked to start with.
        let tagged = try await HourEntry.query(on: req.db).filter(\.$engagement.$id == engagement.requireID())
            .filter(\.$status == HourEntry.Status.confirmed.rawValue).filter(\.$competences != nil).all()
        for code in Set(tagged.flatMap { CompetenceTags.codes($0.competences) }) { values["competence_\(code)"] = "on" }
        return try await renderIssue(req, certificate, form: FormState(values: values, labelKeys: Self.labels), status: .ok)
    }

    @Sendable
    func issue(req: Request) async throws -> Response {
        let certificate = try await Self.coordinatorCertificate(req)
        let user = try req.requireUser()
        guard certificate.status == Certificate.Status.requested.rawValue else {
            throw LocalizedAbort(.conflict, key: "certificate.error.already_issued")
        }
        let engagement = certificate.engagement
        var form = FormState(values: try req.formFields(), labelKeys: Self.labels)
        let from = form.value("period_from"), to = form.value("period_to")
        if Age.parseDay(from) == nil { form.fail("period_from", req.t("account.error.date_invalid")) }
        if Age.parseDay(to) == nil { form.fail("period_to", req.t("account.error.date_invalid")) }
        if form.isValid {
            if to < from { form.fail("period_to", req.t("offer.error.ends_before")) }
            if to > OfferDates.today() { form.fail("period_to", req.t("certificate.error.future")) }
            if !engagement.covers(from) || !engagement.covers(to) { form.fail("period_from", HoursController.outside(engagement, req)) }
        }
        AgreementsController.checkText(&form, "scope", req)
        AgreementsController.checkText(&form, "opinion", req, minimum: 0)
        let competences = CompetenceTags.chosen(form, req)
        let competenceNote = form.value("competence_note")
        if competenceNote.count > Self.maximumCompetenceNote {
            form.fail("competence_note", req.t("form.error.too_long", ["max": String(Self.maximumCompetenceNote)]))
        } else if competences == nil && !competenceNote.isEmpty {
            form.fail("competence_note", req.t("certificate.error.note_without_competences"))
        }
        let scope = form.value("scope"), opinion = form.value("opinion")
        guard form.isValid else { return try await renderIssue(req, certificate, form: form, status: .unprocessableEntity) }
        let certificateID = try certificate.requireID()
        let quarters = try await Self.confirmedQuarters(try engagement.requireID(), from: from, to: to, on: req.db)
        // Issued once: the update applies only while the certificate is still requested.
        let issuedAt = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let updated = try await sql.update(Certificate.schema)
            .set("status", to: Certificate.Status.issued.rawValue).set("period_from", to: from).set("period_to", to: to)
            .set("scope", to: scope).set("quarter_hours", to: quarters).set("opinion", to: opinion.isEmpty ? nil : opinion)
            .set("volunteer_name", to: certificate.volunteer.displayName).set("organisation_name", to: certificate.organisation.name)
            .set("issued_by", to: try user.requireID()).set("issued_at", to: issuedAt)
            .set("competences", to: competences).set("competence_note", to: competences == nil || competenceNote.isEmpty ? nil : competenceNote)
            .where("id", .equal, certificateID).where("status", .equal, Certificate.Status.requested.rawValue)
            .returning("id").all()
        guard !updated.isEmpty else { throw LocalizedAbort(.conflict, key: "certificate.error.already_issued") }
        await req.audit(.certificateIssued, subject: "certificate:\(certificateID)", details: "\(from)–\(to) \(quarters)")
        let volunteer = certificate.volunteer
        var recipient = volunteer
        if let guardianID = volunteer.guardianID, let guardian = try await User.find(guardianID, on: req.db) { recipient = guardian }
        try await req.mailer.send(template: "certificate_issued", to: recipient.email, name: recipient.displayName,
                                  language: recipient.preferredLanguage, link: SitePath.myHours.path,
                                  arguments: ["organisation": certificate.organisation.name, "offer": engagement.offer.title])
        return req.redirect(to: SitePath.organisationEngagements(certificate.$organisation.id.uuidString).path, notice: "certificate_issued")
    }

    // MARK: PDF

    @Sendable
    func pdf(req: Request) async throws -> Response {
        guard let id = req.parameters.get("certificateID").flatMap(UUID.init(uuidString:)),
            let certificate = try await Certificate.query(on: req.db).filter(\.$id == id).with(\.$volunteer).with(\.$engagement).first(),
            certificate.status == Certificate.Status.issued.rawValue
        else { throw LocalizedAbort(.notFound, key: "certificate.error.not_found") }
        _ = try await EngagementViewer.of(certificate.engagement, volunteer: certificate.volunteer, req)
        let polish = req.application.catalogues[.pl]
        let dates = DateFormat(catalogue: polish)
        let organisation = try await Organisation.find(certificate.$organisation.id, on: req.db)
        var locality = ""
        if let organisation { locality = try await LocalityQuery.names(of: [organisation.localityID], on: req.db)[organisation.localityID] ?? "" }
        var issuer: User?
        if let issuedBy = certificate.issuedBy { issuer = try await User.find(issuedBy, on: req.db) }
        let code = try req.application.documentSeal.code(kind: .certificate, id: id, facts: certificate.sealedFacts)
        func t(_ key: String, _ arguments: [String: String] = [:]) -> String { polish.text("certificate.doc.\(key)", arguments) }
        var document = PDFDocument(title: t("title"))
        document.heading(t("title"), size: 15)
        if let organisation {
            document.paragraph(organisation.name + "\n" + "\(organisation.street), \(organisation.postalCode) \(locality)", size: 9.5)
        }
        document.paragraph(t("statement", [
            "organisation": certificate.organisationName ?? "", "volunteer": certificate.volunteerName ?? "",
            "from": dates.longDay(certificate.periodFrom ?? ""), "to": dates.longDay(certificate.periodTo ?? ""),
        ]))
        document.field(t("scope"), certificate.scope ?? "")
        document.field(t("hours"), Membership.hoursText(certificate.quarterHours ?? 0, in: .pl))
        if let opinion = certificate.opinion, !opinion.isEmpty {
            document.heading(t("opinion"), size: 11.5)
            document.paragraph(opinion)
        }
        if let names = CompetenceTags.names(certificate.competences, polish, models: req.application.competenceModels) {
            document.heading(t("competences"), size: 11.5)
            document.paragraph(names + (certificate.competenceNote.map { "\n" + $0 } ?? ""))
        }
        document.paragraph(t("basis"), size: 9.5)
        document.space(16)
        document.paragraph(t("issued", ["name": issuer?.displayName ?? "", "day": certificate.issuedAt.map { dates.longDate($0) } ?? ""]))
        document.footer = DocumentSeals.footer(code: code, req)
        document.pageLabel = DocumentSeals.pageLabel(req)
        return DocumentSeals.pdfResponse(document.bytes(created: certificate.issuedAt ?? Date()),
                                         name: "zaswiadczenie-\(id.uuidString.prefix(8).lowercased()).pdf")
    }

    // MARK: The organisation's engagements

    struct EngagementRow: Encodable {
        let volunteer: String
        let offer: String
        let period: String
        let status: String
        let agreement: String
        let agreementHref: String
        let certificateHref: String?
        let certificateNote: String?
    }

    struct EngagementsPage: Encodable {
        let organisation: String
        let rows: [EngagementRow]
        let requests: Int
        let templateHref: String
        let hoursHref: String
    }

    @Sendable
    func organisationEngagements(req: Request) async throws -> View {
        let (organisation, _) = try await OrganisationsController.memberOrganisation(req)
        let organisationID = try organisation.requireID()
        let engagements = try await Engagement.query(on: req.db).filter(\.$organisation.$id == organisationID)
            .with(\.$volunteer).with(\.$offer).sort(\.$status).sort(\.$startsOn, .descending).limit(300).all()
        let ids = engagements.compactMap(\.id)
        let agreements = ids.isEmpty ? [] : try await Agreement.query(on: req.db).filter(\.$engagement.$id ~~ ids)
            .filter(\.$status != Agreement.Status.superseded.rawValue).all()
        let requests = ids.isEmpty ? [] : try await Certificate.query(on: req.db).filter(\.$organisation.$id == organisationID)
            .filter(\.$status == Certificate.Status.requested.rawValue).all()
        let dates = DateFormat(catalogue: req.catalogue)
        let rows = engagements.map { engagement in
            let id = engagement.id?.uuidString ?? ""
            let agreement = agreements.first { $0.$engagement.id == engagement.id }
            let request = requests.first { $0.$engagement.id == engagement.id }
            return EngagementRow(
                volunteer: engagement.volunteer.displayName, offer: engagement.offer.title,
                period: HoursController.period(engagement, dates),
                status: req.t("engagement.status.\(engagement.status)"),
                agreement: agreement.map { req.t("agreement.status.\($0.status)") + " (" + req.t("agreement.version") + " \($0.version))" }
                    ?? req.t("agreement.none"),
                agreementHref: SitePath.engagementAgreement(id).path,
                certificateHref: request.map { SitePath.issueCertificate($0.id?.uuidString ?? "").path },
                certificateNote: request.map { $0.requestNote })
        }
        return try await req.render("engagement/organisation-engagements", title: req.t("engagement.organisation_title"), EngagementsPage(
            organisation: organisation.name, rows: rows, requests: requests.count,
            templateHref: SitePath.agreementTemplate(organisationID.uuidString).path,
            hoursHref: SitePath.organisationHours(organisationID.uuidString).path))
    }
}

/// Certificates on the public verification page: the volunteer's name, the organisation, the period and
/// the hours, as sealed when the certificate was issued.
enum SealedCertificates: SealedRecords {
    static let kind = DocumentKind.certificate

    static func sealed(_ id: UUID, _ req: Request) async throws -> SealedDocument? {
        guard let certificate = try await Certificate.find(id, on: req.db), certificate.status == Certificate.Status.issued.rawValue else {
            return nil
        }
        let dates = DateFormat(catalogue: req.catalogue)
        return SealedDocument(facts: certificate.sealedFacts, titleKey: "verification.certificate_genuine", fields: [
            .init(label: req.t("agreement.party.volunteer"), value: certificate.volunteerName ?? ""),
            .init(label: req.t("agreement.party.organisation"), value: certificate.organisationName ?? ""),
            .init(label: req.t("certificate.period"), value: "\(dates.longDay(certificate.periodFrom ?? "")) – \(dates.longDay(certificate.periodTo ?? ""))"),
            .init(label: req.t("certificate.hours"), value: Membership.hoursText(certificate.quarterHours ?? 0, req)),
        ] + (CompetenceTags.names(certificate.competences, req).map {
            [.init(label: req.t("certificate.competences"), value: $0 + (certificate.competenceNote.map { " — " + $0 } ?? ""))]
        } ?? []))
    }
}
