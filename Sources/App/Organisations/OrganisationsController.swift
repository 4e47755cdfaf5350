import Fluent
import KorpusCore
import Vapor

/// Organisations: the public directory of verified ones, registration by a representative, and the
/// representative's management of coordinators.
struct OrganisationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.organisations.components, use: list).publicAccess()
        routes.get(SitePath.organisation("").components, use: show).publicAccess()
        routes.get(SitePath.organisationLogo("").components, use: logo).publicAccess()
        let signedIn = routes.grouped(SignedInGuard())
        signedIn.get(SitePath.newOrganisation.components, use: newForm)
        signedIn.on(.POST, SitePath.newOrganisation.components, body: .collect(maxSize: "1mb"), use: register)
        signedIn.get(SitePath.manageOrganisation("").components, use: manage)
        signedIn.post(SitePath.inviteCoordinator("").components, use: invite)
        signedIn.post(SitePath.revokeCoordinator(organisation: "", membership: "").components, use: revoke)
        routes.get(SitePath.invitation("").components, use: invitationPage).publicAccess()
        signedIn.post(SitePath.invitation("").components, use: acceptInvitation)
    }

    // MARK: public directory

    struct Card: Encodable {
        let name: String
        let kind: String
        let place: String
        let href: String
    }

    struct ListPage: Encodable {
        let query: String
        let voivodeships: [LocalitiesController.Option]
        let organisations: [Card]
        let summary: String
    }

    @Sendable
    func list(req: Request) async throws -> View {
        let input = try LocalitiesController.SearchInput(req, voivodeshipParameter: "wojewodztwo")
        let organisations = try await OrganisationQuery.verified(on: req.db, text: input.text, voivodeship: input.voivodeship, limit: 100)
        let places = try await OrganisationQuery.localityNames(for: organisations, on: req.db)
        let cards = organisations.map {
            Card(name: $0.name, kind: req.t("organisation.kind.\($0.kind)"),
                 place: "\(places[$0.localityID] ?? "") · \(req.t("voivodeship.\($0.voivodeshipCode)"))",
                 href: SitePath.organisation($0.id?.uuidString ?? "").path)
        }
        return try await req.render("organisations/list", title: req.t("organisations.title"), ListPage(
            query: input.text, voivodeships: LocalitiesController.voivodeshipOptions(req, selected: input.voivodeship?.terytCode ?? ""),
            organisations: cards,
            summary: req.catalogue.plural("organisations.found", count: cards.count)))
    }

    struct Detail: Encodable {
        let name: String
        let kind: String
        let description: [String]
        let address: String
        let website: String?
        let contactEmail: String
        let contactPhone: String?
        let krs: String?
        let nip: String?
        let regon: String?
        let logo: String?
    }

    /// Only verified organisations are public; any other id is simply not found.
    static func publicOrganisation(_ req: Request) async throws -> Organisation {
        guard let id = req.parameters.get("organisationID").flatMap(UUID.init(uuidString:)),
            let organisation = try await Organisation.find(id, on: req.db), organisation.isVerified
        else { throw LocalizedAbort(.notFound, key: "organisation.error.not_found") }
        return organisation
    }

    @Sendable
    func show(req: Request) async throws -> View {
        let organisation = try await Self.publicOrganisation(req)
        let locality = try await LocalityRecord.find(organisation.localityID, on: req.db)
        let detail = Detail(
            name: organisation.name, kind: req.t("organisation.kind.\(organisation.kind)"),
            description: organisation.description.components(separatedBy: "\n").filter { !$0.trimmingSpaces().isEmpty },
            address: "\(organisation.street), \(organisation.postalCode) \(locality?.name ?? "")",
            website: organisation.website, contactEmail: organisation.contactEmail, contactPhone: organisation.contactPhone,
            krs: organisation.krs, nip: organisation.nip, regon: organisation.regon,
            logo: organisation.logoFile == nil ? nil : SitePath.organisationLogo(organisation.id?.uuidString ?? "").path)
        return try await req.render("organisations/show", title: organisation.name, detail)
    }

    @Sendable
    func logo(req: Request) async throws -> Response {
        let organisation = try await Self.publicOrganisation(req)
        guard let file = organisation.logoFile, let type = organisation.logoType,
            file.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." })
        else { throw LocalizedAbort(.notFound, key: "error.status.404.detail") }
        let path = req.application.uploadsFolder.appendingPathComponent("logos").appendingPathComponent(file).path
        let response = try await req.fileio.asyncStreamFile(at: path)
        response.headers.contentType = HTTPMediaType(type: "image", subType: String(type.dropFirst("image/".count)))
        response.headers.replaceOrAdd(name: .contentDisposition, value: "inline")
        return response
    }

    // MARK: registration

    struct NewPage: Encodable {
        let form: FormState
        let kinds: [LocalitiesController.Option]
        let voivodeships: [LocalitiesController.Option]
        let rulesVersion: String
        let charterVersion: String
    }

    func newPage(_ req: Request, form: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        try await req.render("organisations/new", title: req.t("organisation.new.title"), NewPage(
            form: form, kinds: OrganisationForm.kindOptions(req, selected: form.value("kind")),
            voivodeships: LocalitiesController.voivodeshipOptions(req, selected: form.value("voivodeship")),
            rulesVersion: ProgrammeDocument.currentVersion(.membershipRules),
            charterVersion: ProgrammeDocument.currentVersion(.valuesCharter)), status: status)
    }

    @Sendable
    func newForm(req: Request) async throws -> Response {
        try await newPage(req, form: FormState(labelKeys: FormState.organisationLabels))
    }

    @Sendable
    func register(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.ageBand == .adult else { throw LocalizedAbort(.forbidden, key: "organisation.error.adult_only") }
        var form = FormState(values: try req.formFields(), labelKeys: FormState.organisationLabels)
        let upload = try? req.content.decode(OrganisationForm.Upload.self)
        guard let checked = try await OrganisationForm.check(&form, logoFile: upload?.logo, creator: try user.requireID(), req) else {
            return try await newPage(req, form: form, status: .unprocessableEntity)
        }
        let organisation = checked.organisation
        if let logo = checked.logo {
            let folder = req.application.uploadsFolder.appendingPathComponent("logos")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let name = "\(UUID().uuidString.lowercased()).\(logo.fileExtension)"
            try logo.data.write(to: folder.appendingPathComponent(name), options: .atomic)
            organisation.logoFile = name
            organisation.logoType = logo.mediaType
        }
        let userID = try user.requireID()
        let address = req.clientAddress
        try await req.db.writing { db in
            try await organisation.create(on: db)
            let id = try organisation.requireID()
            try await OrganisationMembership(organisationID: id, userID: userID, role: .representative).create(on: db)
            for kind in [ProgrammeDocument.Kind.membershipRules, .valuesCharter] {
                let acceptance = OrganisationAcceptance()
                acceptance.$organisation.id = id
                acceptance.document = kind.rawValue
                acceptance.version = ProgrammeDocument.currentVersion(kind)
                acceptance.acceptedBy = userID
                acceptance.acceptedAt = Date()
                acceptance.address = address
                try await acceptance.create(on: db)
            }
        }
        await req.audit(.organisationRegistered, subject: "organisation:\(try organisation.requireID())", details: organisation.name)
        return req.redirect(to: SitePath.manageOrganisation(try organisation.requireID().uuidString).path, notice: "organisation_registered")
    }

    // MARK: management by the representative

    /// The organisation of the URL, if the signed-in person works for it; anyone else gets "not found",
    /// which reveals nothing about another organisation's records.
    static func memberOrganisation(_ req: Request) async throws -> (Organisation, OrganisationMembership.Role) {
        let user = try req.requireUser()
        guard let id = req.parameters.get("organisationID").flatMap(UUID.init(uuidString:)),
            let organisation = try await Organisation.find(id, on: req.db),
            let role = try await OrganisationMembership.role(of: try user.requireID(), in: id, on: req.db)
        else { throw LocalizedAbort(.notFound, key: "organisation.error.not_found") }
        return (organisation, role)
    }

    static func representedOrganisation(_ req: Request) async throws -> Organisation {
        let (organisation, role) = try await memberOrganisation(req)
        guard role == .representative else { throw LocalizedAbort(.forbidden, key: "organisation.error.representative_only") }
        return organisation
    }

    struct MemberRow: Encodable {
        let name: String
        let email: String
        let role: String
        let revokeAction: String?
    }

    struct InvitationRow: Encodable {
        let email: String
        let expires: String
    }

    struct ManagePage: Encodable {
        let id: String
        let name: String
        let status: String
        let statusReason: String?
        let isRepresentative: Bool
        let members: [MemberRow]
        let invitations: [InvitationRow]
        let inviteAction: String
        let publicHref: String?
        let form: FormState
    }

    func managePage(_ req: Request, form: FormState = FormState(), status: HTTPResponseStatus = .ok) async throws -> Response {
        let (organisation, role) = try await Self.memberOrganisation(req)
        let id = try organisation.requireID()
        let memberships = try await OrganisationMembership.query(on: req.db).filter(\.$organisation.$id == id)
            .filter(\.$status == OrganisationMembership.Status.active.rawValue).with(\.$user).all()
        let invitations = try await CoordinatorInvitation.query(on: req.db).filter(\.$organisation.$id == id)
            .filter(\.$acceptedAt == nil).filter(\.$expiresAt > Date()).all()
        let dates = DateFormat(catalogue: req.catalogue)
        let page = ManagePage(
            id: id.uuidString, name: organisation.name, status: req.t("organisation.status.\(organisation.status)"),
            statusReason: organisation.statusReason, isRepresentative: role == .representative,
            members: memberships.map {
                MemberRow(name: $0.user.displayName, email: $0.user.email, role: req.t("membership.role.\($0.role)"),
                          revokeAction: role == .representative && $0.role == OrganisationMembership.Role.coordinator.rawValue
                            ? SitePath.revokeCoordinator(organisation: id.uuidString, membership: $0.id?.uuidString ?? "").path : nil)
            },
            invitations: invitations.map { InvitationRow(email: $0.email, expires: dates.longDate($0.expiresAt)) },
            inviteAction: SitePath.inviteCoordinator(id.uuidString).path,
            publicHref: organisation.isVerified ? SitePath.organisation(id.uuidString).path : nil, form: form)
        return try await req.render("organisations/manage", title: organisation.name, page, status: status)
    }

    @Sendable
    func manage(req: Request) async throws -> Response {
        try await managePage(req)
    }

    @Sendable
    func invite(req: Request) async throws -> Response {
        let organisation = try await Self.representedOrganisation(req)
        var form = FormState(values: try req.formFields())
        let email = AccountValidation.email(&form, req)
        guard let email, form.isValid else { return try await managePage(req, form: form, status: .unprocessableEntity) }
        let secret = SecureToken.generate()
        let invitation = CoordinatorInvitation()
        invitation.$organisation.id = try organisation.requireID()
        invitation.email = email
        invitation.tokenHash = SecureToken.hash(secret)
        invitation.invitedBy = try req.requireUser().requireID()
        invitation.createdAt = Date()
        invitation.expiresAt = Date().addingTimeInterval(14 * 24 * 3600)
        try await invitation.create(on: req.db)
        let existing = try await User.query(on: req.db).filter(\.$email == email).first()
        try await req.mailer.send(template: "coordinator_invitation", to: email, name: existing?.displayName ?? "",
                                  language: existing?.preferredLanguage ?? req.language, link: SitePath.invitation(secret).path,
                                  arguments: ["organisation": organisation.name])
        await req.audit(.coordinatorInvited, subject: "organisation:\(try organisation.requireID())", details: email)
        return req.redirect(to: SitePath.manageOrganisation(try organisation.requireID().uuidString).path, notice: "invitation_sent")
    }

    @Sendable
    func revoke(req: Request) async throws -> Response {
        let organisation = try await Self.representedOrganisation(req)
        let organisationID = try organisation.requireID()
        guard let membershipID = req.parameters.get("membershipID").flatMap(UUID.init(uuidString:)),
            let membership = try await OrganisationMembership.query(on: req.db).filter(\.$id == membershipID)
                .filter(\.$organisation.$id == organisationID).first(),
            membership.role == OrganisationMembership.Role.coordinator.rawValue
        else { throw LocalizedAbort(.notFound, key: "error.status.404.detail") }
        membership.status = OrganisationMembership.Status.revoked.rawValue
        try await membership.save(on: req.db)
        await req.audit(.coordinatorRevoked, subject: "organisation:\(organisationID)", details: "membership:\(membershipID)")
        return req.redirect(to: SitePath.manageOrganisation(organisationID.uuidString).path, notice: "coordinator_revoked")
    }

    // MARK: invitations

    struct InvitationPage: Encodable {
        let organisation: String
        let email: String
        let action: String
        let signedIn: Bool
        let signedInAs: String?
        let emailMatches: Bool
        let signInHref: String
        let registerHref: String
    }

    static func openInvitation(_ req: Request) async throws -> (CoordinatorInvitation, String) {
        let secret = req.parameters.get("token") ?? ""
        guard SecureToken.isWellFormed(secret),
            let invitation = try await CoordinatorInvitation.query(on: req.db).filter(\.$tokenHash == SecureToken.hash(secret))
                .with(\.$organisation).first()
        else { throw LocalizedAbort(.notFound, key: "account.error.link_invalid") }
        guard invitation.acceptedAt == nil else { throw LocalizedAbort(.gone, key: "account.error.link_used") }
        guard invitation.expiresAt > Date() else { throw LocalizedAbort(.gone, key: "account.error.link_expired") }
        return (invitation, secret)
    }

    @Sendable
    func invitationPage(req: Request) async throws -> View {
        let (invitation, secret) = try await Self.openInvitation(req)
        let path = SitePath.invitation(secret).path
        let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? ""
        return try await req.render("organisations/invitation", title: req.t("invitation.title"), InvitationPage(
            organisation: invitation.organisation.name, email: invitation.email, action: path, signedIn: req.user != nil,
            signedInAs: req.user?.email, emailMatches: req.user?.email == invitation.email,
            signInHref: SitePath.signIn.path + "?powrot=" + encoded, registerHref: SitePath.register.path))
    }

    @Sendable
    func acceptInvitation(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let (invitation, _) = try await Self.openInvitation(req)
        guard user.email == invitation.email else { throw LocalizedAbort(.forbidden, key: "invitation.error.other_email") }
        let organisationID = invitation.$organisation.id
        let userID = try user.requireID()
        try await req.db.writing { db in
            invitation.acceptedAt = Date()
            try await invitation.save(on: db)
            if try await OrganisationMembership.role(of: userID, in: organisationID, on: db) == nil {
                try await OrganisationMembership(organisationID: organisationID, userID: userID, role: .coordinator).create(on: db)
            }
        }
        await req.audit(.coordinatorJoined, subject: "organisation:\(organisationID)")
        return req.redirect(to: SitePath.manageOrganisation(organisationID.uuidString).path, notice: "coordinator_joined")
    }
}

/// Queries over organisations, tested without HTTP.
enum OrganisationQuery {
    static func verified(on db: any Database, text: String, voivodeship: Voivodeship?, limit: Int) async throws -> [Organisation] {
        let query = Organisation.query(on: db).filter(\.$status == Organisation.Status.verified.rawValue)
        if let voivodeship { query.filter(\.$voivodeshipCode == voivodeship.terytCode) }
        let organisations = try await query.sort(\.$name).all()
        let needle = LocalityQuery.normalise(text)
        let matching = needle.isEmpty ? organisations : organisations.filter { LocalityQuery.normalise($0.name).contains(needle) }
        return Array(matching.prefix(limit))
    }

    static func localityNames(for organisations: [Organisation], on db: any Database) async throws -> [Int: String] {
        try await LocalityQuery.names(of: organisations.map(\.localityID), on: db)
    }
}
