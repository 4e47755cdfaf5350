/// Folds text for diacritic-insensitive search: lower case, Polish (and other Latin) diacritics removed,
/// including ł/Ł, which has no Unicode decomposition and so survives FTS5's `remove_diacritics` and
/// Foundation's diacritic folding alike. "Łódź" and "LODZ" both fold to "lodz".
public enum TextFolding {
    public static func fold(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.lowercased().decomposedScalars() {
            if let replacement = replacements[scalar] {
                result.append(contentsOf: replacement.unicodeScalars)
            } else if !isCombiningMark(scalar) {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Letters that Unicode does not decompose into a base letter and a combining mark.
    private static let replacements: [Unicode.Scalar: String] = [
        "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i",
    ]

    private static func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }
}

extension String {
    /// Canonical decomposition (NFD) without Foundation, so ą becomes a + U+0328.
    fileprivate func decomposedScalars() -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        for character in self {
            for scalar in character.unicodeScalars {
                scalars.append(contentsOf: TextFolding.decompose(scalar))
            }
        }
        return scalars
    }
}

extension TextFolding {
    /// Decomposes a precomposed Latin letter into base letter and marks. The standard library has no
    /// public NFD, so the Latin-1 Supplement and Latin Extended-A letters are mapped by their names,
    /// e.g. "LATIN SMALL LETTER A WITH OGONEK" → "a".
    static func decompose(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        guard scalar.value >= 0xC0, scalar.value <= 0x24F, let name = scalar.properties.name else {
            return [scalar]
        }
        // "LATIN SMALL LETTER A WITH OGONEK", "LATIN CAPITAL LETTER Z WITH DOT ABOVE"
        let prefixes = ["LATIN SMALL LETTER ", "LATIN CAPITAL LETTER "]
        for prefix in prefixes where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let withRange = rest.range(of: " WITH ") else { return [scalar] }
            let base = rest[rest.startIndex..<withRange.lowerBound]
            guard base.count == 1, let letter = base.first, letter.isLetter else { return [scalar] }
            let lower = prefix.hasPrefix("LATIN SMALL") ? String(letter).lowercased() : String(letter)
            return Array(lower.unicodeScalars)
        }
        return [scalar]
    }
}
