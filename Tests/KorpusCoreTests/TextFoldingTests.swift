import Testing

@testable import KorpusCore

@Suite("Folding text for diacritic-insensitive search")
struct TextFoldingTests {
    @Test(arguments: [
        ("Łódź", "lodz"), ("ŁÓDŹ", "lodz"), ("Gdańsk", "gdansk"), ("Zażółć gęślą jaźń", "zazolc gesla jazn"),
        ("Świętokrzyskie", "swietokrzyskie"), ("Bielsko-Biała", "bielsko-biala"), ("Straße", "strasse"),
        ("lodz", "lodz"), ("", ""), ("Київ", "київ"),
    ])
    func folds(input: String, expected: String) {
        #expect(TextFolding.fold(input) == expected)
    }

    @Test func foldingIsIdempotent() {
        let once = TextFolding.fold("Żółte źdźbła w Łańcucie")
        #expect(TextFolding.fold(once) == once)
        #expect(once == "zolte zdzbla w lancucie")
    }

    @Test func combiningMarksAreDropped() {
        // "ą" written as a + combining ogonek, as some keyboards and pasted text produce it.
        #expect(TextFolding.fold("a\u{0328}") == "a")
    }
}
