import Foundation
import Testing

@testable import KorpusCore

@Suite("Plural rules")
struct PluralRulesTests {
    @Test(arguments: [
        (1, PluralCategory.one), (2, .few), (3, .few), (4, .few), (5, .many), (0, .many), (11, .many),
        (12, .many), (14, .many), (21, .many), (22, .few), (24, .few), (25, .many), (102, .few), (112, .many),
        (1001, .many),
    ])
    func polish(count: Int, expected: PluralCategory) {
        #expect(PluralRules.category(for: count, in: .pl) == expected)
    }

    @Test(arguments: [
        (1, PluralCategory.one), (21, .one), (101, .one), (11, .many), (2, .few), (22, .few), (12, .many),
        (5, .many), (0, .many), (111, .many),
    ])
    func ukrainian(count: Int, expected: PluralCategory) {
        #expect(PluralRules.category(for: count, in: .uk) == expected)
    }

    @Test func english() {
        #expect(PluralRules.category(for: 1, in: .en) == .one)
        #expect(PluralRules.category(for: 0, in: .en) == .other)
        #expect(PluralRules.category(for: 2, in: .en) == .other)
    }

    @Test func fractionsTakeOther() {
        #expect(PluralRules.category(for: 1.5, in: .pl) == .other)
        #expect(PluralRules.category(for: 2.0, in: .pl) == .few)
    }

    @Test func hoursInPolish() throws {
        let catalogue = try Catalogue.bundled(.pl)
        #expect(catalogue.plural("unit.hours", count: 1) == "1 godzina")
        #expect(catalogue.plural("unit.hours", count: 2) == "2 godziny")
        #expect(catalogue.plural("unit.hours", count: 5) == "5 godzin")
        #expect(catalogue.plural("unit.hours", count: 22) == "22 godziny")
        #expect(catalogue.plural("unit.hours", count: 12) == "12 godzin")
        #expect(catalogue.plural("unit.hours", value: 1.5) == "1,5 godziny")
        #expect(catalogue.plural("unit.hours", count: 12345) == "12\u{00A0}345 godzin")
    }

    @Test func hoursInUkrainianAndEnglish() throws {
        let uk = try Catalogue.bundled(.uk)
        #expect(uk.plural("unit.hours", count: 1) == "1 година")
        #expect(uk.plural("unit.hours", count: 21) == "21 година")
        #expect(uk.plural("unit.hours", count: 3) == "3 години")
        #expect(uk.plural("unit.hours", count: 11) == "11 годин")
        let en = try Catalogue.bundled(.en)
        #expect(en.plural("unit.hours", count: 1) == "1 hour")
        #expect(en.plural("unit.hours", count: 16) == "16 hours")
    }
}

@Suite("Language catalogues")
struct CatalogueTests {
    static let catalogues = Language.allCases.map { language in (language, try! Catalogue.bundled(language)) }

    @Test func everyKeyIsInEveryCatalogue() {
        let keySets = Self.catalogues.map { ($0.0, Set($0.1.entries.keys)) }
        let all = keySets.reduce(into: Set<String>()) { $0.formUnion($1.1) }
        for (language, keys) in keySets {
            let missing = all.subtracting(keys).sorted()
            #expect(missing.isEmpty, "\(language.rawValue) lacks \(missing)")
        }
    }

    @Test func pluralEntriesHaveTheirLanguagesForms() {
        for (language, catalogue) in Self.catalogues {
            #expect(catalogue.incompletePluralKeys().isEmpty, "\(language.rawValue): \(catalogue.incompletePluralKeys())")
        }
    }

    @Test func placeholdersAgreeAcrossLanguages() throws {
        func placeholders(_ entry: CatalogueEntry) -> Set<String> {
            let texts: [String]
            switch entry {
            case .text(let text): texts = [text]
            case .plural(let forms): texts = Array(forms.values)
            }
            var names = Set<String>()
            for text in texts {
                var rest = Substring(text)
                while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                    names.insert(String(rest[rest.index(after: open)..<close]))
                    rest = rest[rest.index(after: close)...]
                }
            }
            return names
        }
        let polish = try Catalogue.bundled(.pl)
        for (language, catalogue) in Self.catalogues where language != .pl {
            for (key, entry) in polish.entries {
                guard let other = catalogue.entries[key] else { continue }
                #expect(placeholders(entry) == placeholders(other), "\(language.rawValue) \(key)")
            }
        }
    }

    @Test func noTextIsEmpty() {
        for (language, catalogue) in Self.catalogues {
            for (key, entry) in catalogue.entries {
                if case .text(let text) = entry {
                    #expect(!text.trimmingCharacters(in: .whitespaces).isEmpty, "\(language.rawValue) \(key)")
                }
            }
        }
    }

    @Test func missingKeyShowsItself() throws {
        let catalogue = try Catalogue.bundled(.pl)
        #expect(catalogue.text("no.such.key") == "no.such.key")
    }

    @Test func malformedCatalogueIsRefused() {
        #expect(throws: (any Error).self) {
            try Catalogue(language: .pl, json: Data(#"{"a": {"several": "x"}}"#.utf8))
        }
    }
}

