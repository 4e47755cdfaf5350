import Fluent
import KorpusCore
import SQLKit
import Vapor

/// A volunteer's engagement with an organisation: begun when an application is accepted, ended when the
/// application leaves the accepted state. Hours are logged against it, within its period.
final class Engagement: Model, @unchecked Sendable {
    static let schema = "engagements"

    enum Status: String, Codable {
        case active, ended
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "application_id") var application: OfferApplication
    @Parent(key: "volunteer_id") var volunteer: User
    @Parent(key: "organisation_id") var organisation: Organisation
    @Parent(key: "offer_id") var offer: Offer
    /// The first and last day of the engagement (yyyy-MM-dd); no last day while it goes on.
    @Field(key: "starts_on") var startsOn: String
    @OptionalField(key: "ends_on") var endsOn: String?
    @Field(key: "status") var status: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    /// Whether a day falls within the engagement.
    func covers(_ day: String) -> Bool { day >= startsOn && (endsOn.map { day <= $0 } ?? true) }

    /// Keeps engagements in step with applications saved through Fluent: accepted begins one, leaving the
    /// accepted state ends it (its hours stay).
    struct Middleware: AsyncModelMiddleware {
        func create(model: OfferApplication, on db: any Database, next: any AnyAsyncModelResponder) async throws {
            try await next.create(model, on: db)
            try await Engagement.follow(model, on: db)
        }

        func update(model: OfferApplication, on db: any Database, next: any AnyAsyncModelResponder) async throws {
            try await next.update(model, on: db)
            try await Engagement.follow(model, on: db)
        }
    }

    static func follow(_ application: OfferApplication, on db: any Database) async throws {
        let applicationID = try application.requireID()
        let existing = try await Engagement.query(on: db).filter(\.$application.$id == applicationID).first()
        let today = OfferDates.today()
        if application.status == OfferApplication.Status.accepted.rawValue {
            guard let offer = try await Offer.find(application.$offer.id, on: db) else { return }
            let acceptedOn = OfferDates.today(application.decidedAt ?? Date())
            if let existing {
                guard existing.status == Status.ended.rawValue else { return }
                existing.status = Status.active.rawValue
                existing.endsOn = offer.endsOn
                try await existing.save(on: db)
                return
            }
            let engagement = Engagement()
            engagement.$application.id = applicationID
            engagement.$volunteer.id = application.$volunteer.id
            engagement.$organisation.id = offer.$organisation.id
            engagement.$offer.id = try offer.requireID()
            engagement.startsOn = max(offer.startsOn ?? acceptedOn, acceptedOn)
            engagement.endsOn = offer.endsOn
            engagement.status = Status.active.rawValue
            engagement.createdAt = Date()
            try await engagement.create(on: db)
        } else if let existing, existing.status == Status.active.rawValue {
            existing.status = Status.ended.rawValue
            existing.endsOn = min(existing.endsOn ?? today, max(today, existing.startsOn))
            try await existing.save(on: db)
        }
    }
}

/// Hours a volunteer gave on one day for one engagement (karta czasu pracy), in quarter hours, with what
/// they did; confirmed or returned by a coordinator. A confirmed entry changes only through a correction:
/// a new entry pointing at it, which replaces it once confirmed.
final class HourEntry: Model, @unchecked Sendable {
    static let schema = "hour_entries"

    enum Status: String, Codable, CaseIterable {
        case pending, confirmed, returned, superseded
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "engagement_id") var engagement: Engagement
    @Parent(key: "volunteer_id") var volunteer: User
    @Parent(key: "organisation_id") var organisation: Organisation
    @Field(key: "worked_on") var workedOn: String
    @Field(key: "quarter_hours") var quarterHours: Int
    @Field(key: "description") var description: String
    @Field(key: "status") var status: String
    @OptionalField(key: "comment") var comment: String?
    @OptionalField(key: "corrects_id") var correctsID: UUID?
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    /// The competence areas the volunteer practised (comma-separated codes), confirmed with the hours.
    @OptionalField(key: "competences") var competences: String?

    init() {}

    /// A new entry, waiting for confirmation, of checked day, hours and description.
    init(engagement: Engagement, _ checked: (day: String, quarters: Int, description: String)) throws {
        self.$engagement.id = try engagement.requireID()
        self.$volunteer.id = engagement.$volunteer.id
        self.$organisation.id = engagement.$organisation.id
        self.workedOn = checked.day
        self.quarterHours = checked.quarters
        self.description = checked.description
        self.status = Status.pending.rawValue
        self.createdAt = Date()
    }

    /// Entries that count toward the daily limit: those waiting and those confirmed.
    static let counted: [String] = [Status.pending.rawValue, Status.confirmed.rawValue]
}

struct CreateEngagements: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Engagement.schema)
            .id()
            .field("application_id", .uuid, .required, .references(OfferApplication.schema, "id", onDelete: .cascade))
            .field("volunteer_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id", onDelete: .cascade))
            .field("offer_id", .uuid, .required, .references(Offer.schema, "id", onDelete: .cascade))
            .field("starts_on", .string, .required)
            .field("ends_on", .string)
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "application_id")
            .create()
        try await database.schema(HourEntry.schema)
            .id()
            .field("engagement_id", .uuid, .required, .references(Engagement.schema, "id", onDelete: .cascade))
            .field("volunteer_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id", onDelete: .cascade))
            .field("worked_on", .string, .required)
            .field("quarter_hours", .int, .required)
            .field("description", .sql(.text), .required)
            .field("status", .string, .required)
            .field("comment", .sql(.text))
            .field("corrects_id", .uuid)
            .field("decided_by", .uuid)
            .field("decided_at", .datetime)
            .field("created_at", .datetime, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "engagements_volunteer_idx").on(Engagement.schema).column("volunteer_id").run()
            try await sql.create(index: "engagements_organisation_idx").on(Engagement.schema).column("organisation_id").run()
            try await sql.create(index: "hour_entries_volunteer_idx").on(HourEntry.schema).column("volunteer_id").column("worked_on").run()
            try await sql.create(index: "hour_entries_organisation_idx").on(HourEntry.schema).column("organisation_id").column("status").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(HourEntry.schema).delete()
        try await database.schema(Engagement.schema).delete()
    }
}
