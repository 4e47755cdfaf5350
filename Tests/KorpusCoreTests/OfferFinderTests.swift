import Foundation
@testable import KorpusCore
import Testing

@Suite("The in-memory offer search")
struct OfferFinderTests {
    static let gdansk = (latitude: 54.352, longitude: 18.6466)
    static let sopot = (latitude: 54.4418, longitude: 18.5601)
    static let warsaw = (latitude: 52.2298, longitude: 21.0118)

    static func offer(_ number: Int, _ text: String, at place: (latitude: Double, longitude: Double)? = gdansk, remote: Bool = false,
                      area: OfferArea = .seniors, voivodeship: String = "22", published: Double, deadline: String? = nil,
                      minors: Bool = false, startsOn: String? = nil, endsOn: String? = nil) -> FindableOffer {
        FindableOffer(key: Int64(number), id: UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", number))!,
                      voivodeshipCode: voivodeship, minorsWelcome: minors, startsOn: startsOn, endsOn: endsOn, recruitmentDeadline: deadline,
                      publishedAt: published, text: SearchTerms.document([text]),
                      facts: OfferFacts(area: area, latitude: place?.latitude, longitude: place?.longitude, remote: remote, minorsWelcome: minors))
    }

    static func id(_ number: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", number))! }

    static let offers = [
        offer(1, "Spacery z seniorami w Gdańsku", published: 100, deadline: "2026-12-20"),
        offer(2, "Zakupy dla seniorów, seniorzy czekają", at: sopot, published: 200, deadline: "2026-12-01"),
        offer(3, "Korepetycje z matematyki dla dzieci", area: .education, published: 300, minors: true, endsOn: "2026-06-30"),
        offer(4, "Rozmowy telefoniczne z seniorem", at: nil, remote: true, voivodeship: "14", published: 400),
        offer(5, "Pomoc seniorom w Warszawie", at: warsaw, voivodeship: "14", published: 500, startsOn: "2027-03-01"),
        offer(6, "Łódź: sprzątanie parku", at: (51.7592, 19.456), area: .environment, voivodeship: "10", published: 600),
    ]

    func find(_ finder: OfferFinder, _ change: (inout OfferFinder.Query) -> Void) -> OfferFinder.Found {
        var query = OfferFinder.Query()
        change(&query)
        return finder.find(query)
    }

    @Test func wordsAreMatchedAsPrefixesWhateverTheDiacritics() {
        let finder = OfferFinder(Self.offers)
        #expect(Set(find(finder) { $0.terms = SearchTerms.terms("seniorów") }.ids) == Set([1, 2, 4, 5].map(Self.id)))
        #expect(find(finder) { $0.terms = SearchTerms.terms("lodz") }.ids == [Self.id(6)])
        #expect(find(finder) { $0.terms = SearchTerms.terms("ŁÓDŹ park") }.ids == [Self.id(6)])
        #expect(find(finder) { $0.terms = SearchTerms.terms("senior matematyka") }.total == 0, "every word must match")
        #expect(find(finder) { $0.terms = ["xyz"] }.total == 0)
    }

    @Test func relevanceRanksTheOfferThatSaysItMostFirst() {
        let finder = OfferFinder(Self.offers)
        let found = find(finder) { $0.terms = SearchTerms.terms("senior") }
        #expect(found.ids.first == Self.id(2), "the word twice in a short text")
    }

    @Test func filtersNarrowAndDistanceKeepsRemoteOffers() {
        let finder = OfferFinder(Self.offers)
        #expect(Set(find(finder) { $0.near = (Self.gdansk.latitude, Self.gdansk.longitude, 5) }.ids) == Set([1, 3, 4].map(Self.id)),
                "Sopot is 11 km away; the remote offer counts everywhere")
        #expect(Set(find(finder) { $0.near = (Self.gdansk.latitude, Self.gdansk.longitude, 15) }.ids) == Set([1, 2, 3, 4].map(Self.id)))
        #expect(find(finder) { $0.near = (Self.gdansk.latitude, Self.gdansk.longitude, 15); $0.remoteOnly = true }.total == 0,
                "remote offers near the place only, as the database has it")
        #expect(find(finder) { $0.area = .education }.ids == [Self.id(3)])
        #expect(Set(find(finder) { $0.voivodeshipCode = "14" }.ids) == Set([4, 5].map(Self.id)))
        #expect(find(finder) { $0.forMinors = true }.ids == [Self.id(3)])
        #expect(!find(finder) { $0.from = "2026-07-01" }.ids.contains(Self.id(3)), "ended before")
        #expect(!find(finder) { $0.to = "2027-01-01" }.ids.contains(Self.id(5)), "starts after")
    }

    @Test func sortsAndPages() {
        let finder = OfferFinder(Self.offers)
        #expect(find(finder) { $0.sort = .newest }.ids == [6, 5, 4, 3, 2, 1].map(Self.id))
        #expect(find(finder) { $0.sort = .deadline }.ids == [2, 1, 3, 4, 5, 6].map(Self.id), "no deadline last, then by key")
        #expect(find(finder) { $0.sort = .nearest; $0.near = (Self.gdansk.latitude, Self.gdansk.longitude, 500) }.ids.prefix(3)
                == [1, 3, 2].map(Self.id)[...])
        let page = find(finder) { $0.sort = .newest; $0.offset = 2; $0.limit = 2 }
        #expect(page.ids == [4, 3].map(Self.id))
        #expect(page.total == 6)
        #expect(find(finder) { $0.offset = 1_000 }.ids.isEmpty)
    }

    @Test func changesReplaceAndRemoveOffers() {
        var finder = OfferFinder(Self.offers)
        let before = finder
        finder.apply(upserted: [Self.offer(1, "Kino dla młodzieży", published: 700)], removed: [Self.id(2)])
        #expect(find(finder) { $0.terms = ["kino"] }.ids == [Self.id(1)])
        #expect(Set(find(finder) { $0.terms = ["senior"] }.ids) == Set([4, 5].map(Self.id)), "the old words and the removed offer are gone")
        #expect(finder.count == 5)
        #expect(find(before) { $0.terms = ["senior"] }.total == 4, "a version already read does not change")
        // Many changes compact the slots; what is found stays the same.
        for round in 0..<800 {
            finder.apply(upserted: Self.offers.map { offer in
                var offer = offer
                offer.publishedAt += Double(round)
                return offer
            }, removed: [])
        }
        #expect(finder.count == 6)
        #expect(Set(find(finder) { $0.terms = ["senior"] }.ids) == Set([1, 2, 4, 5].map(Self.id)))
    }

    @Test func candidatesForTheMatchingAreTheNewestWithinTheDistance() {
        let finder = OfferFinder(Self.offers)
        let near = finder.newest(remote: false, near: (Self.gdansk.latitude, Self.gdansk.longitude, 15), limit: 2, today: "2026-12-10")
        #expect(near.map(\.id) == [3, 2].map(Self.id))
        #expect(near.last?.facts.openForApplications == false, "its deadline has passed")
        #expect(finder.newest(remote: true, near: nil, limit: 10, today: "2026-12-10").map(\.id) == [Self.id(4)])
    }
}

