import Fluent
import SQLKit
import KorpusCore
import Vapor

/// A message in the thread of one application, between the volunteer and the organisation's coordinators.
final class ApplicationMessage: Model, @unchecked Sendable {
    static let schema = "application_messages"

    @ID(key: .id) var id: UUID?
    @Parent(key: "application_id") var application: OfferApplication
    @Parent(key: "author_id") var author: User
    @Field(key: "body") var body: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// Something that happened that a person should see in Korpus, beside the e-mail about it.
final class Notification: Model, @unchecked Sendable {
    static let schema = "notifications"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "text") var text: String
    @Field(key: "link") var link: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "read_at") var readAt: Date?

    init() {}
}

struct CreateConversations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ApplicationMessage.schema)
            .id()
            .field("application_id", .uuid, .required, .references(OfferApplication.schema, "id", onDelete: .cascade))
            .field("author_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("body", .sql(.text), .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(Notification.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("text", .string, .required)
            .field("link", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "application_messages_idx").on(ApplicationMessage.schema).column("application_id").run()
            try await sql.create(index: "notifications_user_idx").on(Notification.schema).column("user_id").column("read_at").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Notification.schema).delete()
        try await database.schema(ApplicationMessage.schema).delete()
    }
}

/// The message thread of an application, and the notification list.
struct ConversationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInGuard())
        signedIn.get(SitePath.applicationThread("").components, use: thread)
        signedIn.post(SitePath.applicationThread("").components, use: post)
        signedIn.get(SitePath.notifications.components, use: notifications)
    }

    /// The application, for its volunteer or a coordinator of its organisation; anyone else: not found.
    static func participantApplication(_ req: Request) async throws -> (OfferApplication, isVolunteer: Bool) {
        let user = try req.requireUser()
        let userID = try user.requireID()
        guard let id = req.parameters.get("applicationID").flatMap(UUID.init(uuidString:)),
            let application = try await OfferApplication.query(on: req.db).filter(\.$id == id).with(\.$offer).with(\.$volunteer).first()
        else { throw LocalizedAbort(.notFound, key: "application.error.not_found") }
        if application.$volunteer.id == userID { return (application, true) }
        guard try await OrganisationMembership.role(of: userID, in: application.offer.$organisation.id, on: req.db) != nil else {
            throw LocalizedAbort(.notFound, key: "application.error.not_found")
        }
        return (application, false)
    }

    struct Message: Encodable {
        let author: String
        let mine: Bool
        let body: [String]
        let at: String
    }

    struct ThreadPage: Encodable {
        let offer: String
        let offerHref: String
        let volunteer: String
        let status: String
        let messages: [Message]
        let action: String
        let form: FormState
    }

    func threadPage(_ req: Request, form: FormState = FormState(), status: HTTPResponseStatus = .ok) async throws -> Response {
        let (application, _) = try await Self.participantApplication(req)
        let userID = try req.requireUser().requireID()
        let messages = try await ApplicationMessage.query(on: req.db).filter(\.$application.$id == application.requireID())
            .with(\.$author).sort(\.$createdAt).all()
        let dates = DateFormat(catalogue: req.catalogue)
        return try await req.render("offers/thread", title: req.t("thread.title"), ThreadPage(
            offer: application.offer.title, offerHref: SitePath.offer(application.$offer.id.uuidString).path,
            volunteer: application.volunteer.displayName, status: req.t("application.status.\(application.status)"),
            messages: messages.map {
                Message(author: $0.author.displayName, mine: $0.$author.id == userID,
                        body: $0.body.components(separatedBy: "\n"), at: dates.shortDateTime($0.createdAt))
            },
            action: SitePath.applicationThread(try application.requireID().uuidString).path, form: form), status: status)
    }

    @Sendable
    func thread(req: Request) async throws -> Response {
        try await threadPage(req)
    }

    @Sendable
    func post(req: Request) async throws -> Response {
        let (application, isVolunteer) = try await Self.participantApplication(req)
        let user = try req.requireUser()
        var form = FormState(values: try req.formFields())
        let body = form.value("body")
        if body.isEmpty { form.fail("body", req.t("form.error.required")) }
        if body.count > 4000 { form.fail("body", req.t("form.error.too_long", ["max": "4000"])) }
        guard form.isValid else { return try await threadPage(req, form: form, status: .unprocessableEntity) }
        let key = "message:\(try user.requireID())"
        try await Throttle.messages.admit(key, on: req.db)
        let message = ApplicationMessage()
        message.$application.id = try application.requireID()
        message.$author.id = try user.requireID()
        message.body = body
        message.createdAt = Date()
        try await message.create(on: req.db)
        let link = SitePath.applicationThread(try application.requireID().uuidString).path
        if isVolunteer {
            try await OffersController.notifyCoordinators(of: application.offer, template: "message_new", volunteer: user.displayName, req, link: link)
        } else {
            try await req.mailer.send(template: "message_new", to: application.volunteer.email, name: application.volunteer.displayName,
                                      language: application.volunteer.preferredLanguage, link: link,
                                      arguments: ["offer": application.offer.title, "volunteer": user.displayName])
        }
        return req.redirect(to: link, notice: "message_sent")
    }

    struct NotificationRow: Encodable {
        let text: String
        let href: String
        let at: String
        let unread: Bool
    }

    /// The person's notifications, newest first; opening the list marks them read.
    @Sendable
    func notifications(req: Request) async throws -> View {
        let user = try req.requireUser()
        let items = try await Notification.query(on: req.db).filter(\.$user.$id == user.requireID())
            .sort(\.$createdAt, .descending).limit(100).all()
        let dates = DateFormat(catalogue: req.catalogue)
        let rows = items.map { NotificationRow(text: $0.text, href: $0.link, at: dates.shortDateTime($0.createdAt), unread: $0.readAt == nil) }
        try await Notification.query(on: req.db).filter(\.$user.$id == user.requireID()).filter(\.$readAt == nil)
            .set(\.$readAt, to: Date()).update()
        return try await req.render("offers/notifications", title: req.t("notifications.title"), rows)
    }
}
