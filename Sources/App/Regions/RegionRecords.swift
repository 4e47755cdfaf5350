import Fluent
import SQLKit
import KorpusCore
import Vapor

/// A voivodeship row, keyed by its TERYT code.
final class VoivodeshipRecord: Model, @unchecked Sendable {
    static let schema = "voivodeships"

    @ID(custom: "code", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String

    init() {}

    init(_ voivodeship: Voivodeship) {
        self.id = voivodeship.terytCode
        self.name = voivodeship.polishName
    }
}

/// A locality row from the GeoNames list, with its name folded for diacritic-insensitive search.
final class LocalityRecord: Model, @unchecked Sendable {
    static let schema = "localities"

    @ID(custom: "id", generatedBy: .user) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "name_folded") var nameFolded: String
    @Field(key: "latitude") var latitude: Double
    @Field(key: "longitude") var longitude: Double
    @Field(key: "population") var population: Int
    @Field(key: "voivodeship_code") var voivodeshipCode: String

    init() {}

    init(_ locality: Locality) {
        self.id = locality.id
        self.name = locality.name
        self.nameFolded = locality.foldedName
        self.latitude = locality.latitude
        self.longitude = locality.longitude
        self.population = locality.population
        self.voivodeshipCode = locality.voivodeship.terytCode
    }

    var voivodeship: Voivodeship? { Voivodeship(terytCode: voivodeshipCode) }
}

/// Creates the voivodeships and localities and loads them: reference data every later module points to,
/// so it is part of the schema rather than of the demo content.
struct CreateRegions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(VoivodeshipRecord.schema)
            .field("code", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .create()
        try await database.schema(LocalityRecord.schema)
            .field("id", .int, .identifier(auto: false))
            .field("name", .string, .required)
            .field("name_folded", .string, .required)
            .field("latitude", .double, .required)
            .field("longitude", .double, .required)
            .field("population", .int, .required)
            .field("voivodeship_code", .string, .required, .references(VoivodeshipRecord.schema, "code"))
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "localities_name_folded_idx").on(LocalityRecord.schema).column("name_folded").run()
            try await sql.create(index: "localities_voivodeship_idx").on(LocalityRecord.schema).column("voivodeship_code").run()
        }
        try await Voivodeship.allCases.map(VoivodeshipRecord.init).create(on: database)
        let localities = try LocalityList.bundled().map(LocalityRecord.init)
        for start in stride(from: 0, to: localities.count, by: 500) {
            try await Array(localities[start..<min(start + 500, localities.count)]).create(on: database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LocalityRecord.schema).delete()
        try await database.schema(VoivodeshipRecord.schema).delete()
    }
}
