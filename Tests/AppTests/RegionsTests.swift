import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Regions and the locality picker")
struct RegionsTests {
    @Test func regionsAreLoadedByTheirMigration() async throws {
        try await withKorpus { app in
            let voivodeships = try await VoivodeshipRecord.query(on: app.db).count()
            let localities = try await LocalityRecord.query(on: app.db).count()
            #expect(voivodeships == 16)
            #expect(localities == 3866)
        }
    }

    @Test(arguments: [("lodz", "Łódź"), ("Łódź", "Łódź"), ("LODZ", "Łódź"), ("gdansk", "Gdańsk"), ("Gdańsk", "Gdańsk"), ("slupsk", "Słupsk"), ("zielona gora", "Zielona Góra")])
    func findsLocalitiesWhateverTheDiacritics(query: String, expected: String) async throws {
        try await withKorpus { app in
            // act
            let result = try await LocalityQuery.search(on: app.db, text: query, voivodeship: nil, limit: 5)
            // validate
            #expect(result.localities.first?.name == expected)
        }
    }

    @Test func findsAWordInsideTheName() async throws {
        try await withKorpus { app in
            let result = try await LocalityQuery.search(on: app.db, text: "gora", voivodeship: nil, limit: 50)
            let names = result.localities.map(\.name)
            #expect(names.contains("Jelenia Góra"))
            #expect(names.contains("Zielona Góra"))
            #expect(names.first == "Góra", "an exact name comes first")
        }
    }

    @Test func voivodeshipNarrowsTheSearch() async throws {
        try await withKorpus { app in
            let all = try await LocalityQuery.search(on: app.db, text: "nowy", voivodeship: nil, limit: 50)
            let malopolskie = try await LocalityQuery.search(on: app.db, text: "nowy", voivodeship: .malopolskie, limit: 50)
            #expect(malopolskie.total < all.total)
            #expect(malopolskie.localities.allSatisfy { $0.voivodeshipCode == "12" })
            #expect(malopolskie.localities.contains { $0.name == "Nowy Sącz" })
        }
    }

    @Test func searchPageWorksWithoutJavaScript() async throws {
        try await withKorpus { app in
            let response = try await app.testing().sendRequest(.GET, "/miejscowosci?q=lodz")
            #expect(response.status == .ok)
            #expect(response.text.contains("<th scope=\"row\">Łódź</th>"))
            #expect(response.text.contains("Znaleziono 3 miejscowości."))
            #expect(response.text.contains("639\u{00A0}890"))
            #expect(response.text.contains(#"value="lodz""#))
        }
    }

    @Test func searchPageInEnglish() async throws {
        try await withKorpus { app in
            let response = try await app.testing().sendRequest(.GET, "/miejscowosci?q=slupsk&wojewodztwo=22", headers: .language("en"))
            #expect(response.text.contains("1 locality found."))
            #expect(response.text.contains("Pomeranian"))
            #expect(response.text.contains(#"<option value="22" selected>"#))
        }
    }

    @Test func tooLongQueryIsRefusedClearly() async throws {
        try await withKorpus { app in
            let long = String(repeating: "a", count: 10_000)
            let page = try await app.testing().sendRequest(.GET, "/miejscowosci?q=\(long)")
            #expect(page.status == .badRequest)
            #expect(page.text.contains("Wpisz najwyżej 100 znaków."))
            #expect(page.text.contains(#"role="alert""#))
            let api = try await app.testing().sendRequest(.GET, "/api/v1/localities?q=\(long)", headers: .language("uk"))
            #expect(api.status == .badRequest)
            let problem = try JSONDecoder().decode(ProblemDocument.self, from: Data(api.text.utf8))
            #expect(problem.detail == "Введіть не більше 100 символів.")
        }
    }

    @Test(arguments: ["' OR 1=1 --", "\"; DROP TABLE localities; --", "%", "_", "<script>alert(1)</script>", "łódź%"])
    func hostileQueriesAreHarmless(query: String) async throws {
        try await withKorpus { app in
            let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let page = try await app.testing().sendRequest(.GET, "/miejscowosci?q=\(encoded)")
            #expect(page.status == .ok)
            #expect(!page.text.contains("<script>alert"))
            let api = try await app.testing().sendRequest(.GET, "/api/v1/localities?q=\(encoded)")
            #expect(api.status == .ok)
            let list = try JSONDecoder().decode(LocalitiesController.LocalityList.self, from: Data(api.text.utf8))
            #expect(list.total < 3866, "a wildcard is not a wildcard")
            #expect(try await LocalityRecord.query(on: app.db).count() == 3866)
        }
    }

    @Test func unknownVoivodeshipIsRefused() async throws {
        try await withKorpus { app in
            let page = try await app.testing().sendRequest(.GET, "/miejscowosci?q=lodz&wojewodztwo=99")
            #expect(page.status == .badRequest)
            #expect(page.text.contains("Nie ma takiego województwa"))
            let api = try await app.testing().sendRequest(.GET, "/api/v1/localities?q=lodz&voivodeship=abc")
            #expect(api.status == .badRequest)
        }
    }

    @Test func apiSuggestsLocalities() async throws {
        try await withKorpus { app in
            let response = try await app.testing().sendRequest(.GET, "/api/v1/localities?q=gdansk&limit=3")
            #expect(response.status == .ok)
            let list = try JSONDecoder().decode(LocalitiesController.LocalityList.self, from: Data(response.text.utf8))
            #expect(list.items.count == 3)
            #expect(list.items.first?.name == "Gdańsk")
            #expect(list.items.first?.voivodeship.code == "22")
            for limit in ["0", "51", "-1", "x", "1000000000"] {
                let bad = try await app.testing().sendRequest(.GET, "/api/v1/localities?q=gdansk&limit=\(limit)")
                #expect(bad.status == .badRequest, "limit=\(limit)")
            }
        }
    }

    @Test func apiListsVoivodeships() async throws {
        try await withKorpus { app in
            let response = try await app.testing().sendRequest(.GET, "/api/v1/voivodeships")
            let list = try JSONDecoder().decode([LocalitiesController.VoivodeshipDTO].self, from: Data(response.text.utf8))
            #expect(list.count == 16)
            #expect(list.first { $0.code == "10" }?.name == "łódzkie")
        }
    }
}
