import Fluent
import KorpusCore
import SQLKit
import Vapor

/// A volunteer's self-assessment of competences, in the version of the model it is answered in: in
/// progress (paused and continued any time) until every statement is answered, then finished and kept
/// for comparison with later ones.
final class CompetenceAssessment: Model, @unchecked Sendable {
    static let schema = "competence_assessments"

    enum Status: String, Codable {
        case inProgress = "in_progress", completed
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "volunteer_id") var volunteer: User
    @Field(key: "model_version") var modelVersion: String
    @Field(key: "status") var status: String
    /// The volunteer while the assessment is in progress, nothing once finished: a unique column, so that a
    /// person has at most one assessment in progress even when two are started at the same instant.
    @OptionalField(key: "open_for") var openFor: UUID?
    @Field(key: "started_at") var startedAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "completed_at") var completedAt: Date?

    init() {}

    var isCompleted: Bool { status == Status.completed.rawValue }
}

/// One answer: a statement of the model (`communication.2`) rated on the scale. Answers are kept when the
/// model changes, even for statements the new version no longer has.
final class CompetenceAnswer: Model, @unchecked Sendable {
    static let schema = "competence_answers"

    @ID(key: .id) var id: UUID?
    @Parent(key: "assessment_id") var assessment: CompetenceAssessment
    @Field(key: "statement") var statement: String
    @Field(key: "level") var level: Int
    @Field(key: "answered_at") var answeredAt: Date

    init() {}
}

/// A link through which the volunteer shows one finished result to someone; only the SHA-256 of its secret
/// is stored, and the volunteer can withdraw it.
final class CompetenceShare: Model, @unchecked Sendable {
    static let schema = "competence_shares"

    @ID(key: .id) var id: UUID?
    @Parent(key: "assessment_id") var assessment: CompetenceAssessment
    @Parent(key: "volunteer_id") var volunteer: User
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}
}

struct CreateCompetences: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CompetenceAssessment.schema)
            .id()
            .field("volunteer_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("model_version", .string, .required)
            .field("status", .string, .required)
            .field("open_for", .uuid)
            .field("started_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("completed_at", .datetime)
            .unique(on: "open_for")
            .create()
        try await database.schema(CompetenceAnswer.schema)
            .id()
            .field("assessment_id", .uuid, .required, .references(CompetenceAssessment.schema, "id", onDelete: .cascade))
            .field("statement", .string, .required)
            .field("level", .int, .required)
            .field("answered_at", .datetime, .required)
            .unique(on: "assessment_id", "statement")
            .create()
        try await database.schema(CompetenceShare.schema)
            .id()
            .field("assessment_id", .uuid, .required, .references(CompetenceAssessment.schema, "id", onDelete: .cascade))
            .field("volunteer_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
        // Competences practised: tagged on hour entries and training registrations by the volunteer, given
        // to events by their organisers, confirmed on certificates by coordinators.
        try await database.schema(HourEntry.schema).field("competences", .string).update()
        try await database.schema(Event.schema).field("competences", .string).update()
        try await database.schema(EventRegistration.schema).field("competences", .string).update()
        try await database.schema(Certificate.schema).field("competences", .string).update()
        try await database.schema(Certificate.schema).field("competence_note", .sql(.text)).update()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "competence_assessments_volunteer_idx").on(CompetenceAssessment.schema)
                .column("volunteer_id").column("status").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CompetenceShare.schema).delete()
        try await database.schema(CompetenceAnswer.schema).delete()
        try await database.schema(CompetenceAssessment.schema).delete()
    }
}

extension Application {
    private struct CompetenceModelsKey: StorageKey {
        typealias Value = [CompetenceModel]
    }

    /// The versions of the competence model, newest last (the built-in ones unless a test sets others).
    var competenceModels: [CompetenceModel] {
        get { storage[CompetenceModelsKey.self] ?? CompetenceModel.all }
        set { storage[CompetenceModelsKey.self] = newValue }
    }
}
