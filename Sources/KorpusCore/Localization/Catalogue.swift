import Foundation

/// One entry of a language catalogue: a plain text or a set of plural forms.
public enum CatalogueEntry: Sendable, Equatable, Decodable {
    case text(String)
    case plural([PluralCategory: String])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
            return
        }
        let forms = try container.decode([String: String].self)
        var plural: [PluralCategory: String] = [:]
        for (key, value) in forms {
            guard let category = PluralCategory(rawValue: key) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "unknown plural category \(key)")
            }
            plural[category] = value
        }
        self = .plural(plural)
    }
}

/// All interface text of one language, loaded from `Catalogues/<code>.json`.
///
/// Texts may hold placeholders in braces, `{count}` or `{name}`, filled by `text(_:_:)`.
public struct Catalogue: Sendable {
    public let language: Language
    public let entries: [String: CatalogueEntry]

    public init(language: Language, entries: [String: CatalogueEntry]) {
        self.language = language
        self.entries = entries
    }

    public init(language: Language, json: Data) throws {
        self.init(language: language, entries: try JSONDecoder().decode([String: CatalogueEntry].self, from: json))
    }

    /// The catalogue shipped with Korpus for the language.
    public static func bundled(_ language: Language) throws -> Catalogue {
        guard let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json", subdirectory: "Catalogues")
            ?? Bundle.module.url(forResource: language.rawValue, withExtension: "json")
        else {
            throw CatalogueError.missing(language)
        }
        return try Catalogue(language: language, json: Data(contentsOf: url))
    }

    /// The text for a key, with placeholders filled. A missing key shows itself, so it is noticed.
    public func text(_ key: String, _ arguments: [String: String] = [:]) -> String {
        switch entries[key] {
        case .text(let text): return Self.fill(text, arguments)
        case .plural(let forms): return Self.fill(forms[.other] ?? key, arguments)
        case nil: return key
        }
    }

    /// The plural form for `count`, with `{count}` formatted for the language.
    public func plural(_ key: String, count: Int, _ arguments: [String: String] = [:]) -> String {
        guard case .plural(let forms) = entries[key] else { return text(key, arguments) }
        let category = PluralRules.category(for: count, in: language)
        let form = forms[category] ?? forms[.other] ?? key
        var filled = arguments
        filled["count"] = NumberFormat.integer(count, in: language)
        return Self.fill(form, filled)
    }

    /// The plural form for a value with a fraction, e.g. 1,5 godziny.
    public func plural(_ key: String, value: Double, fractionDigits: Int = 2, _ arguments: [String: String] = [:]) -> String {
        guard case .plural(let forms) = entries[key] else { return text(key, arguments) }
        let category = PluralRules.category(for: value, in: language)
        let form = forms[category] ?? forms[.other] ?? key
        var filled = arguments
        filled["count"] = NumberFormat.decimal(value, fractionDigits: fractionDigits, in: language)
        return Self.fill(form, filled)
    }

    /// Keys whose entries lack a plural category the language needs.
    public func incompletePluralKeys() -> [String] {
        let required = Set(PluralRules.categories(for: language))
        return entries.compactMap { key, entry in
            if case .plural(let forms) = entry, !required.isSubset(of: Set(forms.keys)) { return key }
            return nil
        }.sorted()
    }

    /// The template with each `{name}` of `arguments` replaced by its value, in one pass (a value is never
    /// read for placeholders itself); a `{name}` without an argument stays as written.
    static func fill(_ template: String, _ arguments: [String: String]) -> String {
        guard !arguments.isEmpty else { return template }
        let utf8 = template.utf8
        guard var open = utf8.firstIndex(of: UInt8(ascii: "{")) else { return template }
        var result = ""
        result.reserveCapacity(utf8.count + 16)
        var copied = utf8.startIndex
        while true {
            guard let close = utf8[open...].firstIndex(of: UInt8(ascii: "}")) else { break }
            let name = String(Substring(utf8[utf8.index(after: open)..<close]))
            if let value = arguments[name] {
                result += Substring(utf8[copied..<open])
                result += value
                copied = utf8.index(after: close)
            }
            guard let next = utf8[utf8.index(after: open)...].firstIndex(of: UInt8(ascii: "{")) else { break }
            open = next
        }
        result += Substring(utf8[copied...])
        return result
    }
}

public enum CatalogueError: Error, Equatable {
    case missing(Language)
}

/// The three catalogues, loaded once.
public struct Catalogues: Sendable {
    private let byLanguage: [Language: Catalogue]

    public init(_ catalogues: [Catalogue]) {
        var map: [Language: Catalogue] = [:]
        for catalogue in catalogues { map[catalogue.language] = catalogue }
        self.byLanguage = map
    }

    public static func bundled() throws -> Catalogues {
        try Catalogues(Language.allCases.map(Catalogue.bundled))
    }

    public subscript(language: Language) -> Catalogue {
        byLanguage[language] ?? byLanguage[.default] ?? Catalogue(language: language, entries: [:])
    }
}
