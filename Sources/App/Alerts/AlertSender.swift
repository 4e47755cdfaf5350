import Fluent
import KorpusCore
import SQLKit
import Vapor

/// Sends the alerts that are due (the worker polls it). Any number of instances may run it: an alert is
/// claimed by one conditional update of its last run before anything is sent, so it goes out once.
enum AlertSender {
    static let offersPerMessage = 20

    /// Looks at every alert that is due; returns how many messages were queued.
    @discardableResult
    static func sendDue(_ app: Application, now: Date = Date()) async throws -> Int {
        var sent = 0
        for frequency in Alert.Frequency.allCases {
            let due = try await Alert.query(on: app.db).filter(\.$frequency == frequency.rawValue)
                .group(.or) { $0.filter(\.$lastRunAt == nil).filter(\.$lastRunAt <= now.addingTimeInterval(-frequency.interval + 60)) }
                .with(\.$user).limit(500).all()
            for alert in due where try await claim(alert, now: now, on: app.db) {
                // One alert that cannot be sent (a saved search no longer valid) does not stop the others.
                do {
                    if try await send(alert, app: app) { sent += 1 }
                } catch {
                    app.logger.warning("alert not sent", metadata: ["alert": "\(alert.id?.uuidString ?? "")", "error": "\(error)"])
                }
            }
        }
        return sent
    }

    /// The one conditional update that makes this instance the alert's only sender for this run: it moves
    /// the last run to now only while the alert is still due, which no other instance's claim leaves it.
    private static func claim(_ alert: Alert, now: Date, on db: any Database) async throws -> Bool {
        guard let sql = db as? any SQLDatabase, let id = alert.id, let frequency = Alert.Frequency(rawValue: alert.frequency) else { return false }
        let rows = try await sql.update(Alert.schema).set("last_run_at", to: now).where("id", .equal, id)
            .where { group in
                group.where("last_run_at", .is, SQLLiteral.null)
                    .orWhere("last_run_at", .lessThanOrEqual, SQLBind(now.addingTimeInterval(-frequency.interval + 60)))
            }
            .returning("id").all()
        return rows.count == 1
    }

    /// Sends the offers of an alert that it has not sent before; false when there were none.
    static func send(_ alert: Alert, app: Application) async throws -> Bool {
        let user = alert.user
        guard user.status == User.Status.active.rawValue, let alertID = alert.id else { return false }
        let db = app.db
        var offers: [OfferSummary]
        let link: String
        if alert.kind == Alert.Kind.recommendations.rawValue {
            offers = try await Recommendations.recommend(for: try await Recommendations.facts(of: user, on: db).facts, memory: app.memoryIndexes, on: db).recommendations.map(\.offer)
            link = SitePath.recommendations.path
        } else {
            let request = Request(application: app, method: .GET, url: URI(string: SitePath.offers.path + "?" + alert.query),
                                  on: app.eventLoopGroup.any())
            var filter = try await OfferFilter.parse(request, api: false)
            filter.sort = .newest
            filter.page = 1
            offers = try await OfferSearch.search(filter, memory: app.memoryIndexes, on: db).offers
            link = SitePath.offers.path + "?" + alert.query
        }
        let sentBefore = Set(try await AlertDelivery.query(on: db).filter(\.$alert.$id == alertID)
            .filter(\.$offerID ~~ offers.map(\.id)).all().map(\.offerID))
        let fresh = Array(offers.filter { !sentBefore.contains($0.id) }.prefix(offersPerMessage))
        guard !fresh.isEmpty else { return false }
        try await db.writing { db in
            for offer in fresh {
                let delivery = AlertDelivery()
                delivery.$alert.id = alertID
                delivery.offerID = offer.id
                delivery.sentAt = Date()
                try await delivery.create(on: db)
            }
            let list = fresh.map { "• \($0.title) — \($0.organisationName): \(app.settings.baseURL)\(SitePath.offer($0.id.uuidString).path)" }
            try await Mailer(application: app, db: db).send(
                template: "alert_\(alert.kind)", to: user.email, name: user.displayName, language: user.preferredLanguage, link: link,
                arguments: ["count": String(fresh.count), "offers": list.joined(separator: "\n\n"),
                            "unsubscribe": app.settings.baseURL + SitePath.unsubscribe(alert.unsubscribeToken).path])
        }
        return true
    }
}
