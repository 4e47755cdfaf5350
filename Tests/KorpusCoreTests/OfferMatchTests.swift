import Foundation
import Testing

@testable import KorpusCore

/// The hand-labelled evaluation of the matching model: for each volunteer, offers labelled a good or a
/// bad fit, with why. The model must rank every good offer above every bad one (an excluded offer counts
/// as the worst).
@Suite("Matching: the scoring model and its evaluation")
struct OfferMatchTests {
    static let gdansk = (54.3520, 18.6466), sopot = (54.4418, 18.5601), gdynia = (54.5189, 18.5305), pruszcz = (54.2621, 18.6364)
    static let warsaw = (52.2298, 21.0118), piaseczno = (52.0814, 21.0242), lodz = (51.7592, 19.4560)
    static let krakow = (50.0647, 19.9450), wieliczka = (49.9870, 20.0645), katowice = (50.2649, 19.0238)

    static func slots(_ codes: String...) -> Set<WeeklySlot> { Set(codes.compactMap(WeeklySlot.init(code:))) }

    struct Pair {
        let offer: OfferFacts
        let good: Bool
        let why: String
    }

    static func offer(_ area: OfferArea, _ place: (Double, Double)?, skills: [String] = [], slots: Set<WeeklySlot> = [],
                      remote: Bool = false, minimumAge: Int = 18, minors: Bool = false, children: Bool = false,
                      accessible: Bool = false, languages: [String] = ["polski"], open: Bool = true, schedule: OfferSchedule = .regular) -> OfferFacts {
        OfferFacts(area: area, skills: skills, schedule: schedule, slots: slots, latitude: place?.0, longitude: place?.1, remote: remote,
                   languages: languages, minimumAge: minimumAge, minorsWelcome: minors, involvesChildren: children, accessible: accessible,
                   openForApplications: open)
    }

