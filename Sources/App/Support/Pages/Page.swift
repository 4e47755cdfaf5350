import Fluent
import KorpusCore
import Vapor

/// A link in the site navigation.
struct NavLink: Encodable {
    let href: String
    let label: String
    let current: Bool

    static func markup(_ links: [NavLink]) -> Markup {
        Markup(links.map { link in
            "<li><a href=\"\(HTMLText.escape(link.href))\"\(link.current ? " aria-current=\"page\"" : "")>\(HTMLText.escape(link.label))</a></li>"
        }.joined())
    }
}

/// A link of the language switcher.
struct LanguageLink: Encodable {
    let href: String
    let code: String
    let name: String
    let current: Bool

    static func markup(_ links: [LanguageLink]) -> Markup {
        Markup(links.map { link in
            let code = HTMLText.escape(link.code)
            return "<li><a href=\"\(HTMLText.escape(link.href))\" lang=\"\(code)\" hreflang=\"\(code)\"\(link.current ? " aria-current=\"true\"" : "")>"
                + "\(HTMLText.escape(link.name))</a></li>"
        }.joined())
    }
}

/// What the base layout needs on every page, around the page's own content.
struct Page<Content: Encodable>: Encodable {
    let lang: String
    let title: String
    /// The site navigation's items and the language switcher's, as markup (`Markup`).
    let nav: Markup
    let languages: Markup
    /// The token for the hidden `_csrf` field of every form on the page.
    let csrf: String
    /// The signed-in person's name, for the header.
    let userName: String?
    let notice: String?
    let content: Content
}

/// Templates reach the page's data as `page`.
struct PageEnvelope<Content: Encodable>: Encodable {
    let page: Page<Content>
}

extension Request {
    /// Notices a redirect may ask a page to show (`?komunikat=…`); only these keys are accepted.
    static let notices: Set<String> = [
        "verified", "password_reset", "password_changed", "email_change_sent", "email_changed", "signed_out",
        "erased", "consent_saved", "organisation_registered", "invitation_sent", "coordinator_joined",
        "coordinator_revoked", "child_added", "token_revoked", "verification_sent", "guardian_consent_given",
        "organisation_verified", "organisation_rejected", "partner_created", "operator_assigned", "offer_saved",
        "application_sent", "application_reserve", "application_decided", "application_withdrawn", "help_offer_saved",
        "volunteer_invited", "invitation_accepted", "invitation_declined", "offer_hidden", "offer_shown", "partnership_published", "partnership_answered", "partnership_closed", "hours_logged", "hours_deleted",
        "hours_correction_sent", "hours_none_chosen", "hours_confirmed", "hours_returned", "account_suspended", "message_sent",
        "alert_saved", "alert_deleted", "alert_unsubscribed", "agreement_prepared", "agreement_accepted", "template_saved",
        "certificate_requested", "certificate_issued", "event_registered", "event_waiting", "event_cancelled", "event_created",
        "event_opened", "event_closed", "attendance_saved", "event_certificates_issued", "event_certificates_none", "feed_renewed",
        "counselling_booked", "counselling_cancelled", "counselling_published", "event_applied", "volunteer_registered",
        "applicant_selected", "applicant_declined", "registrants_messaged", "event_cancelled_by_organiser",
        "competence_model_changed", "competence_paused", "competence_incomplete", "competence_completed", "competence_training_tagged",
        "competence_link_revoked",
    ]

    /// Wraps a page's content with what the layout needs: language, navigation and language switcher.
    func page<Content: Encodable>(title: String, content: Content) async throws -> Page<Content> {
        let currentPath = url.path
        var navigation: [(SitePath, String)] = [(.home, "nav.home"), (.offers, "nav.offers"), (.events, "nav.events"), (.organisations, "nav.organisations"), (.partnerships, "nav.partnerships"), (.localities, "nav.localities")]
        if let user {
            navigation.append((.recommendations, "nav.recommendations"))
            navigation.append((.myApplications, "nav.my_applications"))
            navigation.append((.myHours, "nav.my_hours"))
            navigation.append((.myEvents, "nav.my_events"))
            navigation.append((.competences, "nav.competences"))
            navigation.append((.notifications, "nav.notifications"))
            navigation.append((.account, "nav.account"))
            if try await PartnerOperator.isOperator(user, on: db) { navigation.append((.partnerQueue, "nav.partner")) }
            if user.isAdministrator { navigation.append((.admin, "nav.admin")) }
        } else {
            navigation.append((.signIn, "nav.sign_in"))
            navigation.append((.register, "nav.register"))
        }
        var unread = 0
        if let userID = user?.id {
            unread = try await Notification.query(on: db).filter(\.$user.$id == userID).filter(\.$readAt == nil).count()
        }
        let nav = navigation.map { path, key in
            NavLink(href: path.path, label: path == .notifications && unread > 0 ? t("nav.notifications_unread", ["count": String(unread)]) : t(key),
                    current: path.path == currentPath)
        }
        var returnPath = url.path
        if let query = url.query, !query.isEmpty { returnPath += "?" + query }
        let encodedReturn = returnPath.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? "/"
        let languages = Language.allCases.map { language in
            LanguageLink(
                href: SitePath.language(language.rawValue).path + "?powrot=" + encodedReturn,
                code: language.rawValue,
                name: language.endonym,
                current: language == self.language)
        }
        let noticeKey = queryValues()["komunikat"].flatMap { Self.notices.contains($0) ? $0 : nil }
        return Page(
            lang: language.rawValue, title: title, nav: NavLink.markup(nav), languages: LanguageLink.markup(languages), csrf: csrfToken,
            userName: user?.displayName, notice: noticeKey.map { t("notice.\($0)") }, content: content)
    }

    /// Renders a page with a status other than 200 (a form shown again with its problems: 422).
    func render<Content: Encodable>(_ template: String, title: String, _ content: Content, status: HTTPResponseStatus) async throws -> Response {
        try await render(template, title: title, content).encodeResponse(status: status, for: self)
    }

    /// A redirect after a form, with a notice for the next page to show.
    func redirect(to path: String, notice: String) -> Response {
        let separator = path.contains("?") ? "&" : "?"
        return redirect(to: path + separator + "komunikat=" + notice, redirectType: .normal)
    }

    /// Renders a page template inside the base layout, in the request's language (`LocalizedTemplates`).
    func render<Content: Encodable>(_ template: String, title: String, _ content: Content) async throws -> View {
        try await view.render(language.rawValue + "/" + template, PageEnvelope(page: await page(title: title, content: content)))
    }
}

extension CharacterSet {
    /// Characters left as they are in a query value: unreserved ones and the path separator.
    static let urlQueryValueAllowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~/")
        return set
    }()
}
