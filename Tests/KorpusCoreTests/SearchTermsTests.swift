import Testing

@testable import KorpusCore

@Suite("Search words and weekly slots")
struct SearchTermsTests {
    @Test func wordsAreFoldedStemmedAndLimited() {
        #expect(SearchTerms.terms("Seniorów") == ["senior"])
        #expect(SearchTerms.terms("seniorom") == ["senior"])
        #expect(SearchTerms.terms("seniorami, SENIOR") == ["senior"])
        #expect(SearchTerms.terms("Łódź") == ["lodz"])
        #expect(SearchTerms.terms("psy") == ["psy"], "short words keep their ending")
        #expect(SearchTerms.terms("' OR 1=1 --") == ["or"], "only letters and digits survive")
        #expect(SearchTerms.terms("a") == [])
        #expect(SearchTerms.terms(String(repeating: "słowo ", count: 50) + "inne").count <= SearchTerms.maximumTerms)
        #expect(SearchTerms.terms("jeden dwa trzy cztery piec szesc siedem osiem dziewiec dziesiec").count == 8)
        #expect(SearchTerms.document(["Pomoc seniorom!", "Łódź"]) == "pomoc seniorom lodz")
    }

    @Test func weeklySlots() {
        #expect(WeeklySlot(code: "tue-afternoon") == WeeklySlot(day: .tue, part: .afternoon))
        #expect(WeeklySlot(code: "tuesday-noon") == nil)
        #expect(WeeklySlot.list("wed-evening,mon-morning,bogus,mon-morning").map(\.code) == ["mon-morning", "wed-evening"])
        #expect(WeeklySlot.code(of: [WeeklySlot(day: .sun, part: .evening), WeeklySlot(day: .mon, part: .morning)]) == "mon-morning,sun-evening")
        #expect(WeeklySlot.all.count == 21)
    }
}

@Suite("Place words of the search index")
struct PlaceWordsTests {
    @Test func cellsCoverTheCircle() throws {
        // Warsaw and a place 20 km east of it: the cells around Warsaw for 25 km hold both.
        let warsaw = PlaceWords.cell(latitude: 52.2298, longitude: 21.0118)
        let east = PlaceWords.cell(latitude: 52.2298, longitude: 21.3050)
        let cells = try #require(PlaceWords.cells(aroundLatitude: 52.2298, longitude: 21.0118, kilometres: 25))
        #expect(cells.contains(warsaw))
        #expect(cells.contains(east))
        #expect(!cells.contains(PlaceWords.cell(latitude: 54.35, longitude: 18.65)), "not Gdańsk")
        #expect(PlaceWords.cells(aroundLatitude: 52.2, longitude: 21.0, kilometres: 500) == nil, "too many cells: the SQL filter alone decides")
        #expect(PlaceWords.words(voivodeship: "14", latitude: nil, longitude: nil, remote: true) == ["woj14", "zdalnie"])
        #expect(SearchTerms.document(["Pomoc"] + PlaceWords.words(voivodeship: "14", latitude: 52.2, longitude: 21.0, remote: false))
            .hasPrefix("pomoc woj14 g"))
    }

    @Test func indexedTextJoinsWordsWithPlaces() {
        let document = SearchTerms.document(["Pomoc seniorom"] + PlaceWords.words(voivodeship: "14", latitude: nil, longitude: nil, remote: true))
        #expect(document == "pomoc seniorom woj14 zdalnie")
        #expect(PlaceWords.indexed(document) == "pomoc seniorom woj14 zdalnie woj14qpomoc zdalnieqpomoc woj14qseniorom zdalnieqseniorom")
        #expect(PlaceWords.indexed("pomoc seniorom") == "pomoc seniorom", "no place, no compounds")
        #expect(PlaceWords.isPlaceWord("g261x70") && PlaceWords.isPlaceWord("woj02") && PlaceWords.isPlaceWord("zdalnie"))
        #expect(!PlaceWords.isPlaceWord("gdansk") && !PlaceWords.isPlaceWord("wojna") && !PlaceWords.isPlaceWord("gx"))
    }
}
