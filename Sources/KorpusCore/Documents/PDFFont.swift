import Foundation

/// The two faces documents are set in: the standard PDF fonts Helvetica and Helvetica-Bold, which every
/// reader has, with an encoding whose `/Differences` give sixteen byte codes to the Polish letters that
/// WinAnsiEncoding lacks (ą ć ę ł ń ś ź ż and their capitals; ó is already in it). Text extraction maps the
/// glyph names back to Unicode, so `pdftotext` reads "Zażółć gęślą jaźń" exactly.
public enum PDFFont: Sendable, CaseIterable {
    case regular, bold

    var baseFont: String { self == .regular ? "Helvetica" : "Helvetica-Bold" }
    var resourceName: String { self == .regular ? "F1" : "F2" }

    /// The advance of a byte code in thousandths of the font size.
    func width(of code: UInt8) -> Int {
        guard code >= 32 else { return 0 }
        let table = self == .regular ? Self.regularWidths : Self.boldWidths
        return table[Int(code) - 32]
    }

    /// The width of encoded text in points at `size`.
    func width(of codes: [UInt8], size: Double) -> Double {
        Double(codes.reduce(0) { $0 + width(of: $1) }) * size / 1000
    }

    /// The byte codes given to the Polish letters, in the order of `polishGlyphs`.
    static let polishCodes: [UInt8] = [129, 141, 143, 144, 157, 164, 166, 168, 172, 175, 180, 184, 185, 188, 189, 190]
    static let polishGlyphs = [
        "Aogonek", "Cacute", "Eogonek", "Lslash", "Nacute", "Sacute", "Zacute", "Zdotaccent",
        "aogonek", "cacute", "eogonek", "lslash", "nacute", "sacute", "zacute", "zdotaccent",
    ]
    static let polishLetters: [Unicode.Scalar] = ["Ą", "Ć", "Ę", "Ł", "Ń", "Ś", "Ź", "Ż", "ą", "ć", "ę", "ł", "ń", "ś", "ź", "ż"]

    /// The encoding dictionary both faces share.
    static var encodingDictionary: String {
        let differences = zip(polishCodes, polishGlyphs).map { "\($0) /\($1)" }.joined(separator: " ")
        return "<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [\(differences)] >>"
    }

    /// WinAnsiEncoding's codes 128–159, which are not Latin-1.
    private static let winAnsiSpecials: [UInt32: UInt8] = [
        0x20AC: 128, 0x201A: 130, 0x0192: 131, 0x201E: 132, 0x2026: 133, 0x2020: 134, 0x2021: 135, 0x02C6: 136,
        0x2030: 137, 0x0160: 138, 0x2039: 139, 0x0152: 140, 0x017D: 142, 0x2018: 145, 0x2019: 146, 0x201C: 147,
        0x201D: 148, 0x2022: 149, 0x2013: 150, 0x2014: 151, 0x02DC: 152, 0x2122: 153, 0x0161: 154, 0x203A: 155,
        0x0153: 156, 0x017E: 158, 0x0178: 159,
    ]

    private static let encoded: [UInt32: UInt8] = {
        var map = winAnsiSpecials
        for code in 0xA0...0xFF where !polishCodes.contains(UInt8(code)) { map[UInt32(code)] = UInt8(code) }
        for (letter, code) in zip(polishLetters, polishCodes) { map[letter.value] = code }
        return map
    }()

    /// Ukrainian letters in the national Latin transliteration (2010), for names written in Cyrillic: the
    /// standard fonts have no Cyrillic glyphs.
    private static let transliteration: [Character: String] = [
        "А": "A", "Б": "B", "В": "V", "Г": "H", "Ґ": "G", "Д": "D", "Е": "E", "Є": "Ye", "Ж": "Zh", "З": "Z",
        "И": "Y", "І": "I", "Ї": "Yi", "Й": "Y", "К": "K", "Л": "L", "М": "M", "Н": "N", "О": "O", "П": "P",
        "Р": "R", "С": "S", "Т": "T", "У": "U", "Ф": "F", "Х": "Kh", "Ц": "Ts", "Ч": "Ch", "Ш": "Sh", "Щ": "Shch",
        "Ь": "", "Ю": "Yu", "Я": "Ya", "Ы": "Y", "Э": "E", "Ё": "Yo", "Ъ": "",
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
        "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
        "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
        "ь": "", "ю": "iu", "я": "ia", "ы": "y", "э": "e", "ё": "io", "ъ": "", "ʼ": "", "’": "’",
    ]

    /// Text as byte codes of the document encoding. Letters outside it are written as their base letter
    /// (é → e when é is missing), Cyrillic in transliteration, anything else as "?".
    public static func encode(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for character in text {
            if let replacement = transliteration[character], replacement != String(character) {
                bytes += replacement.unicodeScalars.compactMap { encodeScalar($0) }
                continue
            }
            for scalar in character.unicodeScalars {
                if let code = encodeScalar(scalar) {
                    bytes.append(code)
                } else if let base = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.first,
                    base != scalar, let code = encodeScalar(base)
                {
                    bytes.append(code)
                } else if scalar.properties.generalCategory == .nonspacingMark {
                    continue
                } else {
                    bytes.append(UInt8(ascii: "?"))
                }
            }
        }
        return bytes
    }

    private static func encodeScalar(_ scalar: Unicode.Scalar) -> UInt8? {
        switch scalar.value {
        case 0x20...0x7E: UInt8(scalar.value)
        case 0x09, 0x0A, 0x0D: UInt8(ascii: " ")
        default: encoded[scalar.value]
        }
    }

    /// Advances of byte codes 32–255 (thousandths of the size), from Adobe's published Helvetica metrics
    /// for WinAnsiEncoding, with the Polish letters at their codes.
    static let regularWidths: [Int] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 584, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
        1010, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
        556, 667, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 722, 611, 667,
        556, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 722, 500, 667,
        278, 333, 556, 556, 667, 556, 611, 556, 611, 737, 370, 556, 556, 333, 737, 500,
        400, 584, 333, 333, 556, 556, 537, 278, 222, 556, 365, 556, 500, 500, 500, 611,
        667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
        722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
        556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
    ]

    static let boldWidths: [Int] = [
        278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 584, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
        975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
        333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
        611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,
        556, 722, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 722, 611, 667,
        611, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 722, 500, 667,
        278, 333, 556, 556, 667, 556, 611, 556, 611, 737, 370, 556, 556, 333, 737, 556,
        400, 584, 333, 333, 556, 611, 556, 278, 278, 611, 365, 556, 556, 500, 500, 611,
        722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
        722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
        556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
        611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
    ]
}