    static let evaluation: [(volunteer: VolunteerFacts, name: String, pairs: [Pair])] = [
        (VolunteerFacts(age: 16, guardianConsent: true, skills: ["opieka nad zwierzętami", "rysowanie"], areas: [.animals, .environment],
                        slots: slots("sat-morning", "sun-morning"), latitude: gdansk.0, longitude: gdansk.1, travelKilometres: 15),
         "Ola, 16, Gdańsk, weekends, animals", [
            Pair(offer: offer(.animals, gdansk, skills: ["opieka nad zwierzętami"], slots: slots("sat-morning"), minimumAge: 15, minors: true), good: true, why: "her area, her skill, Saturday, in town"),
            Pair(offer: offer(.environment, sopot, slots: slots("sun-morning"), minimumAge: 13, minors: true), good: true, why: "her area, Sunday, 11 km"),
            Pair(offer: offer(.animals, pruszcz, skills: ["kondycja"], slots: slots("sat-morning", "sun-morning"), minimumAge: 15, minors: true), good: true, why: "her area and both her days, 10 km"),
            Pair(offer: offer(.animals, gdansk, minimumAge: 18), good: false, why: "adults only"),
            Pair(offer: offer(.sport, gdynia, slots: slots("tue-evening"), minimumAge: 13, minors: true), good: false, why: "not her area, a weekday evening, 20 km"),
            Pair(offer: offer(.childrenAndYouth, gdansk, slots: slots("sat-morning"), minimumAge: 15, minors: true, children: true), good: false, why: "work with children without a record check"),
            Pair(offer: offer(.animals, krakow, slots: slots("sat-morning"), minimumAge: 15, minors: true), good: false, why: "500 km away"),
            Pair(offer: offer(.environment, gdansk, slots: slots("sat-morning"), minimumAge: 15, minors: true, open: false), good: false, why: "recruitment closed"),
            Pair(offer: offer(.culture, gdansk, skills: ["obsługa kasy fiskalnej"], slots: slots("mon-morning", "tue-morning"), minimumAge: 16, minors: true), good: false, why: "school hours, not her area, not her skill"),
        ]),
        (VolunteerFacts(age: 34, recordCheckAcknowledged: true, skills: ["matematyka", "fizyka", "programowanie"], areas: [.education, .childrenAndYouth],
                        slots: slots("mon-afternoon", "wed-afternoon"), latitude: warsaw.0, longitude: warsaw.1, travelKilometres: 20, remote: true),
         "Marek, 34, Warsaw, tutoring", [
            Pair(offer: offer(.education, warsaw, skills: ["matematyka", "praca z dziećmi"], slots: slots("mon-afternoon", "wed-afternoon"), children: true), good: true, why: "tutoring maths on his afternoons, record check acknowledged"),
            Pair(offer: offer(.childrenAndYouth, piaseczno, skills: ["programowanie"], slots: slots("wed-afternoon"), children: true), good: true, why: "coding club for teenagers, 17 km, Wednesday"),
            Pair(offer: offer(.education, nil, skills: ["fizyka"], remote: true), good: true, why: "remote physics help, his area and skill"),
            Pair(offer: offer(.health, warsaw, skills: ["kurs pierwszej pomocy"], slots: slots("sat-evening")), good: false, why: "not his area, skill or time"),
            Pair(offer: offer(.education, lodz, skills: ["matematyka"], slots: slots("mon-afternoon")), good: false, why: "Łódź is 120 km away"),
            Pair(offer: offer(.emergency, warsaw, skills: ["prawo jazdy kat. C"], slots: slots("sun-morning")), good: false, why: "a driving licence he does not have, Sunday"),
            Pair(offer: offer(.refugeesAndMigrants, warsaw, skills: ["język ukraiński"], slots: slots("mon-afternoon"), languages: ["polski", "ukraiński"]), good: false, why: "needs Ukrainian"),
            Pair(offer: offer(.sport, warsaw, slots: slots("fri-evening")), good: false, why: "not his area, Friday evening"),
        ]),
        (VolunteerFacts(age: 27, skills: ["tłumaczenie", "język ukraiński", "język polski"], areas: [.refugeesAndMigrants, .socialWelfare],
                        slots: slots("tue-evening", "thu-evening"), latitude: krakow.0, longitude: krakow.1, travelKilometres: 10, remote: true,
                        languages: ["polski", "ukraiński"]),
         "Oksana, 27, Kraków, translation, remote", [
            Pair(offer: offer(.refugeesAndMigrants, nil, skills: ["język ukraiński", "tłumaczenie"], remote: true, languages: ["polski", "ukraiński"]), good: true, why: "remote translation for refugees"),
            Pair(offer: offer(.refugeesAndMigrants, krakow, skills: ["język ukraiński"], slots: slots("tue-evening"), languages: ["ukraiński"]), good: true, why: "help desk in Kraków on Tuesday evenings"),
            Pair(offer: offer(.socialWelfare, krakow, slots: slots("thu-evening", "tue-evening")), good: true, why: "soup kitchen on her evenings, her area"),
            Pair(offer: offer(.socialWelfare, wieliczka, slots: slots("thu-evening")), good: false, why: "Wieliczka is 12 km, beyond her 10 km"),
            Pair(offer: offer(.sport, krakow, skills: ["trener piłki nożnej"], slots: slots("sat-morning")), good: false, why: "not her area, skill or time"),
            Pair(offer: offer(.animals, katowice, slots: slots("tue-evening")), good: false, why: "Katowice, 70 km"),
            Pair(offer: offer(.culture, krakow, skills: ["język niemiecki"], slots: slots("sun-afternoon"), languages: ["polski", "niemiecki"]), good: false, why: "needs German"),
            Pair(offer: offer(.health, krakow, slots: slots("mon-morning"), children: true), good: false, why: "work with children, no record check"),
        ]),
        (VolunteerFacts(age: 70, skills: ["rozmowa", "cierpliwość", "gra na pianinie"], areas: [.seniors, .culture],
                        slots: slots("mon-morning", "tue-morning", "wed-morning", "thu-morning", "fri-morning"),
                        latitude: gdansk.0, longitude: gdansk.1, travelKilometres: 8, needsAccessibility: true),
         "Jan, 70, Gdańsk, wheelchair user, mornings", [
            Pair(offer: offer(.seniors, gdansk, skills: ["rozmowa", "cierpliwość"], slots: slots("tue-morning"), accessible: true), good: true, why: "phone calls to lonely seniors from an accessible club"),
            Pair(offer: offer(.culture, gdansk, skills: ["gra na instrumencie"], slots: slots("wed-morning", "fri-morning"), accessible: true), good: true, why: "music in a day centre, accessible"),
            Pair(offer: offer(.seniors, nil, skills: ["rozmowa"], remote: true), good: true, why: "remote conversations, no stairs"),
            Pair(offer: offer(.seniors, gdansk, skills: ["rozmowa"], slots: slots("tue-morning"), accessible: false), good: false, why: "not accessible"),
            Pair(offer: offer(.culture, gdynia, slots: slots("mon-morning"), accessible: true), good: false, why: "Gdynia, beyond 8 km"),
            Pair(offer: offer(.sport, gdansk, skills: ["kondycja"], slots: slots("sat-morning"), accessible: false), good: false, why: "running event, not accessible, Saturday"),
            Pair(offer: offer(.environment, gdansk, skills: ["praca fizyczna"], slots: slots("sun-morning")), good: false, why: "physical work, not accessible"),
            Pair(offer: offer(.seniors, gdansk, slots: slots("tue-morning"), accessible: true, open: false), good: false, why: "recruitment closed"),
        ]),
        (VolunteerFacts(age: 14, guardianConsent: true, skills: ["gra na gitarze"], areas: [.culture, .environment],
                        slots: slots("sat-afternoon"), latitude: warsaw.0, longitude: warsaw.1, travelKilometres: 10, remote: true),
         "Zofia, 14, Warsaw, with consent", [
            Pair(offer: offer(.environment, warsaw, slots: slots("sat-afternoon"), minimumAge: 13, minors: true), good: true, why: "park clean-up for teenagers, Saturday"),
            Pair(offer: offer(.culture, nil, skills: ["gra na gitarze"], remote: true, minimumAge: 13, minors: true), good: true, why: "recording songs remotely"),
            Pair(offer: offer(.culture, warsaw, slots: slots("sat-afternoon"), minimumAge: 16, minors: true), good: false, why: "from 16"),
            Pair(offer: offer(.environment, warsaw, slots: slots("sat-afternoon"), minimumAge: 13, minors: false), good: false, why: "adults and older only: minors not welcome"),
            Pair(offer: offer(.culture, piaseczno, slots: slots("sat-afternoon"), minimumAge: 13, minors: true), good: false, why: "17 km, beyond her 10"),
        ]),
        (VolunteerFacts(age: 45, recordCheckAcknowledged: true, skills: ["prawo jazdy kat. B", "pierwsza pomoc"], areas: [.emergency, .socialWelfare],
                        slots: slots("mon-evening", "wed-evening", "sat-morning"), latitude: gdansk.0, longitude: gdansk.1, travelKilometres: 30),
         "Piotr, 45, Gdańsk, driver, first aid", [
            Pair(offer: offer(.emergency, gdynia, skills: ["pierwsza pomoc", "prawo jazdy"], slots: slots("sat-morning")), good: true, why: "rescue group, both skills, Saturday, 20 km"),
            Pair(offer: offer(.socialWelfare, gdansk, skills: ["prawo jazdy kat. B"], slots: slots("mon-evening", "wed-evening")), good: true, why: "driving food parcels on his evenings"),
            Pair(offer: offer(.emergency, pruszcz, schedule: .oneOff), good: true, why: "a one-off flood action nearby, his area"),
            Pair(offer: offer(.culture, gdansk, skills: ["fotografia"], slots: slots("sun-afternoon")), good: false, why: "not his area, skill or time"),
            Pair(offer: offer(.education, sopot, skills: ["matematyka", "chemia"], slots: slots("tue-afternoon", "thu-afternoon"), children: true), good: false, why: "tutoring chemistry in the afternoons"),
            Pair(offer: offer(.emergency, warsaw, skills: ["pierwsza pomoc"], slots: slots("sat-morning")), good: false, why: "Warsaw, 280 km"),
        ]),
    ]

