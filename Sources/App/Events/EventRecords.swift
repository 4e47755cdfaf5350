import Fluent
import KorpusCore
import SQLKit
import Vapor

/// A training, camp, debate, forum or other gathering, organised by a regional or local partner or by an
/// organisation, in one or more sessions.
final class Event: Model, @unchecked Sendable {
    static let schema = "events"

    enum Status: String, Codable {
        /// Registration open (until its deadline).
        case open
        /// The organiser closed registration.
        case closed
        case cancelled
    }

    @ID(key: .id) var id: UUID?
    @OptionalField(key: "partner_id") var partnerID: UUID?
    @OptionalField(key: "organisation_id") var organisationID: UUID?
    @Field(key: "organiser_name") var organiserName: String
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    /// Audiences, comma-separated (`EventAudience` codes).
    @Field(key: "audiences") var audiences: String
    @Field(key: "voivodeship_code") var voivodeshipCode: String
    @OptionalField(key: "locality_id") var localityID: Int?
    @Field(key: "address") var address: String
    @OptionalField(key: "online_link") var onlineLink: String?
    @Field(key: "capacity") var capacity: Int
    @Field(key: "waitlist") var waitlist: Bool
    @OptionalField(key: "registration_deadline") var registrationDeadline: String?
    @OptionalField(key: "minimum_age") var minimumAge: Int?
    @OptionalField(key: "maximum_age") var maximumAge: Int?
    /// Only people living in the event's voivodeship may register.
    @Field(key: "region_only") var regionOnly: Bool
    /// Only coordinators of organisations may register.
    @Field(key: "coordinators_only") var coordinatorsOnly: Bool
    /// The kind of training a person must have completed first.
    @OptionalField(key: "prerequisite") var prerequisite: String?
    /// Applications with answers, among which the organiser selects (camps, internships).
    @Field(key: "selection") var selection: Bool
    /// The organiser's questions to those who apply, one per line.
    @Field(key: "questions") var questions: String
    @Field(key: "status") var status: String
    /// The start of the first session and the end of the last, for lists and filters.
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "ends_at") var endsAt: Date
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date
    /// The competence areas the event develops (comma-separated codes), for suggestions and evidence.
    @OptionalField(key: "competences") var competences: String?

    init() {}

    var kindValue: EventKind { EventKind(rawValue: kind) ?? .volunteerAction }

    /// Saves the event with its sessions (start and end of each, in order), in one transaction.
    func create(sessions times: [(Date, Date)], on db: any Database) async throws {
        try await db.writing { db in
            try await self.create(on: db)
            for (index, time) in times.enumerated() {
                let session = EventSession()
                session.$event.id = try self.requireID()
                session.position = index + 1
                session.startsAt = time.0
                session.endsAt = time.1
                try await session.create(on: db)
            }
        }
    }
    var audienceList: [EventAudience] { audiences.split(separator: ",").compactMap { EventAudience(rawValue: String($0)) } }
    var isOnline: Bool { onlineLink != nil }
    var questionList: [String] { questions.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
}

/// One meeting of an event, with its own times; attendance is marked per session.
final class EventSession: Model, @unchecked Sendable {
    static let schema = "event_sessions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "event_id") var event: Event
    @Field(key: "position") var position: Int
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "ends_at") var endsAt: Date

    init() {}
}

/// A person's registration for an event: a place, a place on the waitlist (in order of registration), or
/// cancelled. A completion certificate is issued on it once the required sessions were attended.
final class EventRegistration: Model, @unchecked Sendable {
    static let schema = "event_registrations"

    enum Status: String, Codable {
        /// A place; on the waitlist; an application waiting for the organiser's selection; not selected; cancelled.
        case registered, waiting, applied, declined, cancelled
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "event_id") var event: Event
    @Parent(key: "user_id") var user: User
    @Field(key: "status") var status: String
    @Field(key: "registered_by") var registeredBy: UUID
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "certificate_issued_at") var certificateIssuedAt: Date?
    @OptionalField(key: "certificate_name") var certificateName: String?
    /// When the reminder before the event was sent.
    @OptionalField(key: "reminded_at") var remindedAt: Date?
    /// The answers to the organiser's questions, one "question: answer" block each.
    @Field(key: "answers") var answers: String
    /// The competence areas the person says they practised (comma-separated codes); the event's own until set.
    @OptionalField(key: "competences") var competences: String?

    init() {}
}

/// That a registered person attended one session.
final class SessionAttendance: Model, @unchecked Sendable {
    static let schema = "session_attendance"

    @ID(key: .id) var id: UUID?
    @Parent(key: "session_id") var session: EventSession
    @Parent(key: "registration_id") var registration: EventRegistration
    @Field(key: "marked_by") var markedBy: UUID
    @Field(key: "marked_at") var markedAt: Date

    init() {}
}

/// The secret address of a person's iCalendar feed of their registrations; a new one replaces it.
final class CalendarFeed: Model, @unchecked Sendable {
    static let schema = "calendar_feeds"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "secret") var secret: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

struct CreateEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Event.schema)
            .id()
            .field("partner_id", .uuid, .references(Partner.schema, "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .references(Organisation.schema, "id", onDelete: .cascade))
            .field("organiser_name", .string, .required)
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("description", .sql(.text), .required)
            .field("audiences", .string, .required)
            .field("voivodeship_code", .string, .required)
            .field("locality_id", .int)
            .field("address", .string, .required)
            .field("online_link", .string)
            .field("capacity", .int, .required)
            .field("waitlist", .bool, .required)
            .field("registration_deadline", .string)
            .field("minimum_age", .int)
            .field("maximum_age", .int)
            .field("region_only", .bool, .required)
            .field("coordinators_only", .bool, .required)
            .field("prerequisite", .string)
            .field("selection", .bool, .required)
            .field("questions", .sql(.text), .required)
            .field("status", .string, .required)
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(EventSession.schema)
            .id()
            .field("event_id", .uuid, .required, .references(Event.schema, "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .create()
        try await database.schema(EventRegistration.schema)
            .id()
            .field("event_id", .uuid, .required, .references(Event.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("status", .string, .required)
            .field("registered_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .field("certificate_issued_at", .datetime)
            .field("certificate_name", .string)
            .field("reminded_at", .datetime)
            .field("answers", .sql(.text), .required)
            .unique(on: "event_id", "user_id")
            .create()
        try await database.schema(SessionAttendance.schema)
            .id()
            .field("session_id", .uuid, .required, .references(EventSession.schema, "id", onDelete: .cascade))
            .field("registration_id", .uuid, .required, .references(EventRegistration.schema, "id", onDelete: .cascade))
            .field("marked_by", .uuid, .required)
            .field("marked_at", .datetime, .required)
            .unique(on: "session_id", "registration_id")
            .create()
        try await database.schema(CalendarFeed.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("secret", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id")
            .unique(on: "secret")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "events_starts_idx").on(Event.schema).column("ends_at").column("starts_at").run()
            try await sql.create(index: "event_sessions_event_idx").on(EventSession.schema).column("event_id").run()
            try await sql.create(index: "event_registrations_user_idx").on(EventRegistration.schema).column("user_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CalendarFeed.schema).delete()
        try await database.schema(SessionAttendance.schema).delete()
        try await database.schema(EventRegistration.schema).delete()
        try await database.schema(EventSession.schema).delete()
        try await database.schema(Event.schema).delete()
    }
}
