import Testing

@testable import KorpusCore

@Suite("Voivodeships and localities")
struct RegionTests {
    @Test func sixteenVoivodeshipsWithTerytCodes() {
        #expect(Voivodeship.allCases.count == 16)
        #expect(Voivodeship.allCases.map(\.terytCode) == stride(from: 2, through: 32, by: 2).map { $0 < 10 ? "0\($0)" : "\($0)" })
        #expect(Voivodeship(terytCode: "22") == .pomorskie)
        #expect(Voivodeship(terytCode: "23") == nil)
        #expect(Voivodeship.lodzkie.polishName == "łódzkie")
    }

    @Test func bundledLocalities() throws {
        let localities = try LocalityList.bundled()
        #expect(localities.count == 3866)
        let lodz = try #require(localities.first { $0.name == "Łódź" })
        #expect(lodz.voivodeship == .lodzkie)
        #expect(lodz.foldedName == "lodz")
        let slupsk = try #require(localities.first { $0.name == "Słupsk" })
        #expect(slupsk.voivodeship == .pomorskie)
        for voivodeship in Voivodeship.allCases {
            #expect(localities.contains { $0.voivodeship == voivodeship }, "\(voivodeship.polishName) has localities")
        }
        #expect(Set(localities.map(\.id)).count == localities.count)
    }

    @Test func malformedRowsAreRefused() {
        #expect(throws: LocalityListError.malformedRow(line: 2)) {
            try LocalityList.parse("geonameid,name,latitude,longitude,population,voivodeship_code,voivodeship\n1,X,abc,1,1,22,p")
        }
        #expect(throws: LocalityListError.malformedRow(line: 1)) {
            try LocalityList.parse("1,X,54.0,18.0,100,99,nowhere")
        }
    }

    @Test func distance() throws {
        let localities = try LocalityList.bundled()
        let gdansk = try #require(localities.first { $0.name == "Gdańsk" })
        let slupsk = try #require(localities.first { $0.name == "Słupsk" })
        let km = GeoDistance.kilometres(
            fromLatitude: gdansk.latitude, longitude: gdansk.longitude, toLatitude: slupsk.latitude, longitude: slupsk.longitude)
        #expect(km > 100 && km < 110)
        #expect(GeoDistance.kilometres(fromLatitude: 52, longitude: 21, toLatitude: 52, longitude: 21) == 0)
    }
}
