import Foundation

/// A Polish locality from the GeoNames list (CC BY 4.0) shipped with Korpus.
public struct Locality: Sendable, Equatable, Codable {
    public let id: Int
    public let name: String
    public let latitude: Double
    public let longitude: Double
    public let population: Int
    public let voivodeship: Voivodeship

    public init(id: Int, name: String, latitude: Double, longitude: Double, population: Int, voivodeship: Voivodeship) {
        self.id = id
        self.name = name
        self.latitude = latitude
        self.longitude = longitude
        self.population = population
        self.voivodeship = voivodeship
    }

    /// The name folded for diacritic-insensitive search ("Łódź" → "lodz").
    public var foldedName: String { TextFolding.fold(name) }
}

public enum LocalityListError: Error, Equatable {
    case missingResource
    case malformedRow(line: Int)
}

/// Reads the bundled locality list (`pl-localities.csv`).
public enum LocalityList {
    public static let attribution = "GeoNames (geonames.org), CC BY 4.0"

    /// All localities of the bundled list, in file order.
    public static func bundled() throws -> [Locality] {
        guard let url = Bundle.module.url(forResource: "pl-localities", withExtension: "csv") else {
            throw LocalityListError.missingResource
        }
        return try parse(String(contentsOf: url, encoding: .utf8))
    }

    /// Parses the CSV: geonameid,name,latitude,longitude,population,voivodeship_code,voivodeship.
    public static func parse(_ csv: String) throws -> [Locality] {
        var localities: [Locality] = []
        for (index, line) in csv.split(whereSeparator: \.isNewline).enumerated() {
            if index == 0, line.hasPrefix("geonameid") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 7,
                let id = Int(fields[0]),
                let latitude = Double(fields[2]),
                let longitude = Double(fields[3]),
                let population = Int(fields[4]),
                let voivodeship = Voivodeship(terytCode: String(fields[5])),
                !fields[1].isEmpty
            else {
                throw LocalityListError.malformedRow(line: index + 1)
            }
            localities.append(
                Locality(
                    id: id, name: String(fields[1]), latitude: latitude, longitude: longitude,
                    population: population, voivodeship: voivodeship))
        }
        return localities
    }
}

/// Great-circle distance, for "within 25 km" searches.
public enum GeoDistance {
    public static let earthRadiusKilometres = 6371.0

    public static func kilometres(fromLatitude lat1: Double, longitude lon1: Double, toLatitude lat2: Double, longitude lon2: Double) -> Double {
        let toRadians = Double.pi / 180
        let dLat = (lat2 - lat1) * toRadians
        let dLon = (lon2 - lon1) * toRadians
        let a = sin(dLat / 2) * sin(dLat / 2)
            + cos(lat1 * toRadians) * cos(lat2 * toRadians) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * earthRadiusKilometres * asin(min(1, sqrt(a)))
    }
}
