import Fluent
import SQLKit
import Vapor

/// One line of the audit log: who did what to which record, from where, and when. Read by administrators.
final class AuditEntry: Model, @unchecked Sendable {
    static let schema = "audit_log"

    @ID(key: .id) var id: UUID?
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "action") var action: String
    @OptionalField(key: "subject") var subject: String?
    @Field(key: "details") var details: String
    @Field(key: "address") var address: String

    init() {}

    init(actorID: UUID?, action: String, subject: String?, details: String, address: String) {
        self.at = Date()
        self.actorID = actorID
        self.action = action
        self.subject = subject
        self.details = String(details.prefix(1000))
        self.address = address
    }
}

struct CreateAuditLog: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEntry.schema)
            .id()
            .field("at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("action", .string, .required)
            .field("subject", .string)
            .field("details", .string, .required)
            .field("address", .string, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "audit_log_at_idx").on(AuditEntry.schema).column("at").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEntry.schema).delete()
    }
}

/// What the audit log records.
enum AuditAction: String {
    case signIn = "account.sign_in"
    case signInFailed = "account.sign_in_failed"
    case signInThrottled = "account.sign_in_throttled"
    case signOut = "account.sign_out"
    case registered = "account.registered"
    case emailVerified = "account.email_verified"
    case passwordReset = "account.password_reset"
    case passwordChanged = "account.password_changed"
    case emailChanged = "account.email_changed"
    case dataExported = "account.data_exported"
    case erased = "account.erased"
    case guardianConsent = "account.guardian_consent"
    case agreementPrepared = "agreement.prepared"
    case agreementAccepted = "agreement.accepted"
    case certificateIssued = "certificate.issued"
    case tokenCreated = "account.token_created"
    case tokenRevoked = "account.token_revoked"
    case organisationRegistered = "organisation.registered"
    case organisationVerified = "organisation.verified"
    case organisationRejected = "organisation.rejected"
    case organisationSuspended = "organisation.suspended"
    case verificationOutsideArea = "organisation.verification_outside_area"
    case coordinatorInvited = "role.coordinator_invited"
    case coordinatorJoined = "role.coordinator_joined"
    case coordinatorRevoked = "role.coordinator_revoked"
    case partnerCreated = "role.partner_created"
    case operatorAssigned = "role.operator_assigned"
    case offerHidden = "offer.hidden"
    case offerShown = "offer.shown"
    case accountSuspended = "account.suspended"
    case partnershipPublished = "partnership.published"
    case partnershipAnswered = "partnership.answered"
    case partnershipClosed = "partnership.closed"
    case competenceShared = "competence.shared"
}

extension Request {
    /// Writes one line to the audit log; a failure to write is logged but never hides the action's result.
    func audit(_ action: AuditAction, subject: String? = nil, details: String = "", actor: UUID? = nil) async {
        let entry = AuditEntry(
            actorID: actor ?? user?.id, action: action.rawValue, subject: subject, details: details, address: clientAddress)
        do {
            try await entry.create(on: db)
        } catch {
            logger.error("audit entry not written", metadata: ["action": "\(action.rawValue)", "error": "\(error)"])
        }
    }
}
