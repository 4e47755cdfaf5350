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
