import Foundation

/// The areas of volunteering an offer belongs to.
public enum OfferArea: String, CaseIterable, Sendable, Codable {
    case socialWelfare = "social_welfare"
    case education
    case culture
    case sport
    case environment
    case health
    case animals
    case seniors
    case childrenAndYouth = "children_youth"
    case disabilities
    case refugeesAndMigrants = "refugees_migrants"
    case emergency
    case community
    case other

    public var catalogueKey: String { "offer.area.\(rawValue)" }
}

/// How an offer runs in time.
public enum OfferSchedule: String, CaseIterable, Sendable, Codable {
    /// A single action on given dates.
    case oneOff = "one_off"
    /// Regular work in weekly time slots between two dates.
    case regular
    /// Ongoing, without an end date.
    case ongoing

    public var catalogueKey: String { "offer.schedule.\(rawValue)" }
}

/// A time of the week when someone can volunteer: a day and a part of the day, written "tue-afternoon".
public struct WeeklySlot: Hashable, Sendable, Comparable, Codable {
    public enum Day: String, CaseIterable, Sendable, Codable {
        case mon, tue, wed, thu, fri, sat, sun
    }

    public enum Part: String, CaseIterable, Sendable, Codable {
        case morning, afternoon, evening
    }

    public let day: Day
    public let part: Part

    public init(day: Day, part: Part) {
        self.day = day
        self.part = part
    }

    public init?(code: String) {
        let pieces = code.split(separator: "-")
        guard pieces.count == 2, let day = Day(rawValue: String(pieces[0])), let part = Part(rawValue: String(pieces[1])) else {
            return nil
        }
        self.init(day: day, part: part)
    }

    public var code: String { "\(day.rawValue)-\(part.rawValue)" }

    public static let all: [WeeklySlot] = Day.allCases.flatMap { day in Part.allCases.map { WeeklySlot(day: day, part: $0) } }

    /// Parses a stored list ("mon-morning,tue-evening"); unknown codes are dropped.
    public static func list(_ text: String) -> [WeeklySlot] {
        Array(set(text)).sorted()
    }

    /// Parses a stored list into a set, for matching.
    public static func set(_ text: String) -> Set<WeeklySlot> {
        Set(text.split(separator: ",").compactMap { byCode[String($0)] })
    }

    private static let byCode: [String: WeeklySlot] = Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0) })

    public static func code(of slots: [WeeklySlot]) -> String {
        Array(Set(slots)).sorted().map(\.code).joined(separator: ",")
    }

    public static func < (lhs: WeeklySlot, rhs: WeeklySlot) -> Bool {
        let days = Day.allCases, parts = Part.allCases
        let l = (days.firstIndex(of: lhs.day)!, parts.firstIndex(of: lhs.part)!)
        let r = (days.firstIndex(of: rhs.day)!, parts.firstIndex(of: rhs.part)!)
        return l < r
    }
}

/// Words of a search, folded and cut back to a stem, so that "seniorów", "seniorom" and "Senior" all
/// find "seniorami", and "lodz" finds "Łódź". Documents are indexed folded; each search word becomes a
/// prefix to match.
public enum SearchTerms {
    public static let maximumTerms = 8
    public static let maximumTermLength = 40

    /// Polish inflectional endings, longest first; one is cut when at least four letters remain.
    static let endings = [
        "owie", "ami", "ach", "owi", "iem", "ego", "emu", "ich", "ymi", "imi", "om", "ow", "ie", "em", "ej", "ym", "im",
        "a", "e", "i", "o", "u", "y",
    ]

    /// The stemmed, folded words of a query, at most eight, without duplicates; letters and digits only.
    public static func terms(_ query: String) -> [String] {
        terms(query, limit: maximumTerms)
    }

