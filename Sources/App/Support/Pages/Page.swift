import KorpusCore
import Vapor

/// A link in the site navigation.
struct NavLink: Encodable {
    let href: String
    let label: String
    let current: Bool
}

/// A link of the language switcher.
struct LanguageLink: Encodable {
    let href: String
    let code: String
    let name: String
    let current: Bool
}

/// What the base layout needs on every page, around the page's own content.
struct Page<Content: Encodable>: Encodable {
    let lang: String
    let title: String
    let nav: [NavLink]
    let languages: [LanguageLink]
    let content: Content
}

/// Templates reach the page's data as `page`.
struct PageEnvelope<Content: Encodable>: Encodable {
    let page: Page<Content>
}

extension Request {
    /// The pages in the main navigation, in order.
    private static let navigation: [(SitePath, String)] = [
        (.home, "nav.home"),
        (.localities, "nav.localities"),
        (.aboutData, "nav.about_data"),
    ]

    /// Wraps a page's content with what the layout needs: language, navigation and language switcher.
    func page<Content: Encodable>(title: String, content: Content) throws -> Page<Content> {
        let currentPath = url.path
        let nav = Self.navigation.map { path, key in
            NavLink(href: path.path, label: t(key), current: path.path == currentPath)
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
        return Page(lang: language.rawValue, title: title, nav: nav, languages: languages, content: content)
    }

    /// Renders a page template inside the base layout.
    func render<Content: Encodable>(_ template: String, title: String, _ content: Content) async throws -> View {
        try await view.render(template, PageEnvelope(page: page(title: title, content: content)))
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
