import Fluent
import KorpusCore
import Vapor

/// The programme administrator: partners and their operators, the audit log, and the mail sent.
struct AdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(SignedInGuard(), AdministratorGuard())
        admin.get(SitePath.admin.components, use: dashboard)
        admin.post(SitePath.adminPartners.components, use: createPartner)
        admin.post(SitePath.adminOperators("").components, use: assignOperator)
        admin.get(SitePath.adminAudit.components, use: auditLog)
        admin.get(SitePath.adminOutbox.components, use: outbox)
    }

    struct PartnerRow: Encodable {
        let name: String
        let kind: String
        let voivodeship: String
        let localities: Int
        let operators: [String]
        let assignAction: String
    }

    struct Dashboard: Encodable {
        let partners: [PartnerRow]
        let voivodeships: [LocalitiesController.Option]
        let partnerForm: FormState
        let operatorForm: FormState
    }

    func dashboardPage(_ req: Request, partnerForm: FormState = FormState(), operatorForm: FormState = FormState(),
                       status: HTTPResponseStatus = .ok) async throws -> Response {
        let partners = try await Partner.query(on: req.db).with(\.$localities).sort(\.$voivodeshipCode).sort(\.$kind).all()
        let operators = try await PartnerOperator.query(on: req.db).with(\.$user).all()
        let rows = partners.map { partner in
            PartnerRow(name: partner.name, kind: req.t("partner.kind.\(partner.kind)"),
                       voivodeship: req.t("voivodeship.\(partner.voivodeshipCode)"), localities: partner.localities.count,
                       operators: operators.filter { $0.$partner.id == partner.id }.map { "\($0.user.displayName) <\($0.user.email)>" },
                       assignAction: SitePath.adminOperators(partner.id?.uuidString ?? "").path)
        }
        return try await req.render("admin/dashboard", title: req.t("admin.title"), Dashboard(
            partners: rows, voivodeships: LocalitiesController.voivodeshipOptions(req, selected: partnerForm.value("voivodeship")),
            partnerForm: partnerForm, operatorForm: operatorForm), status: status)
    }

    @Sendable
    func dashboard(req: Request) async throws -> Response {
        try await dashboardPage(req)
    }

    /// A regional partner covers its voivodeship; a local partner lists its localities, one per line.
    @Sendable
    func createPartner(req: Request) async throws -> Response {
        var form = FormState(values: try req.formFields())
        AccountValidation.name(&form, req)
        let kind = Partner.Kind(rawValue: form.value("kind"))
        if kind == nil { form.fail("kind", req.t("partner.error.kind")) }
        let voivodeship = Voivodeship(terytCode: form.value("voivodeship"))
        if voivodeship == nil { form.fail("voivodeship", req.t("localities.error.unknown_voivodeship")) }
        var localityIDs: [Int] = []
        if kind == .local, let voivodeship {
            let names = form.value("localities").split(whereSeparator: \.isNewline).map { LocalityQuery.normalise(String($0)) }.filter { !$0.isEmpty }
            if names.isEmpty { form.fail("localities", req.t("partner.error.localities")) }
            for name in names {
                let match = try await LocalityRecord.query(on: req.db).filter(\.$nameFolded == name)
                    .filter(\.$voivodeshipCode == voivodeship.terytCode).first()
                if let id = match?.id { localityIDs.append(id) } else {
                    form.fail("localities", req.t("partner.error.locality_unknown", ["name": name]))
                }
            }
        }
        if kind == .regional, let voivodeship,
            try await Partner.query(on: req.db).filter(\.$kind == Partner.Kind.regional.rawValue)
                .filter(\.$voivodeshipCode == voivodeship.terytCode).count() > 0
        {
            form.fail("voivodeship", req.t("partner.error.regional_exists"))
        }
        guard form.isValid, let kind, let voivodeship else {
            return try await dashboardPage(req, partnerForm: form, status: .unprocessableEntity)
        }
        let partner = Partner(kind: kind, name: form.value("name"), voivodeship: voivodeship)
        let chosenLocalities = Set(localityIDs)
        try await req.db.writing { db in
            try await partner.create(on: db)
            for id in chosenLocalities {
                let locality = PartnerLocality()
                locality.$partner.id = try partner.requireID()
                locality.localityID = id
                try await locality.create(on: db)
            }
        }
        await req.audit(.partnerCreated, subject: "partner:\(try partner.requireID())", details: partner.name)
        return req.redirect(to: SitePath.admin.path, notice: "partner_created")
    }

    @Sendable
    func assignOperator(req: Request) async throws -> Response {
        guard let id = req.parameters.get("partnerID").flatMap(UUID.init(uuidString:)),
            try await Partner.find(id, on: req.db) != nil
        else { throw LocalizedAbort(.notFound, key: "error.status.404.detail") }
        var form = FormState(values: try req.formFields())
        let email = AccountValidation.email(&form, req)
        var user: User?
        if let email {
            user = try await User.query(on: req.db).filter(\.$email == email).filter(\.$status == User.Status.active.rawValue).first()
            if user == nil { form.fail("email", req.t("admin.error.no_such_user")) }
        }
        guard form.isValid, let user else { return try await dashboardPage(req, operatorForm: form, status: .unprocessableEntity) }
        let userID = try user.requireID()
        if try await PartnerOperator.query(on: req.db).filter(\.$partner.$id == id).filter(\.$user.$id == userID).count() == 0 {
            let assignment = PartnerOperator()
            assignment.$partner.id = id
            assignment.$user.id = userID
            assignment.createdAt = Date()
            try await assignment.create(on: req.db)
            await req.audit(.operatorAssigned, subject: "partner:\(id)", details: user.email)
        }
        return req.redirect(to: SitePath.admin.path, notice: "operator_assigned")
    }

    struct AuditRow: Encodable {
        let at: String
        let action: String
        let actor: String
        let subject: String
        let details: String
        let address: String
    }

    struct AuditPage: Encodable {
        let rows: [AuditRow]
        let action: String
    }

    @Sendable
    func auditLog(req: Request) async throws -> View {
        let filter = (try? req.query.get(String.self, at: "akcja")) ?? ""
        let query = AuditEntry.query(on: req.db).sort(\.$at, .descending).limit(500)
        if !filter.isEmpty { query.filter(\.$action == String(filter.prefix(100))) }
        let entries = try await query.all()
        let actorIDs = Set(entries.compactMap(\.actorID))
        let actors = actorIDs.isEmpty ? [] : try await User.query(on: req.db).filter(\.$id ~~ Array(actorIDs)).all()
        let names = Dictionary(uniqueKeysWithValues: actors.compactMap { user in user.id.map { ($0, user.email) } })
        let dates = DateFormat(catalogue: req.catalogue)
        return try await req.render("admin/audit", title: req.t("admin.audit.title"), AuditPage(rows: entries.map {
            AuditRow(at: dates.shortDateTime($0.at), action: $0.action, actor: $0.actorID.flatMap { names[$0] } ?? "—",
                     subject: $0.subject ?? "", details: $0.details, address: $0.address)
        }, action: filter))
    }

    struct MailRow: Encodable {
        let at: String
        let recipient: String
        let subject: String
        let status: String
        let attempts: Int
        let error: String?
    }

    @Sendable
    func outbox(req: Request) async throws -> View {
        let messages = try await OutboxMessage.query(on: req.db).sort(\.$createdAt, .descending).limit(200).all()
        let dates = DateFormat(catalogue: req.catalogue)
        return try await req.render("admin/outbox", title: req.t("admin.outbox.title"), messages.map {
            MailRow(at: dates.shortDateTime($0.createdAt), recipient: $0.recipient, subject: $0.subject,
                    status: req.t("mail.status.\($0.status.rawValue)"), attempts: $0.attempts, error: $0.lastError)
        })
    }
}