extension OfferFinderTests {
    /// The grid the candidates are picked from gives what reading every offer gives.
    @Test func theGridPicksWhatAReadingOfEveryOfferPicks() {
        var generator = SystemRandomNumberGenerator()
        var offers: [FindableOffer] = []
        for number in 1...3_000 {
            let place = (latitude: Double.random(in: 49.0...54.8, using: &generator), longitude: Double.random(in: 14.1...24.1, using: &generator))
            offers.append(Self.offer(number, "oferta", at: place, remote: number % 10 == 0, published: Double(number % 977)))
        }
        var finder = OfferFinder(offers)
        finder.apply(upserted: Array(offers.prefix(200)).map { var offer = $0; offer.publishedAt += 1_000; return offer }, removed: [Self.id(500)])
        for (latitude, longitude, kilometres) in [(52.23, 21.01, 25.0), (54.35, 18.65, 100.0), (50.06, 19.94, 5.0), (51.1, 17.03, 400.0)] {
            let found = finder.newest(remote: false, near: (latitude, longitude, kilometres), limit: 50, today: "2026-12-01").map(\.id)
            let box = Box(latitude: latitude, longitude: longitude, kilometres: kilometres)
            var current = Dictionary(uniqueKeysWithValues: offers.map { ($0.id, $0) })
            for offer in offers.prefix(200) { current[offer.id]?.publishedAt += 1_000 }
            current[Self.id(500)] = nil
            let expected = current.values.filter { !$0.facts.remote && box.squaredDistance(latitude: $0.facts.latitude!, longitude: $0.facts.longitude!) != nil }
                .sorted { $0.publishedAt != $1.publishedAt ? $0.publishedAt > $1.publishedAt : $0.key < $1.key }.prefix(50).map(\.id)
            #expect(found == Array(expected), "\(latitude) \(longitude) \(kilometres)")
        }
    }
}

