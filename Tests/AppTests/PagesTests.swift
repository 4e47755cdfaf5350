import Foundation
import KorpusCore
import LeafKit
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Home page, layout and languages")
struct PagesTests {
    @Test func homePageIsPolishByDefault() async throws {
        try await withKorpus { app in
            // act
            let response = try await app.testing().sendRequest(.GET, "/")
            // validate
            #expect(response.status == .ok)
            #expect(response.headers.contentType == .html)
            #expect(response.headers.first(name: .contentLanguage) == "pl")
            let html = response.text
            #expect(html.contains(#"<html lang="pl">"#))
            #expect(html.contains("Przejdź do treści"))
            #expect(html.contains("Dla wolontariuszy"))
            #expect(html.contains("Dla koordynatorów"))
            #expect(html.contains("Dla organizatorów wolontariatu"))
            #expect(html.contains("Dla otoczenia wolontariatu"))
            #expect(html.contains("<main id=\"main\""))
            #expect(html.contains("GeoNames"))
            #expect(!html.contains("home."), "no catalogue key left untranslated")
        }
    }

    @Test(arguments: [
        ("en-GB,en;q=0.9", "en", "For volunteers", "Skip to content"),
        ("uk-UA,uk;q=0.9", "uk", "Для волонтерів", "Перейти до змісту"),
        ("fr-FR", "pl", "Dla wolontariuszy", "Przejdź do treści"),
        (";;q=x,,", "pl", "Dla wolontariuszy", "Przejdź do treści"),
    ])
    func acceptLanguageChoosesTheLanguage(header: String, lang: String, heading: String, skip: String) async throws {
        try await withKorpus { app in
            let response = try await app.testing().sendRequest(.GET, "/", headers: .language(header))
            #expect(response.status == .ok)
            #expect(response.text.contains(#"<html lang="\#(lang)">"#))
            #expect(response.text.contains(heading))
            #expect(response.text.contains(skip))
        }
    }

    @Test func languageSwitchIsRememberedInACookie() async throws {
        try await withKorpus { app in
            // act
            let switched = try await app.testing().sendRequest(.GET, "/jezyk/uk?powrot=/miejscowosci%3Fq%3Dlodz")
            // validate
            #expect(switched.status == .seeOther)
            #expect(switched.headers.first(name: .location) == "/miejscowosci?q=lodz")
            let cookie = try #require(switched.headers.setCookie?[LanguageMiddleware.cookieName])
            #expect(cookie.string == "uk")
            // The cookie wins over Accept-Language.
            var headers = HTTPHeaders.language("en")
            headers.cookie = HTTPCookies(dictionaryLiteral: (LanguageMiddleware.cookieName, .init(string: "uk")))
            let page = try await app.testing().sendRequest(.GET, "/", headers: headers)
            #expect(page.text.contains(#"<html lang="uk">"#))
        }
    }