    /// The stemmed, folded words of a text, at most `limit`, without duplicates.
    public static func terms(_ query: String, limit: Int) -> [String] {
        let folded = TextFolding.fold(query)
        var words: [String] = []
        var current = ""
        for character in folded {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        var seen = Set<String>()
        var result: [String] = []
        for word in words {
            let stem = stem(String(word.prefix(maximumTermLength)))
            guard stem.count >= 2, seen.insert(stem).inserted else { continue }
            result.append(stem)
            if result.count == limit { break }
        }
        return result
    }

    /// The terms of a short text that recurs — a skill, a language — worked out once per process: the
    /// matching service scores hundreds of offers a request, most asking for the same few skills.
    public static func recurring(_ text: String) -> [String] {
        if let known = memo.withLock({ $0[text] }) { return known }
        let found = terms(text)
        memo.withLock { entries in
            if entries.count >= memoCapacity { entries.removeAll(keepingCapacity: true) }
            entries[text] = found
        }
        return found
    }

    static let memoCapacity = 50_000
    private static let memo = LockedDictionary<[String]>()

    /// Cuts one inflectional ending when at least four letters remain: "seniorom" → "senior".
    public static func stem(_ word: String) -> String {
        for ending in endings where word.hasSuffix(ending) && word.count - ending.count >= 4 {
            return String(word.dropLast(ending.count))
        }
        return word
    }

    /// The text of a document as it is indexed: folded, words separated by single spaces.
    public static func document(_ parts: [String]) -> String {
        let folded = TextFolding.fold(parts.joined(separator: " "))
        return folded.split { !($0.isLetter || $0.isNumber) }.joined(separator: " ")
    }
}

/// Words added to the indexed text of an offer so that the full-text index itself narrows a search to a
/// voivodeship and to the neighbourhood of a place: "woj14" for the voivodeship, "g261x70" for a grid cell
/// of 0.2° latitude by 0.3° longitude (about 22 by 20 km in Poland), "zdalnie" for remote work.
public enum PlaceWords {
    public static let latitudeStep = 0.2
    public static let longitudeStep = 0.3
    public static let remote = "zdalnie"
    /// Beyond this many cells (a very large radius) the cells are not used; the SQL filter alone decides.
    public static let maximumCells = 64

    public static func voivodeship(_ code: String) -> String { "woj\(code)" }

    public static func cell(latitude: Double, longitude: Double) -> String {
        "g\(Int((latitude / latitudeStep).rounded(.down)))x\(Int((longitude / longitudeStep).rounded(.down)))"
    }

    /// The cells that cover a circle of `kilometres` around a point, or nil when there would be too many.
    public static func cells(aroundLatitude latitude: Double, longitude: Double, kilometres: Double) -> [String]? {
        let dLat = kilometres / 111.32
        let dLon = kilometres / (111.32 * max(0.1, cos(latitude * .pi / 180)))
        let latFrom = Int(((latitude - dLat) / latitudeStep).rounded(.down)), latTo = Int(((latitude + dLat) / latitudeStep).rounded(.down))
        let lonFrom = Int(((longitude - dLon) / longitudeStep).rounded(.down)), lonTo = Int(((longitude + dLon) / longitudeStep).rounded(.down))
        guard (latTo - latFrom + 1) * (lonTo - lonFrom + 1) <= maximumCells else { return nil }
        return (latFrom...latTo).flatMap { lat in (lonFrom...lonTo).map { "g\(lat)x\($0)" } }
    }

    /// A place word joined with a word ("g261x70qseniorom"): one word of the index that means "this word, in
    /// this place", so a search by words and place reads a few short lists instead of intersecting long ones.
    /// A search looks the compounds up by prefix (place, "q", stem), exactly as it looks plain words up.
    public static func compound(_ place: String, _ word: String) -> String { place + "q" + word }

    /// Whether a word of an indexed document is a place word rather than a word of its text.
    public static func isPlaceWord(_ word: Substring) -> Bool {
        if word == remote { return true }
        if word.hasPrefix("woj") { return word.count > 3 && word.dropFirst(3).allSatisfy(\.isNumber) }
        guard word.first == "g", let x = word.firstIndex(of: "x") else { return false }
        let latitude = word[word.index(after: word.startIndex)..<x], longitude = word[word.index(after: x)...]
        return !latitude.isEmpty && !longitude.isEmpty && latitude.allSatisfy(\.isNumber) && longitude.allSatisfy(\.isNumber)
    }

    /// The text a search index holds for a document made by `SearchTerms.document`: its words, then each
    /// distinct word of its text joined with each of its place words.
    public static func indexed(_ document: String) -> String {
        let words = document.split(separator: " ")
        let places = words.filter(isPlaceWord)
        guard !places.isEmpty else { return document }
        var seen = Set<Substring>()
        var result = document
        for word in words where !isPlaceWord(word) && seen.insert(word).inserted {
            for place in places { result += " " + compound(String(place), String(word)) }
        }
        return result
    }

    /// The place words of an offer or an offer of help.
    public static func words(voivodeship: String?, latitude: Double?, longitude: Double?, remote: Bool) -> [String] {
        var words: [String] = []
        if let voivodeship { words.append(self.voivodeship(voivodeship)) }
        if let latitude, let longitude { words.append(cell(latitude: latitude, longitude: longitude)) }
        if remote { words.append(self.remote) }
        return words
    }
}

/// A dictionary behind a lock, for memos such as that of `SearchTerms.recurring`.
final class LockedDictionary<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: Value] = [:]

    func withLock<T>(_ body: (inout [String: Value]) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&entries)
    }
}