extension OfferFinderTests {
    /// Scoring where the offers are held gives what scoring copies of them gives.
    @Test func scoringInPlaceAgreesWithTheMatcher() {
        let finder = OfferFinder(Self.offers)
        let volunteer = VolunteerFacts(age: 30, areas: [.seniors], latitude: Self.gdansk.latitude,
                                       longitude: Self.gdansk.longitude, travelKilometres: 20, remote: true)
        for remote in [true, false] {
            var excluded: [MatchExclusion: Int] = [:]
            let scored = finder.scored(for: volunteer, remote: remote, near: remote ? nil : (Self.gdansk.latitude, Self.gdansk.longitude, 20),
                                       limit: 10, today: "2026-12-10", excluded: &excluded)
            var expectedExcluded: [MatchExclusion: Int] = [:]
            var expected: [(UUID, Double)] = []
            for (id, facts) in finder.newest(remote: remote, near: remote ? nil : (Self.gdansk.latitude, Self.gdansk.longitude, 20), limit: 10,
                                             today: "2026-12-10") {
                switch OfferMatcher.match(volunteer, facts) {
                case .success(let match): expected.append((id, match.score))
                case .failure(let error): expectedExcluded[error.exclusion, default: 0] += 1
                }
            }
            #expect(scored.map(\.id) == expected.map(\.0))
            #expect(scored.map(\.score) == expected.map(\.1))
            #expect(excluded == expectedExcluded)
            #expect(remote || excluded[.recruitmentClosed] == 1, "offer 2's deadline has passed")
        }
    }
}

@Suite("The in-memory offers of help")
struct VolunteerPoolTests {
    static func volunteer(_ number: Int, at place: (latitude: Double, longitude: Double)?, remote: Bool = false, updated: Double,
                          born: String = "2000-01-01") -> AvailableVolunteer {
        AvailableVolunteer(helpOfferID: OfferFinderTests.id(100 + number), volunteerID: OfferFinderTests.id(number), updatedAt: updated,
                           bornOn: Age.parseDay(born).flatMap(Age.dayNumber),
                           facts: VolunteerFacts(age: nil, latitude: place?.latitude, longitude: place?.longitude, remote: remote))
    }

