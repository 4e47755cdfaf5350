import Foundation
import Testing

@testable import KorpusCore

@Suite("Registry numbers, passwords, e-mail addresses, ages")
struct AccountRulesTests {
    @Test func nip() {
        #expect(RegistryNumber.isValidNIP("1234563218"))
        #expect(RegistryNumber.isValidNIP("123-456-32-18"))
        #expect(RegistryNumber.isValidNIP("123 456 32 18"))
        #expect(!RegistryNumber.isValidNIP("1234563219"), "wrong check digit")
        #expect(!RegistryNumber.isValidNIP("123456321"), "too short")
        #expect(!RegistryNumber.isValidNIP("12345632181"), "too long")
        #expect(!RegistryNumber.isValidNIP("12345a3218"))
        #expect(!RegistryNumber.isValidNIP(""))
        #expect(RegistryNumber.normalised("123-456-32-18") == "1234563218")
    }

    @Test func regon() {
        #expect(RegistryNumber.isValidREGON("123456785"))
        #expect(!RegistryNumber.isValidREGON("123456786"))
        #expect(RegistryNumber.isValidREGON("12345678512347"))
        #expect(!RegistryNumber.isValidREGON("12345678512348"))
        #expect(!RegistryNumber.isValidREGON("12345678612347"), "the 9-digit prefix must be valid too")
        #expect(!RegistryNumber.isValidREGON("1234567"))
    }

    @Test func krs() {
        #expect(RegistryNumber.isValidKRS("0000123456"))
        #expect(!RegistryNumber.isValidKRS("0000000000"))
        #expect(!RegistryNumber.isValidKRS("123456"))
        #expect(!RegistryNumber.isValidKRS("00001234x6"))
    }

    @Test func passwords() {
        #expect(PasswordPolicy.problem(with: "krótkie") == .tooShort)
        #expect(PasswordPolicy.problem(with: String(repeating: "ź", count: 70)) == .tooLong)
        #expect(PasswordPolicy.problem(with: "qwertyuiop") == .common)
        #expect(PasswordPolicy.problem(with: "Kochanie123!") == .common, "a common word with digits added")
        #expect(PasswordPolicy.problem(with: "aaaaaaaaaaaa") == .common)
        #expect(PasswordPolicy.problem(with: "ala.nowak2024!", email: "ala.nowak@example.org") == .containsEmail)
        #expect(PasswordPolicy.problem(with: "zielone-jablko-nad-rzeka") == nil)
        #expect(PasswordPolicy.commonPasswords.count > 100)
    }

    @Test func emailAddresses() {
        #expect(EmailAddress.normalised("  Ala.Nowak@Example.ORG ") == "ala.nowak@example.org")
        #expect(EmailAddress.normalised("ala+korpus@example.org") == "ala+korpus@example.org")
        for bad in ["", "ala", "ala@", "@example.org", "ala@example", "ala@@example.org", "ala@exa mple.org", "a\nb@example.org",
                    "ala@.example.org", "ala@example..org", String(repeating: "a", count: 250) + "@x.pl", "<script>@x.pl"] {
            #expect(EmailAddress.normalised(bad) == nil, "\(bad)")
        }
    }

    @Test func ageBands() throws {
        #expect(AgeBand.of(age: 12) == .child)
        #expect(AgeBand.of(age: 13) == .minor)
        #expect(AgeBand.of(age: 17) == .minor)
        #expect(AgeBand.of(age: 18) == .adult)
        let birth = try #require(Age.parseDay("2008-11-26"))
        let day = Date(timeIntervalSince1970: 1_795_649_400)  // 2026-11-25T23:30Z = 26 November in Warsaw
        #expect(Age.years(bornOn: birth, on: day) == 18, "the birthday counts from midnight in Warsaw")
        #expect(Age.years(bornOn: birth, on: day.addingTimeInterval(-3600)) == 17)
        #expect(Age.parseDay("2023-02-29") == nil)
        #expect(Age.parseDay("2024-02-29") != nil)
        #expect(Age.parseDay("2000-02-29") != nil && Age.parseDay("2100-02-29") == nil, "the century rule")
        #expect(Age.parseDay("2026-04-31") == nil && Age.parseDay("2026-12-31") != nil)
        #expect(Age.parseDay("24-02-29") == nil)
        #expect(Age.parseDay("2024-13-01") == nil)
        #expect(Age.years(bornOn: try #require(Age.parseDay("2100-01-01")), on: day) == nil, "not born yet")
        // The arithmetic on days agrees with the calendar, birthdays and leap days included.
        for (born, now) in [("2008-11-26", day), ("2008-11-27", day), ("2004-02-29", day), ("1950-01-01", day.addingTimeInterval(-3600)),
                            ("2024-02-29", Date(timeIntervalSince1970: 1_835_395_200))] {
            let birth = try #require(Age.parseDay(born))
            #expect(Age.years(bornOn: birth, today: Age.today(now)) == Age.years(bornOn: birth, on: now), "\(born)")
        }
        #expect(Age.years(bornOn: try #require(Age.parseDay("2100-01-01")), today: Age.today(day)) == nil)
    }

    @Test func programmeDocumentsHaveEveryLanguage() {
        for kind in ProgrammeDocument.Kind.allCases {
            let document = ProgrammeDocument.current[kind]
            #expect(document != nil, "\(kind)")
            for language in Language.allCases {
                #expect(document?.body[language.rawValue]?.isEmpty == false, "\(kind) \(language)")
                #expect(document?.title[language.rawValue] != nil, "\(kind) \(language)")
            }
        }
    }

    @Test func mailMessagesAreValidMIME() {
        let message = MailMessage(
            from: "Korpus Solidarności <no-reply@korpus.local>", to: "ala@example.org", subject: "Zażółć gęślą jaźń",
            text: "Dzień dobry,\n\nłącze: https://korpus.local/x", html: "<p>Dzień dobry</p>", date: Date(timeIntervalSince1970: 0),
            messageID: "abc@korpus", language: .pl)
        let rendered = message.rendered()
        #expect(rendered.contains("Subject: =?utf-8?B?\(Data("Zażółć gęślą jaźń".utf8).base64EncodedString())?="))
        #expect(rendered.contains("From: =?utf-8?B?"))
        #expect(rendered.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(rendered.contains("multipart/alternative"))
        #expect(rendered.components(separatedBy: "\r\n").allSatisfy { $0.count <= 998 })
        let injected = MailMessage(from: "a@b.pl", to: "x@y.pl\r\nBcc: evil@z.pl", subject: "Hi\r\nBcc: evil@z.pl", text: "", html: "",
                                   date: Date(), messageID: "m@k", language: .en).rendered()
        #expect(!injected.contains("\r\nBcc:"), "no header can be injected")
        #expect(HTMLText.escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    }
}
