/// The interface languages of Korpus. Polish comes first and is the default.
public enum Language: String, CaseIterable, Sendable, Codable {
    case pl
    case en
    case uk

    public static let `default`: Language = .pl

    /// The language's own name, as shown in the language switcher.
    public var endonym: String {
        switch self {
        case .pl: "Polski"
        case .en: "English"
        case .uk: "Українська"
        }
    }

    /// Parses a language code such as "pl", "en-GB" or "UK" (case-insensitive, region ignored).
    public init?(code: String) {
        let trimmed = code.trimmingCharacters(in: " \t")
        guard !trimmed.isEmpty, trimmed.count <= 35 else { return nil }
        let primary = trimmed.split(separator: "-", maxSplits: 1).first.map(String.init) ?? trimmed
        self.init(rawValue: primary.lowercased())
    }

    /// Picks the best supported language from an Accept-Language header (RFC 9110 §12.5.4).
    /// Malformed entries are skipped; `nil` when nothing supported is asked for.
    public static func preferred(fromAcceptLanguage header: String) -> Language? {
        guard header.utf8.count <= 1024 else { return nil }
        var best: (language: Language, quality: Double, order: Int)?
        for (order, entry) in header.split(separator: ",").enumerated() {
            let parts = entry.split(separator: ";")
            guard let tag = parts.first, let language = Language(code: String(tag)) else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmingCharacters(in: " ") == "q" else { continue }
                guard let q = Double(pair[1].trimmingCharacters(in: " ")), q >= 0, q <= 1 else {
                    quality = -1
                    break
                }
                quality = q
            }
            guard quality > 0 else { continue }
            if let current = best, current.quality >= quality { continue }
            best = (language, quality, order)
        }
        return best?.language
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in characters: String) -> String {
        let set = Set(characters)
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
