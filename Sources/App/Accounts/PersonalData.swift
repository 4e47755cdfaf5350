import Fluent
import Vapor

/// What Korpus holds about one person, for "download my data", and how it is erased.
enum PersonalData {
    struct Export: Encodable {
        struct Account: Encodable {
            let id: UUID?
            let email: String
            let name: String
            let dateOfBirth: String?
            let localityID: Int?
            let phone: String?
            let language: String
            let createdAt: Date?
            let emailVerifiedAt: Date?
            let guardianEmail: String?
        }

        struct Consent: Encodable {
            let kind: String
            let version: String
            let granted: Bool
            let at: Date
            let details: String
        }

        struct Session: Encodable {
            let createdAt: Date
            let lastSeenAt: Date
            let userAgent: String
        }

        struct Token: Encodable {
            let name: String
            let createdAt: Date
            let revokedAt: Date?
        }

        struct Membership: Encodable {
            let organisation: String
            let role: String
            let status: String
        }

        struct Event: Encodable {
            let at: Date
            let action: String
            let address: String
        }

        struct Message: Encodable {
            let at: Date
            let subject: String
            let status: String
        }

        struct Application: Encodable {
            let offer: String
            let status: String
            let message: String
            let createdAt: Date
        }

        struct HelpOfferRecord: Encodable {
            let description: String
            let skills: String
            let areas: String
            let weeklySlots: String
            let localityID: Int?
            let distanceKilometres: Int
            let remote: Bool
            let languages: String
        }

        struct HourRecord: Encodable {
            let workedOn: String
            let hours: Double
            let description: String
            let status: String
            let comment: String?
            let competences: String?
        }

        struct AgreementRecord: Encodable {
            let organisation: String
            let version: Int
            let status: String
            let textHash: String
            let text: String
            let acceptedBy: [String]
        }

        struct CertificateRecord: Encodable {
            let organisation: String
            let status: String
            let requestedAt: Date
            let periodFrom: String?
            let periodTo: String?
            let hours: Double?
            let scope: String?
            let opinion: String?
            let competences: String?
            let competenceNote: String?
        }

        struct CompetenceAssessmentRecord: Encodable {
            let modelVersion: String
            let status: String
            let startedAt: Date
            let completedAt: Date?
            let answers: [String: Int]
        }

        struct ShareRecord: Encodable {
            let createdAt: Date
            let revokedAt: Date?
        }

        let exportedAt: Date
        let account: Account
        let consents: [Consent]
        let sessions: [Session]
        let apiTokens: [Token]
        let memberships: [Membership]
        let activity: [Event]
        let messages: [Message]
        let childrenAccounts: [Account]
        let applications: [Application]
        let helpOffer: HelpOfferRecord?
        let hours: [HourRecord]
        let volunteerCard: String?
        let cardActiveMonths: [String]
        let agreements: [AgreementRecord]
        let certificates: [CertificateRecord]
        let competenceAssessments: [CompetenceAssessmentRecord]
        let competenceLinks: [ShareRecord]
    }

