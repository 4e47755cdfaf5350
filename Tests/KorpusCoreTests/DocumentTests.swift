import Foundation
import Testing

@testable import KorpusCore

/// Documents: the PDF writer, the sealed verification codes, and what the law asks of an agreement.
@Suite("Documents: PDF, seals and agreements")
struct DocumentTests {
    // MARK: PDF

    @Test func polishLettersHaveCodesOfTheirOwnAndOtherLettersFallBack() {
        let encoded = PDFFont.encode("Zażółć gęślą jaźń ĄĆĘŁŃÓŚŹŻ")
        #expect(!encoded.contains(UInt8(ascii: "?")))
        #expect(Set(encoded).count == Set("Zażółć gęślą jaźń ĄĆĘŁŃÓŚŹŻ").count, "every letter its own code")
        #expect(PDFFont.encode("ł") == [184] && PDFFont.encode("Ó") == [211] && PDFFont.encode("„cytat”") == [132] + Array("cytat".utf8) + [148])
        #expect(PDFFont.encode("Olena Шевченко") == Array("Olena Shevchenko".utf8))
        #expect(PDFFont.encode("Dvořák") == Array("Dvor".utf8) + [225, UInt8(ascii: "k")], "ř is not in the encoding: its base letter; á is")
        #expect(PDFFont.encode("日本") == Array("??".utf8))
        // The widths of the Polish letters are those of their base letters.
        #expect(PDFFont.regular.width(of: 184) == PDFFont.regular.width(of: UInt8(ascii: "l")))
        #expect(PDFFont.bold.width(of: 129) == PDFFont.bold.width(of: UInt8(ascii: "A")))
    }

    @Test func linesAreWrappedWithinTheTextWidthAndLongWordsCut() {
        let words = String(repeating: "świadczenie wolontariackie ", count: 40)
        let lines = PDFDocument.wrap(PDFDocument.Block(runs: [.init(words)], size: 10.5, spaceBefore: 0), width: 300)
        #expect(lines.count > 5)
        for line in lines {
            let width = line.reduce(0.0) { max($0, $1.x + $1.font.width(of: $1.codes, size: 10.5)) }
            #expect(width <= 300.01)
        }
        let long = PDFDocument.wrap(PDFDocument.Block(runs: [.init(String(repeating: "x", count: 400))], size: 10, spaceBefore: 0), width: 200)
        #expect(long.count >= 7 && long.allSatisfy { $0.count == 1 })
        let broken = PDFDocument.wrap(PDFDocument.Block(runs: [.init("jeden\n\ndwa")], size: 10, spaceBefore: 0), width: 200)
        #expect(broken.count == 3 && broken[1].isEmpty)
        let labelled = PDFDocument.wrap(PDFDocument.Block(runs: [.init("Zakres: ", font: .bold), .init("pomoc")], size: 10, spaceBefore: 0), width: 400)
        #expect(labelled.count == 1 && labelled[0].map(\.font) == [.bold, .regular] && labelled[0][1].x > 0)
    }

