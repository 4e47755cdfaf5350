import Fluent
import KorpusCore
import Vapor

/// Volunteers' e-mail alerts: saving a search or the recommendations as an alert, the list of one's
/// alerts, and unsubscribing from a message's link without signing in.
struct AlertsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInGuard())
        signedIn.get(SitePath.alerts.components, use: list)
        signedIn.post(SitePath.alerts.components, use: create)
        signedIn.post(SitePath.deleteAlert("").components, use: delete)
        routes.get(SitePath.unsubscribe("").components, use: unsubscribePage).publicAccess()
        routes.post(SitePath.unsubscribe("").components, use: unsubscribe).publicAccess()
    }

    /// The search parameters an alert keeps, in the order of the search form.
    static let searchKeys = ["q", "obszar", "wojewodztwo", "miejscowosc", "odleglosc", "zdalnie", "dla_nieletnich", "dostepne", "od", "do"]

    struct Row: Encodable {
        let what: String
        let frequency: String
        let lastRun: String?
        let deleteAction: String
    }

    struct ListPage: Encodable {
        let rows: [Row]
    }

    @Sendable
    func list(req: Request) async throws -> View {
        let user = try req.requireUser()
        let alerts = try await Alert.query(on: req.db).filter(\.$user.$id == user.requireID()).sort(\.$createdAt).all()
        let dates = DateFormat(catalogue: req.catalogue)
        return try await req.render("alerts/list", title: req.t("alerts.title"), ListPage(rows: alerts.map { alert in
            Row(what: alert.kind == Alert.Kind.recommendations.rawValue ? req.t("alerts.kind.recommendations") : Self.describe(alert.query, req),
                frequency: req.t("alerts.frequency.\(alert.frequency)"), lastRun: alert.lastRunAt.map { req.t("alerts.last_run", ["date": dates.shortDateTime($0)]) },
                deleteAction: SitePath.deleteAlert(alert.id?.uuidString ?? "").path)
        }))
    }

    /// A saved search in words: its terms and place, as the person typed them.
    static func describe(_ query: String, _ req: Request) -> String {
        let items = URLComponents(string: "?" + query)?.queryItems ?? []
        let parts = items.compactMap { item -> String? in
            guard let value = item.value, !value.isEmpty else { return nil }
            switch item.name {
            case "q", "miejscowosc": return value
            case "obszar": return OfferArea(rawValue: value).map { req.t($0.catalogueKey) }
            case "wojewodztwo": return req.t("voivodeship.\(value)")
            case "odleglosc": return req.t("offer.distance", ["km": value])
            default: return nil
            }
        }
        return req.t("alerts.kind.search", ["query": parts.isEmpty ? req.t("alerts.all_offers") : parts.joined(separator: ", ")])
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = FormState(values: try req.formFields())
        guard let kind = Alert.Kind(rawValue: form.value("kind")) else { throw LocalizedAbort(.badRequest, key: "error.form_malformed") }
        guard let frequency = Alert.Frequency(rawValue: form.value("frequency")) else {
            throw LocalizedAbort(.unprocessableEntity, key: "alerts.error.frequency")
        }
        let count = try await Alert.query(on: req.db).filter(\.$user.$id == user.requireID()).count()
        guard count < Alert.maximumPerPerson else {
            throw LocalizedAbort(.conflict, key: "alerts.error.too_many", ["max": String(Alert.maximumPerPerson)])
        }
        var query = ""
        if kind == .search {
            // Only the search's own parameters, checked as the search checks them.
            var items = URLComponents()
            items.queryItems = (URLComponents(string: "?" + form.value("query"))?.queryItems ?? [])
                .filter { Self.searchKeys.contains($0.name) && !($0.value ?? "").isEmpty }
            query = items.percentEncodedQuery ?? ""
            guard query.count <= 1000 else { throw LocalizedAbort(.badRequest, key: "error.form_malformed") }
            let check = Request(application: req.application, method: .GET, url: URI(string: SitePath.offers.path + "?" + query), on: req.eventLoop)
            _ = try await OfferFilter.parse(check, api: false)
        }
        let alert = Alert()
        alert.$user.id = try user.requireID()
        alert.kind = kind.rawValue
        alert.query = query
        alert.frequency = frequency.rawValue
        alert.createdAt = Date()
        alert.unsubscribeToken = SecureToken.generate()
        try await alert.create(on: req.db)
        return req.redirect(to: SitePath.alerts.path, notice: "alert_saved")
    }

    @Sendable
    func delete(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("alertID").flatMap(UUID.init(uuidString:)),
            let alert = try await Alert.query(on: req.db).filter(\.$id == id).filter(\.$user.$id == user.requireID()).first()
        else { throw LocalizedAbort(.notFound, key: "alerts.error.not_found") }
        try await alert.delete(on: req.db)
        return req.redirect(to: SitePath.alerts.path, notice: "alert_deleted")
    }

    struct UnsubscribePage: Encodable {
        let what: String
        let action: String
    }

    static func alert(for req: Request) async throws -> Alert {
        guard let token = req.parameters.get("token"), SecureToken.isWellFormed(token),
            let alert = try await Alert.query(on: req.db).filter(\.$unsubscribeToken == token).first()
        else { throw LocalizedAbort(.notFound, key: "alerts.error.link") }
        return alert
    }

    /// The link of a message opens a page with a button, so a mail scanner following links changes nothing.
    @Sendable
    func unsubscribePage(req: Request) async throws -> View {
        let alert = try await Self.alert(for: req)
        return try await req.render("alerts/unsubscribe", title: req.t("alerts.unsubscribe.title"), UnsubscribePage(
            what: alert.kind == Alert.Kind.recommendations.rawValue ? req.t("alerts.kind.recommendations") : Self.describe(alert.query, req),
            action: SitePath.unsubscribe(alert.unsubscribeToken).path))
    }

    @Sendable
    func unsubscribe(req: Request) async throws -> Response {
        let alert = try await Self.alert(for: req)
        try await alert.delete(on: req.db)
        return req.redirect(to: SitePath.home.path, notice: "alert_unsubscribed")
    }
}
