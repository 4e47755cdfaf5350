import Fluent
import KorpusCore
import Vapor

/// The life of an application, the same for the pages and the API: applying, the coordinator's decision,
/// withdrawing, and the reserve list moving up. Each step checks who may take it and tells the other side.
enum ApplicationFlow {
    static let maximumMessage = 2000
    static let maximumReason = 1000

    /// Applies `user` to `offer` with a message; the application lands on the reserve list when the
    /// offer's places are taken.
    static func apply(_ user: User, to offer: Offer, message: String, _ req: Request) async throws -> OfferApplication {
        if let block = try await OffersController.applicationBlock(user, offer, req) { throw block }
        guard message.count <= maximumMessage else {
            throw LocalizedAbort(.unprocessableEntity, key: "form.error.too_long", ["max": String(maximumMessage)])
        }
        let key = "apply:\(try user.requireID())"
        if let wait = try await Throttle.applications.wait(for: key, on: req.db) {
            throw LocalizedAbort(.tooManyRequests, key: "sign_in.error.throttled", ["seconds": String(wait)])
        }
        try await Throttle.applications.recordFailure(for: key, on: req.db)
        let volunteerID = try user.requireID()
        let application = try await req.db.writing { db in
            try await OfferApplication.place(volunteer: volunteerID, in: offer, message: message, status: .pending, on: db)
        }
        try await OffersController.notifyCoordinators(of: offer, template: "application_new", volunteer: user.displayName, req)
        return application
    }

    /// The application of the URL (`applicationID`), with its offer and volunteer, for a coordinator of the
    /// offer's organisation; anyone else: not found.
    static func coordinatedApplication(_ req: Request) async throws -> OfferApplication {
        let user = try req.requireUser()
        guard let id = req.parameters.get("applicationID").flatMap(UUID.init(uuidString:)),
            let application = try await OfferApplication.query(on: req.db).filter(\.$id == id).with(\.$offer).with(\.$volunteer).first(),
            try await OrganisationMembership.role(of: try user.requireID(), in: application.offer.$organisation.id, on: req.db) != nil
        else { throw LocalizedAbort(.notFound, key: "application.error.not_found") }
        return application
    }

    /// The application of the URL, with its offer, for the volunteer who made it; anyone else: not found.
    static func ownApplication(_ req: Request) async throws -> OfferApplication {
        let user = try req.requireUser()
        guard let id = req.parameters.get("applicationID").flatMap(UUID.init(uuidString:)),
            let application = try await OfferApplication.query(on: req.db).filter(\.$id == id)
                .filter(\.$volunteer.$id == user.requireID()).with(\.$offer).with(\.$volunteer).first()
        else { throw LocalizedAbort(.notFound, key: "application.error.not_found") }
        return application
    }

    /// A coordinator accepts, puts on the reserve list or declines (with a reason) an application.
    static func decide(_ application: OfferApplication, _ decision: OfferApplication.Status, reason: String, _ req: Request) async throws {
        guard [.accepted, .reserve, .declined].contains(decision) else { throw LocalizedAbort(.badRequest, key: "partner.error.decision") }
        guard [OfferApplication.Status.pending.rawValue, OfferApplication.Status.reserve.rawValue, OfferApplication.Status.accepted.rawValue]
            .contains(application.status), application.status != decision.rawValue
        else { throw LocalizedAbort(.conflict, key: "application.error.state") }
        if decision == .declined && reason.count < 3 { throw LocalizedAbort(.unprocessableEntity, key: "application.error.reason") }
        guard reason.count <= maximumReason else {
            throw LocalizedAbort(.unprocessableEntity, key: "form.error.too_long", ["max": String(maximumReason)])
        }
        let offer = application.offer
        let freesPlace = application.status == OfferApplication.Status.accepted.rawValue
        try await req.db.writing { db in
            if decision == .accepted {
                let accepted = try await OfferApplication.acceptedCount(offer: try offer.requireID(), on: db)
                guard accepted < offer.volunteersNeeded else { throw LocalizedAbort(.conflict, key: "application.error.full") }
            }
            application.status = decision.rawValue
            application.reason = decision == .declined ? reason : nil
            application.decidedAt = Date()
            try await application.save(on: db)
        }
        try await req.mailer.send(template: "application_\(decision.rawValue)", to: application.volunteer.email, name: application.volunteer.displayName,
                                  language: application.volunteer.preferredLanguage, link: SitePath.myApplications.path,
                                  arguments: ["offer": offer.title, "reason": reason])
        if freesPlace { try await OffersController.promoteFromReserve(offer, req) }
    }

    /// The volunteer withdraws an application that is still open; a place freed goes to the reserve list.
    static func withdraw(_ application: OfferApplication, _ req: Request) async throws {
        guard OfferApplication.Status.active.map(\.rawValue).contains(application.status) else {
            throw LocalizedAbort(.conflict, key: "application.error.state")
        }
        let freesPlace = application.status == OfferApplication.Status.accepted.rawValue
        application.status = OfferApplication.Status.withdrawn.rawValue
        application.decidedAt = Date()
        try await application.save(on: req.db)
        try await OffersController.notifyCoordinators(of: application.offer, template: "application_withdrawn",
                                                      volunteer: application.volunteer.displayName, req)
        if freesPlace { try await OffersController.promoteFromReserve(application.offer, req) }
    }
}