@Suite("Choosing a language")
struct LanguageTests {
    @Test(arguments: [
        ("pl-PL,pl;q=0.9,en;q=0.8", Language?.some(.pl)),
        ("en-GB,en;q=0.9", .en),
        ("de-DE, uk;q=0.5, en;q=0.4", .uk),
        ("uk-UA", .uk),
        ("fr-FR, de", nil),
        (";;;,q=abc", nil),
        ("pl;q=0, en", .en),
        ("en;q=2, uk;q=0.1", .uk),
        ("*", nil),
        ("", nil),
    ])
    func acceptLanguage(header: String, expected: Language?) {
        #expect(Language.preferred(fromAcceptLanguage: header) == expected)
    }

    @Test func oversizedHeaderIsIgnored() {
        #expect(Language.preferred(fromAcceptLanguage: String(repeating: "en,", count: 1000)) == nil)
    }

    @Test func codes() {
        #expect(Language(code: "EN") == .en)
        #expect(Language(code: "uk-UA") == .uk)
        #expect(Language(code: "xx") == nil)
        #expect(Language(code: "") == nil)
    }
}

@Suite("Numbers and dates for each language")
struct FormattingTests {
    @Test func numbers() {
        #expect(NumberFormat.integer(1000, in: .pl) == "1000")
        #expect(NumberFormat.integer(12345, in: .pl) == "12\u{00A0}345")
        #expect(NumberFormat.integer(1234567, in: .pl) == "1\u{00A0}234\u{00A0}567")
        #expect(NumberFormat.integer(1000, in: .uk) == "1\u{00A0}000")
        #expect(NumberFormat.integer(12345, in: .en) == "12,345")
        #expect(NumberFormat.integer(-5, in: .pl) == "−5")
        #expect(NumberFormat.decimal(1.5, fractionDigits: 2, in: .pl) == "1,5")
        #expect(NumberFormat.decimal(1.25, fractionDigits: 2, in: .en) == "1.25")
        #expect(NumberFormat.decimal(16, fractionDigits: 2, in: .pl) == "16")
        #expect(NumberFormat.decimal(0.05, fractionDigits: 2, in: .pl) == "0,05")
    }

    @Test func datesAreShownInWarsawTime() throws {
        // 23:30 UTC on 25 November is already 26 November in Warsaw (UTC+1).
        let lateEvening = Date(timeIntervalSince1970: 1_795_649_400)  // 2026-11-25T23:30:00Z
        #expect(DateFormat(catalogue: try .bundled(.pl)).longDate(lateEvening) == "26 listopada 2026")
        #expect(DateFormat(catalogue: try .bundled(.en)).longDate(lateEvening) == "26 November 2026")
        #expect(DateFormat(catalogue: try .bundled(.uk)).longDate(lateEvening) == "26 листопада 2026")
        #expect(DateFormat(catalogue: try .bundled(.pl)).shortDateTime(lateEvening) == "26.11.2026, 00:30")
        // Summer time: 22:30 UTC on 1 July is 00:30 on 2 July (UTC+2).
        let summer = Date(timeIntervalSince1970: 1_782_945_000)  // 2026-07-01T22:30:00Z
        #expect(DateFormat(catalogue: try .bundled(.pl)).shortDateTime(summer) == "02.07.2026, 00:30")
        #expect(DateFormat(catalogue: try .bundled(.pl)).longDay("1994-04-04") == "4 kwietnia 1994")
        #expect(DateFormat(catalogue: try .bundled(.uk)).longDay("1994-04-04") == "4 квітня 1994")
        #expect(DateFormat(catalogue: try .bundled(.pl)).longDay("garbage") == "garbage")
    }
}

@Suite("Filling catalogue texts")
struct CatalogueFillTests {
    @Test func placeholdersAreReplacedInOnePass() {
        #expect(Catalogue.fill("{matched} z {total} umiejętności", ["matched": "3", "total": "4"]) == "3 z 4 umiejętności")
        #expect(Catalogue.fill("Łódź: {km} km — {km}", ["km": "4"]) == "Łódź: 4 km — 4")
        #expect(Catalogue.fill("{unknown} i {a}", ["a": "ą"]) == "{unknown} i ą", "a placeholder without an argument stays")
        #expect(Catalogue.fill("{a}", ["a": "{b}", "b": "x"]) == "{b}", "a value is not read for placeholders")
        #expect(Catalogue.fill("bez nawiasów", ["a": "x"]) == "bez nawiasów")
        #expect(Catalogue.fill("{niedomknięty", ["niedomknięty": "x"]) == "{niedomknięty")
        #expect(Catalogue.fill("{a}{b}", ["a": "1", "b": "2"]) == "12")
    }
}