    @Test func newestWithinReachWithTheirAges() {
        var pool = VolunteerPool([
            Self.volunteer(1, at: OfferFinderTests.gdansk, updated: 10),
            Self.volunteer(2, at: OfferFinderTests.sopot, updated: 20, born: "2010-06-15"),
            Self.volunteer(3, at: OfferFinderTests.warsaw, updated: 30),
            Self.volunteer(4, at: nil, remote: true, updated: 40),
        ])
        let today = Age.dayNumber(Age.parseDay("2026-12-01")!)!
        let near = pool.newest(remote: false, near: (OfferFinderTests.gdansk.latitude, OfferFinderTests.gdansk.longitude, 100), limit: 10, today: today)
        #expect(near.map(\.volunteerID) == [2, 1].map(OfferFinderTests.id))
        #expect(near.first?.facts.age == 16)
        #expect(pool.newest(remote: true, near: nil, limit: 10, today: today).map(\.volunteerID) == [OfferFinderTests.id(4)])
        let offer = OfferFacts(area: .seniors, latitude: OfferFinderTests.gdansk.latitude, longitude: OfferFinderTests.gdansk.longitude, minimumAge: 18)
        let scored = pool.scored(for: offer, remote: false, near: (OfferFinderTests.gdansk.latitude, OfferFinderTests.gdansk.longitude, 100), limit: 10,
                                 today: today)
        #expect(scored.map(\.volunteerID) == [OfferFinderTests.id(1)], "the 16-year-old is too young for this offer")
        #expect(scored.first?.score == (try? OfferMatcher.match(pool.entry(of: OfferFinderTests.id(1), today: today)!.facts, offer).get().score))
        pool.apply(upserted: [Self.volunteer(1, at: OfferFinderTests.gdansk, updated: 50)], removed: [OfferFinderTests.id(2), OfferFinderTests.id(3)])
        #expect(pool.count == 2)
        #expect(pool.newest(remote: false, near: nil, limit: 10, today: today).map(\.volunteerID) == [OfferFinderTests.id(1)])
    }

    /// The pick reads the offers of help newest first and stops at the limit: it gives what sorting all of them
    /// would, also after changes and removals.
    @Test func newestAgreesWithSortingEverythingAfterChanges() {
        var generator = SystemRandomNumberGenerator()
        var clock = 0.0
        func random(_ number: Int) -> AvailableVolunteer {
            clock += 1
            let remote = Int.random(in: 0..<5, using: &generator) == 0
            return Self.volunteer(number, at: remote ? nil : (Double.random(in: 49...54.8, using: &generator), Double.random(in: 14.1...24.1, using: &generator)),
                                  remote: remote, updated: clock)
        }
        var everyone: [UUID: AvailableVolunteer] = [:]
        for number in (0..<2_000).shuffled() { let entry = random(number); everyone[entry.volunteerID] = entry }
        var pool = VolunteerPool(everyone.values.shuffled())
        let today = Age.dayNumber(Age.parseDay("2026-12-01")!)!
        for round in 0..<4 {
            if round > 0 {
                let changed = (0..<300).map { _ in random(Int.random(in: 0..<2_400, using: &generator)) }
                let removed = (0..<100).map { _ in OfferFinderTests.id(Int.random(in: 0..<2_400, using: &generator)) }
                for id in removed { everyone[id] = nil }
                for entry in changed { everyone[entry.volunteerID] = entry }
                pool.apply(upserted: changed, removed: removed)
            }
            #expect(pool.count == everyone.count)
            for _ in 0..<20 {
                let centre = (latitude: Double.random(in: 49...54.8, using: &generator), longitude: Double.random(in: 14.1...24.1, using: &generator))
                let kilometres = Double.random(in: 10...200, using: &generator)
                let wantsRemote = Bool.random(using: &generator)
                let limit = Int.random(in: 1...300, using: &generator)
                let box = Box(latitude: centre.latitude, longitude: centre.longitude, kilometres: kilometres)
                let expected = everyone.values
                    .filter { $0.facts.remote == wantsRemote && (wantsRemote || box.squaredDistance(latitude: $0.facts.latitude!, longitude: $0.facts.longitude!) != nil) }
                    .sorted { $0.updatedAt > $1.updatedAt }.prefix(limit).map(\.volunteerID)
                let found = pool.newest(remote: wantsRemote, near: wantsRemote ? nil : (centre.latitude, centre.longitude, kilometres), limit: limit, today: today)
                #expect(found.map(\.volunteerID) == Array(expected), "round \(round), \(kilometres) km, limit \(limit)")
            }
        }
    }
}