    @Test func aDocumentIsAWellFormedPDFWhoseOffsetsPointAtItsObjects() throws {
        var document = PDFDocument(title: "Zaświadczenie")
        document.heading("Zaświadczenie (próba)")
        for index in 1...120 { document.paragraph("Akapit \(index): zażółć gęślą jaźń.") }
        document.footer = ["Kod weryfikacyjny: ABC"]
        let bytes = document.bytes(created: Date(timeIntervalSince1970: 0))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("%PDF-1.4") && text.hasSuffix("%%EOF\n"))
        #expect(bytes.allSatisfy { $0 < 128 } == false, "the binary comment marks it as binary")
        #expect(document.pages().count >= 3, "120 paragraphs take several pages")
        #expect(text.contains("/Count \(document.pages().count)"))
        #expect(text.contains("(Za\\274wiadczenie \\(pr\\363ba\\)) Tj"), "ś as its code in octal, parentheses escaped")
        // Each xref entry points at "n 0 obj".
        let startxref = try #require(text.components(separatedBy: "startxref\n").last?.split(separator: "\n").first.flatMap { Int($0) })
        let table = String(decoding: bytes[startxref...], as: UTF8.self).split(separator: "\n")
        let count = try #require(Int(table[1].split(separator: " ")[1]))
        for object in 1..<count {
            let offset = try #require(Int(table[2 + object].prefix(10)))
            #expect(String(decoding: bytes[offset..<(offset + 12)], as: UTF8.self).hasPrefix("\(object) 0 obj"), "object \(object)")
        }
        #expect(text.contains("/CreationDate (D:19700101000000Z)"))
        #expect(PDFDocument.textString("Łódź") == "<FEFF014100F30064017A>")
    }

    // MARK: Seals

    @Test func aCodeVerifiesOnlyWithItsKeyAndFactsAndAnyChangedCharacterFails() throws {
        let seal = try DocumentSeal(secret: DocumentSeal.newSecret())
        let id = UUID()
        let facts = ["Anna Kowalska", "Fundacja Pomocna Dłoń", "2026-07-01", "2026-11-26", "305"]
        let code = try seal.code(kind: .certificate, id: id, facts: facts)
        #expect(code.count == 108)
        let claim = try #require(DocumentSeal.claim(of: code))
        #expect(claim.kind == .certificate && claim.id == id)
        #expect(seal.verifies(claim, facts: facts))
        #expect(!seal.verifies(claim, facts: ["Anna Kowalska", "Fundacja Pomocna Dłoń", "2026-07-01", "2026-11-26", "306"]))
        #expect(!(try DocumentSeal(secret: DocumentSeal.newSecret())).verifies(claim, facts: facts), "another installation's key")
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for position in 0..<code.count {
            var characters = Array(code)
            characters[position] = alphabet[(alphabet.firstIndex(of: characters[position])! + 1) % alphabet.count]
            let changed = DocumentSeal.claim(of: String(characters))
            #expect(changed.map { !seal.verifies($0, facts: facts) } ?? true, "position \(position)")
        }
        #expect(DocumentSeal.claim(of: "") == nil && DocumentSeal.claim(of: code + "A") == nil && DocumentSeal.claim(of: String(code.dropLast()) + "=") == nil)
        #expect(throws: DocumentSeal.SealError.malformedKey) { try DocumentSeal(secret: Data([1, 2, 3])) }
    }

    // MARK: Agreements

    static let catalogue = try! Catalogue.bundled(.pl)

    func terms(startsOn: String = "2026-11-01", endsOn: String? = "2026-11-30", band: AgeBand = .adult) -> AgreementTerms {
        AgreementTerms(number: "AB12CD34/2026", version: 1, organisationName: "Fundacja Pomocna Dłoń", organisationAddress: "ul. Długa 12, 80-831 Gdańsk",
                       volunteerName: "Anna Kowalska", volunteerBand: band, scope: "Pomoc seniorom.", manner: "Osobiście.", place: "Gdańsk",
                       startsOn: startsOn, endsOn: endsOn, termination: "Z tygodniowym wypowiedzeniem.", risks: "Brak szczególnych.",
                       reimbursesCosts: true, rightsAndDuties: "Zgodnie z ustawą.")
    }

    @Test func theWrittenFormIsRequiredAboveThirtyDaysAndTheOrganisationInsuresUpToThirty() {
        #expect(AgreementRules.days(from: "2026-11-01", to: "2026-11-30") == 30)
        #expect(AgreementRules.days(from: "2026-02-01", to: "2026-03-02") == 30, "across a short February")
        #expect(AgreementRules.days(from: "2028-02-01", to: "2028-03-01") == 30, "across a leap February")
        #expect(AgreementRules.days(from: "2026-12-31", to: "2027-01-01") == 2)
        #expect(!AgreementRules.writtenFormRequired(startsOn: "2026-11-01", endsOn: "2026-11-30"))
        #expect(AgreementRules.writtenFormRequired(startsOn: "2026-11-01", endsOn: "2026-12-01"))
        #expect(AgreementRules.writtenFormRequired(startsOn: "2026-11-01", endsOn: nil), "no last day: written")
        #expect(AgreementRules.organisationInsures(startsOn: "2026-11-01", endsOn: "2026-11-30"))
        #expect(!AgreementRules.organisationInsures(startsOn: "2026-11-01", endsOn: "2026-12-01"))
        #expect(!AgreementRules.organisationInsures(startsOn: "2026-11-01", endsOn: nil))
    }

    @Test func whoConcludesTheAgreementFollowsTheAgeBand() {
        #expect(AgreementRules.parties(for: .adult) == [.volunteer, .organisation])
        #expect(AgreementRules.parties(for: .minor) == [.volunteer, .guardian, .organisation])
        #expect(AgreementRules.parties(for: .child) == [.guardian, .organisation])
    }

    @Test func theAgreementStatesWhatArticles44To47Require() {
        let short = AgreementDocument(terms(), catalogue: Self.catalogue)
        #expect(short.title == "Porozumienie wolontariackie nr AB12CD34/2026 (wersja 1)")
        #expect(short.sections.map(\.heading) == [
            "§ 1. Zakres świadczeń", "§ 2. Sposób wykonywania świadczeń", "§ 3. Czas wykonywania świadczeń",
            "§ 4. Bezpieczeństwo i higiena (art. 45)", "§ 5. Koszty (art. 45)", "§ 6. Ubezpieczenie (art. 46)",
            "§ 7. Prawa i obowiązki (art. 47)", "§ 8. Rozwiązanie porozumienia", "§ 9. Forma porozumienia",
        ])
        #expect(short.text.contains("Od 1 listopada 2026 do 30 listopada 2026.") && short.text.contains("Korzystający ubezpiecza Wolontariusza"))
        #expect(short.text.contains("akceptację jego treści w systemie Korpus"))
        let long = AgreementDocument(terms(endsOn: nil, band: .minor), catalogue: Self.catalogue)
        #expect(long.text.contains("na czas nieokreślony") && long.text.contains("wymaga formy pisemnej") && long.text.contains("zaopatrzenie z tytułu wypadków"))
        #expect(long.text.contains("akceptacji przedstawiciela ustawowego"))
        let child = AgreementDocument(terms(band: .child), catalogue: Self.catalogue)
        #expect(child.preamble.contains("w imieniu dziecka działa przedstawiciel ustawowy") && child.text.contains("nie ukończył 13 lat"))
        var waived = terms()
        waived.reimbursesCosts = false
        #expect(AgreementDocument(waived, catalogue: Self.catalogue).text.contains("zwalnia Korzystającego"))
        // The same terms give the same text, so its hash identifies exactly what was accepted.
        #expect(TextDigest.sha256(short.text) == TextDigest.sha256(AgreementDocument(terms(), catalogue: Self.catalogue).text))
        #expect(TextDigest.sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
