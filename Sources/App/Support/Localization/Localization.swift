import KorpusCore
import Leaf
import Vapor

extension Application {
    private struct CataloguesKey: StorageKey {
        typealias Value = Catalogues
    }

    /// The interface text of every language, loaded once at start-up.
    public var catalogues: Catalogues {
        get {
            guard let catalogues = storage[CataloguesKey.self] else {
                fatalError("configure(_:) loads the catalogues before anything asks for them")
            }
            return catalogues
        }
        set { storage[CataloguesKey.self] = newValue }
    }
}

extension Request {
    private struct LanguageKey: StorageKey {
        typealias Value = Language
    }

    /// The language of this request's answer, set by `LanguageMiddleware`.
    public var language: Language {
        get { storage[LanguageKey.self] ?? LanguageMiddleware.resolve(self) }
        set { storage[LanguageKey.self] = newValue }
    }

    public var catalogue: Catalogue { application.catalogues[language] }

    /// The interface text for `key` in the request's language.
    public func t(_ key: String, _ arguments: [String: String] = [:]) -> String {
        catalogue.text(key, arguments)
    }
}

/// Chooses the language of every answer: the switch's cookie first, then Accept-Language, then Polish.
public struct LanguageMiddleware: AsyncMiddleware {
    public static let cookieName = "korpus_lang"

    public init() {}

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        request.language = Self.resolve(request)
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: .contentLanguage, value: request.language.rawValue)
        response.headers.add(name: .vary, value: "Accept-Language, Cookie")
        return response
    }

    static func resolve(_ request: Request) -> Language {
        if let cookie = request.cookies[cookieName]?.string, let language = Language(code: cookie) {
            return language
        }
        if let header = request.headers.first(name: .acceptLanguage),
            let language = Language.preferred(fromAcceptLanguage: header)
        {
            return language
        }
        return .default
    }
}

/// `#t("key")` in a template: the text in the request's language, escaped for HTML. The texts are escaped
/// once, when the tag is made, rather than on every page (Leaf escapes character by character). Pages
/// rendered through `Request.render` have their literal keys filled in before Leaf parses them
/// (`LocalizedTemplates`); the tag serves computed keys and templates rendered by name alone.
struct TranslateTag: UnsafeUnescapedLeafTag {
    private let escaped: [Language: [String: String]]

    init(_ escaped: [Language: [String: String]]) {
        self.escaped = escaped
    }

    /// Every language's texts (those without plural forms), escaped for HTML.
    static func escapedTexts(_ catalogues: Catalogues) -> [Language: [String: String]] {
        var escaped: [Language: [String: String]] = [:]
        for language in Language.allCases {
            for (key, entry) in catalogues[language].entries {
                if case .text(let text) = entry { escaped[language, default: [:]][key] = HTMLText.escape(text) }
            }
        }
        return escaped
    }

    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else {
            throw Abort(.internalServerError, reason: "#t(key) needs a catalogue key")
        }
        guard let request = ctx.request else { return .string(HTMLText.escape(key)) }
        return .string(escaped[request.language]?[key] ?? HTMLText.escape(request.t(key)))
    }
}

/// `#tp("key", count)` in a template: the plural form for `count` in the request's language.
struct TranslatePluralTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard ctx.parameters.count == 2, let key = ctx.parameters[0].string, let count = ctx.parameters[1].int else {
            throw Abort(.internalServerError, reason: "#tp(key, count) needs a catalogue key and a whole number")
        }
        guard let request = ctx.request else { return .string(key) }
        return .string(request.catalogue.plural(key, count: count))
    }
}

/// `#number(n)` in a template: a whole number written for the request's language ("12 345").
struct NumberTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let value = ctx.parameters.first?.int else {
            throw Abort(.internalServerError, reason: "#number(n) needs a whole number")
        }
        return .string(NumberFormat.integer(value, in: ctx.request?.language ?? .default))
    }
}