    static func score(_ volunteer: VolunteerFacts, _ offer: OfferFacts) -> Double {
        (try? OfferMatcher.match(volunteer, offer).get().score) ?? -Double.infinity
    }

    @Test func everyGoodFitRanksAboveEveryBadFit() {
        let pairs = Self.evaluation.reduce(0) { $0 + $1.pairs.count }
        #expect(pairs >= 40)
        for (volunteer, name, labelled) in Self.evaluation {
            let good = labelled.filter(\.good), bad = labelled.filter { !$0.good }
            #expect(!good.isEmpty && !bad.isEmpty, "\(name)")
            let worstGood = good.min { Self.score(volunteer, $0.offer) < Self.score(volunteer, $1.offer) }!
            let bestBad = bad.max { Self.score(volunteer, $0.offer) < Self.score(volunteer, $1.offer) }!
            #expect(Self.score(volunteer, worstGood.offer) > Self.score(volunteer, bestBad.offer),
                    "\(name): “\(worstGood.why)” (\(Self.score(volunteer, worstGood.offer))) should rank above “\(bestBad.why)” (\(Self.score(volunteer, bestBad.offer)))")
        }
    }

    @Test func hardConditionsExcludeWithTheirReason() {
        let minor = VolunteerFacts(age: 15, guardianConsent: false, latitude: Self.gdansk.0, longitude: Self.gdansk.1)
        let welcoming = Self.offer(.animals, Self.gdansk, minimumAge: 13, minors: true)
        #expect(OfferMatcher.exclusion(minor, welcoming) == .noGuardianConsent)
        #expect(OfferMatcher.exclusion(minor, Self.offer(.animals, Self.gdansk, minimumAge: 16, minors: true)) == .tooYoung)
        #expect(OfferMatcher.exclusion(minor, Self.offer(.animals, Self.gdansk, minimumAge: 13)) == .minorsNotWelcome)
        let adult = VolunteerFacts(age: 30, latitude: Self.gdansk.0, longitude: Self.gdansk.1, travelKilometres: 5)
        #expect(OfferMatcher.exclusion(adult, Self.offer(.animals, Self.sopot)) == .tooFar)
        #expect(OfferMatcher.exclusion(adult, Self.offer(.animals, nil, remote: true)) == nil, "remote work is never too far")
        #expect(OfferMatcher.exclusion(adult, Self.offer(.education, Self.gdansk, children: true)) == .recordCheckNeeded)
        #expect(OfferMatcher.exclusion(adult, Self.offer(.education, Self.gdansk, open: false)) == .recruitmentClosed)
    }

    @Test func reasonsAreTrueAndSaidInPolish() throws {
        let catalogue = try Catalogue.bundled(.pl)
        let volunteer = VolunteerFacts(age: 30, skills: ["cierpliwość", "rozmowa", "język angielski"], areas: [.seniors],
                                       slots: Self.slots("tue-afternoon"), latitude: Self.gdansk.0, longitude: Self.gdansk.1, travelKilometres: 25)
        let offer = Self.offer(.seniors, Self.sopot, skills: ["cierpliwość", "rozmowa", "prawo jazdy", "gotowanie"], slots: Self.slots("tue-afternoon", "thu-afternoon"))
        let match = try OfferMatcher.match(volunteer, offer).get()
        let texts = match.reasons.map { $0.text(in: catalogue) }
        #expect(texts.contains("2 z 4 umiejętności"))
        #expect(texts.contains("11 km od Ciebie"))
        #expect(texts.contains("Pasuje: wtorek po południu"))
        #expect(texts.contains("Twój obszar: seniorzy"))
        // Nothing to go on still gives an answer: no skills, no place, no time.
        let empty = try OfferMatcher.match(VolunteerFacts(age: 30), Self.offer(.other, Self.gdansk)).get()
        #expect(empty.score > 0 && empty.reasons.isEmpty)
    }

    @Test func skillsMatchAcrossDiacriticsAndInflection() {
        #expect(OfferMatcher.skillsMatch("praca z dziećmi", "praca z dziecmi"))
        #expect(OfferMatcher.skillsMatch("Język ukraiński", "znajomość języka ukraińskiego"))
        #expect(!OfferMatcher.skillsMatch("matematyka", "prawo jazdy"))
    }
}