    static func collect(for user: User, on db: any Database) async throws -> Export {
        let id = try user.requireID()
        func account(_ user: User) -> Export.Account {
            Export.Account(id: user.id, email: user.email, name: user.displayName, dateOfBirth: user.dateOfBirth,
                           localityID: user.localityID, phone: user.phone, language: user.language, createdAt: user.createdAt,
                           emailVerifiedAt: user.emailVerifiedAt, guardianEmail: user.guardianEmail)
        }
        let consents = try await ConsentRecord.query(on: db).filter(\.$user.$id == id).sort(\.$at).all()
        let sessions = try await SignInSession.query(on: db).filter(\.$user.$id == id).all()
        let tokens = try await AccessToken.query(on: db).filter(\.$user.$id == id).all()
        let memberships = try await OrganisationMembership.query(on: db).filter(\.$user.$id == id).with(\.$organisation).all()
        let activity = try await AuditEntry.query(on: db).filter(\.$actorID == id).sort(\.$at).all()
        let messages = try await OutboxMessage.query(on: db).filter(\.$recipient == user.email).sort(\.$createdAt).all()
        let children = try await User.query(on: db).filter(\.$guardianID == id).all()
        let applications = try await OfferApplication.query(on: db).filter(\.$volunteer.$id == id).with(\.$offer).sort(\.$createdAt).all()
        let helpOffer = try await HelpOffer.query(on: db).filter(\.$volunteer.$id == id).first()
        let hours = try await HourEntry.query(on: db).filter(\.$volunteer.$id == id).sort(\.$workedOn).all()
        let card = try await VolunteerCard.query(on: db).filter(\.$user.$id == id).first()
        let active = try await CardActivation.query(on: db).filter(\.$user.$id == id).sort(\.$month).all()
        let engagements = try await Engagement.query(on: db).filter(\.$volunteer.$id == id).all().compactMap(\.id)
        let agreements = engagements.isEmpty ? [] : try await Agreement.query(on: db).filter(\.$engagement.$id ~~ engagements).sort(\.$createdAt).all()
        let agreementIDs = agreements.compactMap(\.id)
        let acceptances = agreementIDs.isEmpty ? [] : try await AgreementAcceptance.query(on: db).filter(\.$agreement.$id ~~ agreementIDs).all()
        let certificates = try await Certificate.query(on: db).filter(\.$volunteer.$id == id).with(\.$organisation).sort(\.$requestedAt).all()
        let assessments = try await CompetenceAssessment.query(on: db).filter(\.$volunteer.$id == id).sort(\.$startedAt).all()
        let answers = try await AssessmentController.answers(of: assessments.compactMap(\.id), on: db)
        let shares = try await CompetenceShare.query(on: db).filter(\.$volunteer.$id == id).sort(\.$createdAt).all()
        return Export(
            exportedAt: Date(), account: account(user),
            consents: consents.map { .init(kind: $0.kind, version: $0.version, granted: $0.granted, at: $0.at, details: $0.details) },
            sessions: sessions.map { .init(createdAt: $0.createdAt, lastSeenAt: $0.lastSeenAt, userAgent: $0.userAgent) },
            apiTokens: tokens.map { .init(name: $0.name, createdAt: $0.createdAt, revokedAt: $0.revokedAt) },
            memberships: memberships.map { .init(organisation: $0.organisation.name, role: $0.role, status: $0.status) },
            activity: activity.map { .init(at: $0.at, action: $0.action, address: $0.address) },
            messages: messages.map { .init(at: $0.createdAt, subject: $0.subject, status: $0.status.rawValue) },
            childrenAccounts: children.map(account),
            applications: applications.map { .init(offer: $0.offer.title, status: $0.status, message: $0.message, createdAt: $0.createdAt) },
            helpOffer: helpOffer.map {
                .init(description: $0.description, skills: $0.skills, areas: $0.areas, weeklySlots: $0.weeklySlots, localityID: $0.localityID,
                      distanceKilometres: $0.distanceKilometres, remote: $0.remote, languages: $0.languages)
            },
            hours: hours.map { .init(workedOn: $0.workedOn, hours: Double($0.quarterHours) / 4, description: $0.description, status: $0.status,
                                      comment: $0.comment, competences: $0.competences) },
            volunteerCard: card.map { VolunteerCard.display($0.number) }, cardActiveMonths: active.map(\.month),
            agreements: agreements.map { agreement in
                .init(organisation: agreement.organisationName, version: agreement.version, status: agreement.status, textHash: agreement.textHash,
                      text: agreement.text, acceptedBy: acceptances.filter { $0.$agreement.id == agreement.id }.map { "\($0.party): \($0.name)" })
            },
            certificates: certificates.map {
                .init(organisation: $0.organisation.name, status: $0.status, requestedAt: $0.requestedAt, periodFrom: $0.periodFrom,
                      periodTo: $0.periodTo, hours: $0.quarterHours.map { Double($0) / 4 }, scope: $0.scope, opinion: $0.opinion,
                      competences: $0.competences, competenceNote: $0.competenceNote)
            },
            competenceAssessments: assessments.map {
                .init(modelVersion: $0.modelVersion, status: $0.status, startedAt: $0.startedAt, completedAt: $0.completedAt,
                      answers: answers[$0.id ?? UUID()] ?? [:])
            },
            competenceLinks: shares.map { .init(createdAt: $0.createdAt, revokedAt: $0.revokedAt) })
    }

    /// Erases the person: personal fields blanked or replaced, sign-in made impossible, sessions, links and
    /// tokens deleted, roles ended. The row itself stays, anonymous, because records others depend on
    /// (an organisation's history, confirmed hours, the audit log) point to it. Children's accounts the
    /// person managed are erased with it.
    static func erase(_ user: User, on db: any Database) async throws {
        let id = try user.requireID()
        try await db.writing { db in
            let children = try await User.query(on: db).filter(\.$guardianID == id).all()
            for person in [user] + children {
                let personID = try person.requireID()
                person.email = "erased-\(personID.uuidString.lowercased())@korpus.invalid"
                person.displayName = "—"
                person.passwordHash = ""
                person.dateOfBirth = nil
                person.phone = nil
                person.localityID = nil
                person.guardianEmail = nil
                person.status = User.Status.erased.rawValue
                try await person.save(on: db)
                try await SignInSession.query(on: db).filter(\.$user.$id == personID).delete()
                try await AccountToken.query(on: db).filter(\.$user.$id == personID).delete()
                try await AccessToken.query(on: db).filter(\.$user.$id == personID).delete()
                try await OrganisationMembership.query(on: db).filter(\.$user.$id == personID)
                    .set(\.$status, to: OrganisationMembership.Status.revoked.rawValue).update()
                try await PartnerOperator.query(on: db).filter(\.$user.$id == personID).delete()
                // Self-assessments are the person's alone: gone with their answers and links.
                let assessments = try await CompetenceAssessment.query(on: db).filter(\.$volunteer.$id == personID).all().compactMap(\.id)
                if !assessments.isEmpty { try await CompetenceAnswer.query(on: db).filter(\.$assessment.$id ~~ assessments).delete() }
                try await CompetenceShare.query(on: db).filter(\.$volunteer.$id == personID).delete()
                try await CompetenceAssessment.query(on: db).filter(\.$volunteer.$id == personID).delete()
            }
        }
    }
}
