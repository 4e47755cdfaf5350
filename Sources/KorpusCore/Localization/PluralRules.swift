/// CLDR plural categories used by the Korpus catalogues.
public enum PluralCategory: String, CaseIterable, Sendable, Codable {
    case one, few, many, other
}

/// Plural rules of the interface languages (CLDR), for whole numbers and for fractions.
public enum PluralRules {
    /// The categories a catalogue entry must provide for the language.
    public static func categories(for language: Language) -> [PluralCategory] {
        switch language {
        case .pl, .uk: [.one, .few, .many, .other]
        case .en: [.one, .other]
        }
    }

    /// The category for a whole number: pl 1 godzina, 2 godziny, 5 godzin, 22 godziny, 112 godzin.
    public static func category(for count: Int, in language: Language) -> PluralCategory {
        let n = count.magnitude
        let mod10 = n % 10
        let mod100 = n % 100
        switch language {
        case .en:
            return n == 1 ? .one : .other
        case .pl:
            if n == 1 { return .one }
            if (2...4).contains(mod10) && !(12...14).contains(mod100) { return .few }
            return .many
        case .uk:
            if mod10 == 1 && mod100 != 11 { return .one }
            if (2...4).contains(mod10) && !(12...14).contains(mod100) { return .few }
            return .many
        }
    }

    /// The category for a number that may have a fraction (1,5 godziny): fractions take `other` in
    /// Polish and Ukrainian, and `other` in English too.
    public static func category(for value: Double, in language: Language) -> PluralCategory {
        if value.rounded() == value, abs(value) < Double(Int.max) {
            return category(for: Int(value), in: language)
        }
        return .other
    }
}
