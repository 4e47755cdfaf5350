import Fluent
import KorpusCore
import SQLKit
import Vapor

/// A volunteering offer (oferta wolontariatu), written by a coordinator of a verified organisation.
final class Offer: Model, @unchecked Sendable {
    static let schema = "offers"

    enum Status: String, Codable, CaseIterable {
        case draft, published, closed, finished, archived
    }

    // managed
    @ID(key: .id) var id: UUID?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "published_at") var publishedAt: Date?

    // relationships
    @Parent(key: "organisation_id") var organisation: Organisation
    @Field(key: "created_by") var createdBy: UUID

    // data
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    @Field(key: "area") var area: String
    @Field(key: "skills") var skills: String
    @Field(key: "schedule") var schedule: String
    @OptionalField(key: "starts_on") var startsOn: String?
    @OptionalField(key: "ends_on") var endsOn: String?
    @Field(key: "weekly_slots") var weeklySlots: String
    @Field(key: "hours_per_week") var hoursPerWeek: Int
    @OptionalField(key: "locality_id") var localityID: Int?
    @OptionalField(key: "voivodeship_code") var voivodeshipCode: String?
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?
    @Field(key: "address") var address: String
    @Field(key: "remote") var remote: Bool
    @Field(key: "volunteers_needed") var volunteersNeeded: Int
    @Field(key: "minimum_age") var minimumAge: Int
    @Field(key: "minors_welcome") var minorsWelcome: Bool
    @Field(key: "involves_children") var involvesChildren: Bool
    @Field(key: "provides_training") var providesTraining: Bool
    @Field(key: "provides_insurance") var providesInsurance: Bool
    @Field(key: "provides_reimbursement") var providesReimbursement: Bool
    @Field(key: "languages") var languages: String
    @Field(key: "accessible") var accessible: Bool
    @OptionalField(key: "recruitment_deadline") var recruitmentDeadline: String?
    @Field(key: "status") var status: String
    @OptionalField(key: "hidden_reason") var hiddenReason: String?
    /// The folded words the search matches: title, description, skills, organisation and place.
    @Field(key: "search_text") var searchText: String

    init() {}

    var isOpenForApplications: Bool {
        status == Status.published.rawValue && hiddenReason == nil
            && (recruitmentDeadline.map { $0 >= OfferDates.today() } ?? true)
    }

    var skillList: [String] {
        CommaList.items(skills)
    }
}

/// A volunteer's application to an offer.
final class OfferApplication: Model, @unchecked Sendable {
    static let schema = "offer_applications"

    enum Status: String, Codable, CaseIterable {
        case pending, accepted, reserve, declined, withdrawn

        /// States in which the application still holds or waits for a place.
        static let active: [Status] = [.pending, .accepted, .reserve]
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "offer_id") var offer: Offer
    @Parent(key: "volunteer_id") var volunteer: User
    @Field(key: "message") var message: String
    @Field(key: "status") var status: String
    @OptionalField(key: "reason") var reason: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "decided_at") var decidedAt: Date?

    init() {}

    /// Creates an application in `status`, or on the reserve list when the offer's places are taken.
    static func place(volunteer: UUID, in offer: Offer, message: String, status: Status, on db: any Database) async throws -> OfferApplication {
        let application = OfferApplication()
        application.$offer.id = try offer.requireID()
        application.$volunteer.id = volunteer
        application.message = message
        application.createdAt = Date()
        let accepted = try await acceptedCount(offer: try offer.requireID(), on: db)
        application.status = (accepted >= offer.volunteersNeeded ? Status.reserve : status).rawValue
        application.decidedAt = status == .pending ? nil : Date()
        try await application.create(on: db)
        return application
    }

    /// How many volunteers hold a place in the offer.
    static func acceptedCount(offer offerID: UUID, on db: any Database) async throws -> Int {
        try await OfferApplication.query(on: db).filter(\.$offer.$id == offerID).filter(\.$status == Status.accepted.rawValue).count()
    }
}

struct CreateOffers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Offer.schema)
            .id()
            .field("created_at", .datetime, .required)
            .field("published_at", .datetime)
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id", onDelete: .cascade))
            .field("created_by", .uuid, .required)
            .field("title", .string, .required)
            .field("description", .sql(.text), .required)
            .field("area", .string, .required)
            .field("skills", .string, .required)
            .field("schedule", .string, .required)
            .field("starts_on", .string)
            .field("ends_on", .string)
            .field("weekly_slots", .string, .required)
            .field("hours_per_week", .int, .required)
            .field("locality_id", .int)
            .field("voivodeship_code", .string)
            .field("latitude", .double)
            .field("longitude", .double)
            .field("address", .string, .required)
            .field("remote", .bool, .required)
            .field("volunteers_needed", .int, .required)
            .field("minimum_age", .int, .required)
            .field("minors_welcome", .bool, .required)
            .field("involves_children", .bool, .required)
            .field("provides_training", .bool, .required)
            .field("provides_insurance", .bool, .required)
            .field("provides_reimbursement", .bool, .required)
            .field("languages", .string, .required)
            .field("accessible", .bool, .required)
            .field("recruitment_deadline", .string)
            .field("status", .string, .required)
            .field("hidden_reason", .string)
            .field("search_text", .sql(.text), .required)
            .create()
        try await database.schema(OfferApplication.schema)
            .id()
            .field("offer_id", .uuid, .required, .references(Offer.schema, "id", onDelete: .cascade))
            .field("volunteer_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("message", .sql(.text), .required)
            .field("status", .string, .required)
            .field("reason", .string)
            .field("created_at", .datetime, .required)
            .field("decided_at", .datetime)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "offers_status_idx").on(Offer.schema).column("status").column("voivodeship_code").run()
        try await sql.create(index: "offers_position_idx").on(Offer.schema).column("latitude").column("longitude").run()
        try await sql.create(index: "offers_organisation_idx").on(Offer.schema).column("organisation_id").run()
        try await sql.create(index: "applications_offer_idx").on(OfferApplication.schema).column("offer_id").column("status").run()
        try await sql.create(index: "applications_volunteer_idx").on(OfferApplication.schema).column("volunteer_id").run()
        try await TextIndex.offers.create(on: sql)
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await TextIndex.offers.drop(on: sql) }
        try await database.schema(OfferApplication.schema).delete()
        try await database.schema(Offer.schema).delete()
    }
}

/// Dates as the offers store them: ISO days ("2026-11-25") in Europe/Warsaw, compared as text.
enum OfferDates {
    static func today(_ now: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = DateFormat.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}
