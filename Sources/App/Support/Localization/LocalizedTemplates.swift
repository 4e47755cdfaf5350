import Foundation
import KorpusCore
import Leaf
import LeafKit
import NIOCore

/// Templates with the interface texts already in place: "pl/offers/search" is the template "offers/search"
/// with every `#t("key")` replaced by its Polish text (escaped for HTML, as the tag would give it) and every
/// `#extend("name")` pointing at "pl/name". Leaf parses and keeps each language's copy once, so a page does
/// not look up fifty texts while it renders. `#t` with a computed key (`#t(problem.labelKey)`) stays a tag.
/// A name without a language is the template as written.
struct LocalizedTemplates: LeafSource {
    let files: any LeafSource
    /// Each language's texts, escaped (`TranslateTag.escapedTexts`).
    let texts: [Language: [String: String]]

    func file(template: String, escape: Bool, on eventLoop: any EventLoop) throws -> EventLoopFuture<ByteBuffer> {
        guard let slash = template.firstIndex(of: "/"), let language = Language(rawValue: String(template[..<slash])) else {
            return try files.file(template: template, escape: escape, on: eventLoop)
        }
        let texts = self.texts[language] ?? [:]
        return try files.file(template: String(template[template.index(after: slash)...]), escape: escape, on: eventLoop).map { buffer in
            ByteBuffer(string: Self.localized(String(buffer: buffer), language: language, texts: texts))
        }
    }

    private static let translation = try! NSRegularExpression(pattern: #"#t\("([^"]*)"\)"#)
    private static let extension_ = try! NSRegularExpression(pattern: #"#extend\("([^"]*)"\)"#)

    /// `source` with its literal `#t("key")`s replaced by `texts[key]` (a `#` in a text written `\#`, so Leaf
    /// reads it as text) and its `#extend("name")`s by `#extend("<language>/name")`.
    static func localized(_ source: String, language: Language, texts: [String: String]) -> String {
        var result = replacing(translation, in: source) { key in
            guard let text = texts[key] else { return nil }
            return text.replacingOccurrences(of: "#", with: "\\#")
        }
        result = replacing(extension_, in: result) { name in "#extend(\"\(language.rawValue)/\(name)\")" }
        return result
    }

    /// `text` with each match of `pattern` replaced by what `replacement` gives for its first group (left as it
    /// is when that is nil).
    private static func replacing(_ pattern: NSRegularExpression, in text: String, _ replacement: (String) -> String?) -> String {
        let whole = text as NSString
        var result = ""
        var copied = 0
        for match in pattern.matches(in: text, range: NSRange(location: 0, length: whole.length)) {
            guard let value = replacement(whole.substring(with: match.range(at: 1))) else { continue }
            result += whole.substring(with: NSRange(location: copied, length: match.range.location - copied))
            result += value
            copied = match.range.location + match.range.length
        }
        result += whole.substring(from: copied)
        return result
    }
}
