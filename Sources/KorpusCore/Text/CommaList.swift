/// Lists typed as text with commas ("cierpliwość, prawo jazdy"): skills, languages.
public enum CommaList {
    /// The items, trimmed of spaces and tabs, without empty ones.
    public static func items(_ text: String) -> [String] {
        text.split(separator: ",").compactMap { part in
            var item = part[...]
            while let first = item.first, isSpace(first) { item.removeFirst() }
            while let last = item.last, isSpace(last) { item.removeLast() }
            return item.isEmpty ? nil : String(item)
        }
    }

    /// A space or a tab, as `CharacterSet.whitespaces` has them.
    static func isSpace(_ character: Character) -> Bool {
        character.unicodeScalars.allSatisfy { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
    }
}