    @Test(arguments: ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"])
    func languageSwitchDoesNotRedirectElsewhere(target: String) async throws {
        try await withKorpus { app in
            let encoded = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let response = try await app.testing().sendRequest(.GET, "/jezyk/en?powrot=\(encoded)")
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/")
        }
    }

    @Test func unknownLanguageIsRefusedInTheCurrentLanguage() async throws {
        try await withKorpus { app in
            let response = try await app.testing().sendRequest(.GET, "/jezyk/xx", headers: .language("en"))
            #expect(response.status == .badRequest)
            #expect(response.text.contains("We do not know that language"))
            #expect(response.headers.setCookie?[LanguageMiddleware.cookieName] == nil)
        }
    }

    @Test func unknownCookieValueFallsBack() async throws {
        try await withKorpus { app in
            var headers = HTTPHeaders.language("en")
            headers.cookie = HTTPCookies(dictionaryLiteral: (LanguageMiddleware.cookieName, .init(string: "<script>")))
            let response = try await app.testing().sendRequest(.GET, "/", headers: headers)
            #expect(response.status == .ok)
            #expect(response.text.contains(#"<html lang="en">"#))
        }
    }

    @Test func languageLinksReturnToTheSamePage() async throws {
        try await withKorpus { app in
            let response = try await app.testing().sendRequest(.GET, "/miejscowosci?q=gdansk")
            #expect(response.text.contains(#"href="/jezyk/en?powrot=/miejscowosci%3Fq%3Dgdansk""#))
            #expect(response.text.contains(#"aria-current="page""#))
        }
    }

    @Test func securityHeadersOnEveryAnswer() async throws {
        try await withKorpus { app in
            for path in ["/", "/no-such-page", "/api/v1/no-such", "/css/korpus.css"] {
                let response = try await app.testing().sendRequest(.GET, path)
                let policy = response.headers.first(name: .contentSecurityPolicy) ?? ""
                #expect(policy.contains("script-src 'self'"), "\(path)")
                #expect(policy.contains("frame-ancestors 'none'"), "\(path)")
                #expect(!policy.contains("unsafe-inline"), "\(path)")
                #expect(response.headers.first(name: .xContentTypeOptions) == "nosniff", "\(path)")
                #expect(response.headers.first(name: "Referrer-Policy") != nil, "\(path)")
            }
        }
    }

    @Test func pagesHaveNoInlineScriptOrStyle() async throws {
        try await withKorpus { app in
            for path in ["/", "/miejscowosci?q=lodz", "/o-danych", "/nie-ma"] {
                let html = try await app.testing().sendRequest(.GET, path).text
                #expect(!html.contains("<script>"), "\(path)")
                #expect(!html.contains("style="), "\(path)")
                #expect(!html.contains("<style"), "\(path)")
                #expect(!html.contains("http://") && !html.contains("cdn"), "\(path) loads nothing from elsewhere")
            }
        }
    }

    @Test func aboutDataCreditsGeoNames() async throws {
        try await withKorpus { app in
            let response = try await app.testing().sendRequest(.GET, "/o-danych")
            #expect(response.status == .ok)
            #expect(response.text.contains("GeoNames"))
            #expect(response.text.contains("CC BY 4.0"))
            #expect(response.text.contains("3866"))
            #expect(response.text.contains("zachodniopomorskie"))
        }
    }

    @Test func staticFilesAreServed() async throws {
        try await withKorpus { app in
            let css = try await app.testing().sendRequest(.GET, "/css/korpus.css")
            #expect(css.status == .ok)
            #expect(css.text.contains(".skip-link"))
            let js = try await app.testing().sendRequest(.GET, "/js/korpus.js")
            #expect(js.status == .ok)
        }
    }
}

@Suite("Templates")
struct TemplateTests {
    /// Markup written in Swift (the search page's cards, the catalogue texts of `#t`) is escaped as Leaf
    /// escapes `#(…)`.
    /// A page's texts are put in place before Leaf parses it: escaped, a `#` kept as text, the layout it
    /// extends in the same language, computed and unknown keys left to the tag.
    @Test func templatesGetTheirTextsBeforeLeafParsesThem() {
        let texts = ["a": "Tom &amp; Jerry&#39;s #1", "b": "Szukaj"]
        let source = #"#extend("layout"):<h1>#t("a")</h1><p>#t("b") #t(item.key) #t("missing")</p>#extend("competences/result-body")"#
        #expect(LocalizedTemplates.localized(source, language: .en, texts: texts)
            == ##"#extend("en/layout"):<h1>Tom &amp; Jerry&\#39;s \#1</h1><p>Szukaj #t(item.key) #t("missing")</p>#extend("en/competences/result-body")"##)
    }

    @Test func swiftMarkupEscapesAsLeafDoes() {
        for text in ["", "Zwykły tekst", "<script>alert('x')</script>", "a & b \"c\" <d> 'e'", "&amp;", "Ж😀<ł>", "'\"'"] {
            #expect(HTMLText.escape(text) == text.htmlEscaped(), "\(text)")
        }
    }

    /// In Leaf, `#tag(…):` opens a block; a colon written right after an inline tag such as `#t("…")`
    /// breaks the page at render time. This finds every such slip in every template.
    @Test func noInlineTagIsFollowedByAColon() throws {
        let blockTags: Set<String> = ["if", "elseif", "for", "extend", "export", "import", "while"]
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Resources/Views").standardized
        let files = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".leaf") } ?? []
        #expect(files.count > 20)
        let pattern = try NSRegularExpression(pattern: #"#([A-Za-z]+)\((?:[^()]|\([^()]*\))*\):"#)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let name = String(text[Range(match.range(at: 1), in: text)!])
                #expect(blockTags.contains(name), "\(file): #\(name)(…): would open a block")
            }
        }
    }
}
