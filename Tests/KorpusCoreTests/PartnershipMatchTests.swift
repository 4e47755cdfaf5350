import Foundation
import Testing

@testable import KorpusCore

/// The partnership matching model, with a hand-labelled set: for each need, organisations labelled a good
/// or a bad partner, with why; every good one must rank above every bad one (an excluded one is the worst).
@Suite("Matching: partnership needs of organisations")
struct PartnershipMatchTests {
    static let gdansk = (54.3520, 18.6466), sopot = (54.4418, 18.5601), slupsk = (54.4641, 17.0287), krakow = (50.0647, 19.9450)
    static let wieliczka = (49.9870, 20.0645)

    static func partner(_ kind: String, _ areas: Set<OfferArea>, _ text: String, _ voivodeship: String, _ place: (Double, Double)) -> PartnerFacts {
        PartnerFacts(kind: kind, areas: areas, text: [text], voivodeshipCode: voivodeship, latitude: place.0, longitude: place.1)
    }

    static func score(_ need: PartnershipNeedFacts, _ partner: PartnerFacts) -> Double {
        switch PartnershipMatcher.match(need, partner) {
        case .success(let match): match.score
        case .failure: -.infinity
        }
    }

    static func exclusion(_ need: PartnershipNeedFacts, _ partner: PartnerFacts) -> PartnershipExclusion? {
        if case .failure(let error) = PartnershipMatcher.match(need, partner) { return error.exclusion }
        return nil
    }

    static let labelled: [(need: PartnershipNeedFacts, good: [PartnerFacts], bad: [PartnerFacts], why: String)] = [
        (PartnershipNeedFacts(kind: .premises, areas: [.seniors], wanted: ["sala", "rzutnik"], voivodeshipCode: "22",
                              latitude: gdansk.0, longitude: gdansk.1, reachKilometres: 25),
         good: [partner("association", [.seniors], "Mamy sala i rzutnik dla klubów seniora", "22", sopot),
                partner("foundation", [.seniors, .health], "Udostępniamy sala w centrum Gdańska", "22", gdansk)],
         bad: [partner("association", [.sport], "Prowadzimy treningi piłki nożnej", "22", gdansk),
               partner("association", [.seniors], "Mamy sala i rzutnik", "22", slupsk),
               partner("foundation", [.seniors], "Mamy sala i rzutnik", "12", krakow)],
         why: "a room for seniors near Gdańsk: those who work with seniors and have a room, not sport, not 100 km away"),
        (PartnershipNeedFacts(kind: .coalition, areas: [.education, .childrenAndYouth], wanted: ["szkoła"], preferredKinds: ["school"],
                              voivodeshipCode: "12", latitude: krakow.0, longitude: krakow.1, reachKilometres: 50, remote: true),
         good: [partner("school", [.education], "Szkoła podstawowa z wolontariatem uczniów", "12", wieliczka),
                partner("school", [.childrenAndYouth, .education], "Szkoła z klubem wolontariusza", "12", krakow)],
         bad: [partner("company", [.environment], "Sprzątamy lasy z pracownikami", "12", krakow),
               partner("school", [.education], "Szkoła podstawowa", "22", gdansk)],
         why: "a coalition of schools in Małopolska, at a distance: schools of the voivodeship, not a company, not Pomorskie"),
    ]

    @Test func everyGoodPartnerRanksAboveEveryBadOne() {
        for (need, good, bad, why) in Self.labelled {
            let worstGood = good.map { Self.score(need, $0) }.min() ?? 0
            let bestBad = bad.map { Self.score(need, $0) }.max() ?? 0
            #expect(worstGood > bestBad, "\(why): \(worstGood) ≤ \(bestBad)")
        }
    }

    @Test func hardConditionsExclude() {
        let inPerson = PartnershipNeedFacts(kind: .jointAction, voivodeshipCode: "22", latitude: Self.gdansk.0, longitude: Self.gdansk.1, reachKilometres: 25)
        let far = Self.partner("association", [], "", "22", Self.slupsk)
        #expect(Self.exclusion(inPerson, far) == .tooFar)
        // Across a voivodeship border, within the reach, an organisation still fits a need in person.
        var wide = inPerson
        wide.reachKilometres = 200
        let elsewhere = Self.partner("association", [], "", "04", (53.1235, 18.0084))
        #expect(Self.exclusion(wide, elsewhere) == nil)
        var remote = inPerson
        remote.remote = true
        #expect(Self.exclusion(remote, elsewhere) == .outsideRegion)
        #expect(Self.exclusion(remote, far) == nil, "at a distance, the whole voivodeship fits")
    }

    @Test func reasonsAreTrueAndSaidInPolish() throws {
        let need = PartnershipNeedFacts(kind: .premises, areas: [.seniors, .culture], wanted: ["sala", "rzutnik", "catering"],
                                        preferredKinds: ["association"], voivodeshipCode: "22", latitude: Self.gdansk.0, longitude: Self.gdansk.1)
        let partner = Self.partner("association", [.seniors, .sport], "Nasza sala ma rzutnik.", "22", Self.sopot)
        let match = try PartnershipMatcher.match(need, partner).get()
        let catalogue = try Catalogue.bundled(.pl)
        let texts = match.reasons.map { $0.text(in: catalogue) }
        #expect(texts == ["Działa w obszarach: seniorzy", "Może wnieść: sala, rzutnik", "11 km od miejsca potrzeby", "Preferowany typ: stowarzyszenie"])
        let expected = PartnershipWeights.areas / 2 + PartnershipWeights.wanted * 2 / 3
            + PartnershipWeights.distance * (0.2 + 0.8 * (1 - 11 / 50.0)) + PartnershipWeights.kind
        #expect(abs(match.score - expected) < 0.5)
    }
}
