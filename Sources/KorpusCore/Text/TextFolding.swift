/// Folds text for diacritic-insensitive search: lower case, Polish (and other Latin) diacritics removed,
/// including ł/Ł, which has no Unicode decomposition and so survives FTS5's `remove_diacritics` and
/// Foundation's diacritic folding alike. "Łódź" and "LODZ" both fold to "lodz".
public enum TextFolding {
    public static func fold(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars {
            if scalar.isASCII {
                result.append(scalar)
                continue
            }
            for part in decomposition(scalar) {
                if let replacement = replacements[part] {
                    result.append(contentsOf: replacement.unicodeScalars)
                } else if !isCombiningMark(part) {
                    result.append(part)
                }
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

extension TextFolding {
    /// The decompositions of U+00C0…U+024F, worked out once: `decompose` reads Unicode names, which is slow.
    private static let latinDecompositions: [[Unicode.Scalar]] = (0xC0...0x24F).map { value in
        Unicode.Scalar(value).map(decompose) ?? []
    }

    /// Canonical decomposition (NFD) without Foundation, so ą becomes a + U+0328, from the table.
    static func decomposition(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        guard scalar.value >= 0xC0, scalar.value <= 0x24F else { return [scalar] }
        return latinDecompositions[Int(scalar.value) - 0xC0]
    }

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
