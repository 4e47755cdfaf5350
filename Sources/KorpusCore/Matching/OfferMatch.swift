import Foundation

/// What the matching service knows of a volunteer: their profile and their offer of help.
public struct VolunteerFacts: Sendable {
    public var age: Int?
    /// For a minor: whether the guardian consented to volunteering.
    public var guardianConsent: Bool
    /// Whether the volunteer has said they will show a record check (required for work with children).
    public var recordCheckAcknowledged: Bool
    public var skills: [String] { didSet { skillTerms = OfferFacts.terms(of: skills) } }
    /// The search terms of each skill, worked out once rather than for every offer scored.
    public private(set) var skillTerms: [[String]] = []
    public var areas: Set<OfferArea>
    public var slots: Set<WeeklySlot>
    public var latitude: Double?
    public var longitude: Double?
    /// How far the volunteer travels, in kilometres.
    public var travelKilometres: Double
    /// Whether the volunteer takes remote work.
    public var remote: Bool
    /// Languages the volunteer speaks, in any form of diacritics; empty means Polish only.
    public var languages: [String] { didSet { spokenLanguages = Set(languages.map(TextFolding.fold)) } }
    /// The languages folded, worked out once.
    public private(set) var spokenLanguages: Set<String> = []
    public var needsAccessibility: Bool

    public init(age: Int?, guardianConsent: Bool = false, recordCheckAcknowledged: Bool = false, skills: [String] = [],
                areas: Set<OfferArea> = [], slots: Set<WeeklySlot> = [], latitude: Double? = nil, longitude: Double? = nil,
                travelKilometres: Double = 25, remote: Bool = false, languages: [String] = [], needsAccessibility: Bool = false) {
        self.age = age
        self.guardianConsent = guardianConsent
        self.recordCheckAcknowledged = recordCheckAcknowledged
        self.skills = skills
        self.skillTerms = OfferFacts.terms(of: skills)
        self.areas = areas
        self.slots = slots
        self.latitude = latitude
        self.longitude = longitude
        self.travelKilometres = travelKilometres
        self.remote = remote
        self.languages = languages
        self.spokenLanguages = Set(languages.map(TextFolding.fold))
        self.needsAccessibility = needsAccessibility
    }
}

/// What the matching service knows of an offer.
public struct OfferFacts: Sendable {
    public var area: OfferArea
    public var skills: [String] { didSet { skillTerms = Self.terms(of: skills) } }
    /// The search terms of each skill asked for, worked out once.
    public private(set) var skillTerms: [[String]] = []
    public var schedule: OfferSchedule
    public var slots: Set<WeeklySlot>
    public var latitude: Double?
    public var longitude: Double?
    public var remote: Bool
    /// Languages the work needs ("polski", "ukraiński"); Polish alone (or nothing) asks for nothing special.
    public var languages: [String] { didSet { otherLanguages = Self.otherThanPolish(languages) } }
    /// The languages needed other than Polish, as written and folded, worked out once.
    public private(set) var otherLanguages: [(name: String, folded: String)] = []
    public var minimumAge: Int
    public var minorsWelcome: Bool
    public var involvesChildren: Bool
    public var accessible: Bool
    public var openForApplications: Bool

    public init(area: OfferArea, skills: [String] = [], schedule: OfferSchedule = .regular, slots: Set<WeeklySlot> = [],
                latitude: Double? = nil, longitude: Double? = nil, remote: Bool = false, languages: [String] = ["polski"],
                minimumAge: Int = 18, minorsWelcome: Bool = false, involvesChildren: Bool = false, accessible: Bool = false,
                openForApplications: Bool = true) {
        self.area = area
        self.skills = skills
        self.skillTerms = Self.terms(of: skills)
        self.schedule = schedule
        self.slots = slots
        self.latitude = latitude
        self.longitude = longitude
        self.remote = remote
        self.languages = languages
        self.otherLanguages = Self.otherThanPolish(languages)
        self.minimumAge = minimumAge
        self.minorsWelcome = minorsWelcome
        self.involvesChildren = involvesChildren
        self.accessible = accessible
        self.openForApplications = openForApplications
    }

    /// The terms of each skill, worked out once per list: the same lists recur over many offers, and the
    /// offers held in memory then share one copy.
    static func terms(of skills: [String]) -> [[String]] {
        let key = skills.joined(separator: "\n")
        if let known = termsMemo.withLock({ $0[key] }) { return known }
        let found = skills.map(SearchTerms.recurring).filter { !$0.isEmpty }
        termsMemo.withLock { entries in
            if entries.count >= SearchTerms.memoCapacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = found
        }
        return found
    }

    private static let termsMemo = LockedDictionary<[[String]]>()

    static func otherThanPolish(_ languages: [String]) -> [(name: String, folded: String)] {
        languages.compactMap { written in
            let name = written.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name != "polski" else { return nil }
            let folded = TextFolding.fold(name)
            return folded == "polski" ? nil : (name, folded)
        }
    }
}

/// One reason behind a score, as a catalogue key with its arguments, so it is said in the person's language.
/// Arguments named `area` and `kind` hold catalogue keys, `areas` area codes and `slots` weekly slot codes.
public struct MatchReason: Sendable, Equatable {
    public let key: String
    public let arguments: [String: String]
    /// Whether it speaks for the offer (shown as a plus) or against it.
    public let favourable: Bool

    /// The reason in the catalogue's language; an area or weekly slots in the arguments are named there too.
    public func text(in catalogue: Catalogue) -> String {
        var named = arguments
        if let area = arguments["area"] { named["area"] = catalogue.text(area) }
        if let kind = arguments["kind"] { named["kind"] = catalogue.text(kind) }
        if let areas = arguments["areas"] {
            named["areas"] = areas.split(separator: ",").compactMap { OfferArea(rawValue: String($0)) }
                .map { catalogue.text($0.catalogueKey) }.joined(separator: ", ")
        }
        if let slots = arguments["slots"] {
            named["slots"] = WeeklySlot.list(slots).map { catalogue.text("slot.day.\($0.day.rawValue)") + " " + catalogue.text("slot.part.\($0.part.rawValue)") }
                .joined(separator: ", ")
        }
        return catalogue.text(key, named)
    }
}

/// Why an offer is not for a volunteer at all.
public enum MatchExclusion: String, Sendable, CaseIterable {
    case tooYoung = "too_young"
    case minorsNotWelcome = "minors_not_welcome"
    case noGuardianConsent = "no_guardian_consent"
    case recordCheckNeeded = "record_check_needed"
    case recruitmentClosed = "recruitment_closed"
    case tooFar = "too_far"

    public var catalogueKey: String { "match.excluded.\(rawValue)" }
}

/// How well an offer fits a volunteer: a score from the weighted soft conditions, with its reasons.
public struct OfferMatch: Sendable {
    public let score: Double
    public let reasons: [MatchReason]
    /// Kilometres between the volunteer and the place of the offer, when both are known.
    public let kilometres: Double?
}

/// The weights of the soft conditions, in one place. A score is their sum; the most a perfect fit gets
/// is 100 (skills 35 + area 25 + time 20 + distance 15 + accessibility 5), before penalties.
public enum MatchWeights {
    /// Times the share of the offer's skills the volunteer has; an offer asking for no skill gives half.
    public static let skills = 35.0
    /// When the offer's area is one the volunteer chose.
    public static let area = 25.0
    /// Times the share of the offer's weekly slots the volunteer is free in; an offer without slots (a
    /// one-off action, ongoing work at any time) or a volunteer who gave none gives half.
    public static let time = 20.0
    /// Remote work, or nearness: full at the volunteer's door, falling to a fifth at the edge of their range.
    public static let distance = 15.0
    /// When the volunteer needs an accessible place and the offer has one.
    public static let accessibility = 5.0
    /// Taken off when the volunteer needs an accessible place and the offer is not.
    public static let notAccessible = 30.0
    /// Taken off when the offer needs a language other than Polish that the volunteer does not speak.
    public static let language = 30.0
}

/// The scoring model of the matching service (serwis kojarzeniowy), free of the database: the hard
/// conditions exclude, the soft ones add up with `MatchWeights`.
public enum OfferMatcher {
    public static let adultAge = 18

    /// The score of an offer for a volunteer with its reasons — or, `withReasons` false, the same score
    /// alone: working out the reasons' texts costs more than the score, and a list needs them for the few it
    /// shows only.
    public static func match(_ volunteer: VolunteerFacts, _ offer: OfferFacts, withReasons: Bool = true) -> Result<OfferMatch, MatchExclusionError> {
        match(volunteer, age: volunteer.age, offer, open: offer.openForApplications, withReasons: withReasons)
    }

    /// `match` with the volunteer's age and whether the offer is open given apart, so the in-memory indexes
    /// score the facts they hold where they are, without a copy for each candidate.
    static func match(_ volunteer: VolunteerFacts, age: Int?, _ offer: OfferFacts, open: Bool, withReasons: Bool) -> Result<OfferMatch, MatchExclusionError> {
        if let exclusion = exclusion(volunteer, age: age, offer, open: open) { return .failure(MatchExclusionError(exclusion)) }
        var score = 0.0
        var reasons: [MatchReason] = []
        func reason(_ key: String, _ arguments: @autoclosure () -> [String: String], favourable: Bool) {
            if withReasons { reasons.append(MatchReason(key: key, arguments: arguments(), favourable: favourable)) }
        }

        // Skills
        let wanted = offer.skillTerms
        if wanted.isEmpty {
            score += MatchWeights.skills / 2
        } else {
            let matched = wanted.reduce(0) { count, asked in volunteer.skillTerms.contains { termsMatch($0, asked) } ? count + 1 : count }
            score += MatchWeights.skills * Double(matched) / Double(wanted.count)
            reason("match.reason.skills", ["matched": String(matched), "total": String(wanted.count)],
                   favourable: matched * 2 >= wanted.count && matched > 0)
        }

        // Area
        if volunteer.areas.contains(offer.area) {
            score += MatchWeights.area
            reason("match.reason.area", ["area": offer.area.catalogueKey], favourable: true)
        }

        // Time
        if offer.slots.isEmpty || volunteer.slots.isEmpty {
            score += MatchWeights.time / 2
        } else {
            let common = offer.slots.reduce(0) { volunteer.slots.contains($1) ? $0 + 1 : $0 }
            score += MatchWeights.time * Double(common) / Double(offer.slots.count)
            if common == 0 {
                reason("match.reason.no_time", [:], favourable: false)
            } else {
                reason("match.reason.time", ["slots": offer.slots.intersection(volunteer.slots).sorted().map(\.code).joined(separator: ",")], favourable: true)
            }
        }

        // Place
        var kilometres: Double?
        if let lat1 = volunteer.latitude, let lon1 = volunteer.longitude, let lat2 = offer.latitude, let lon2 = offer.longitude {
            kilometres = GeoDistance.kilometres(fromLatitude: lat1, longitude: lon1, toLatitude: lat2, longitude: lon2)
        }
        if offer.remote {
            score += volunteer.remote ? MatchWeights.distance : MatchWeights.distance / 2
            reason("match.reason.remote", [:], favourable: volunteer.remote)
        } else if let kilometres {
            let share = max(0, 1 - kilometres / max(volunteer.travelKilometres, 1))
            score += MatchWeights.distance * (0.2 + 0.8 * share)
            reason("match.reason.distance", ["km": String(Int(kilometres.rounded()))], favourable: true)
        }

        // Accessibility
        if volunteer.needsAccessibility {
            if offer.accessible || offer.remote {
                score += MatchWeights.accessibility
                reason("match.reason.accessible", [:], favourable: true)
            } else {
                score -= MatchWeights.notAccessible
                reason("match.reason.not_accessible", [:], favourable: false)
            }
        }

        // Languages
        let needed = offer.otherLanguages
        if !needed.isEmpty {
            let missing = needed.filter { !volunteer.spokenLanguages.contains($0.folded) }
            if missing.isEmpty {
                reason("match.reason.languages", ["languages": needed.map(\.name).joined(separator: ", ")], favourable: true)
            } else {
                score -= MatchWeights.language
                reason("match.reason.languages_missing", ["languages": missing.map(\.name).joined(separator: ", ")], favourable: false)
            }
        }
        return .success(OfferMatch(score: score, reasons: reasons, kilometres: kilometres))
    }

    /// The hard condition an offer fails for a volunteer, if any.
    public static func exclusion(_ volunteer: VolunteerFacts, _ offer: OfferFacts) -> MatchExclusion? {
        exclusion(volunteer, age: volunteer.age, offer, open: offer.openForApplications)
    }

    static func exclusion(_ volunteer: VolunteerFacts, age: Int?, _ offer: OfferFacts, open: Bool) -> MatchExclusion? {
        if !open { return .recruitmentClosed }
        if let age {
            if age < offer.minimumAge { return .tooYoung }
            if age < adultAge {
                if !offer.minorsWelcome { return .minorsNotWelcome }
                if !volunteer.guardianConsent { return .noGuardianConsent }
            }
        }
        if offer.involvesChildren && !volunteer.recordCheckAcknowledged { return .recordCheckNeeded }
        if !offer.remote, let lat1 = volunteer.latitude, let lon1 = volunteer.longitude, let lat2 = offer.latitude, let lon2 = offer.longitude,
            GeoDistance.kilometres(fromLatitude: lat1, longitude: lon1, toLatitude: lat2, longitude: lon2) > volunteer.travelKilometres
        {
            return .tooFar
        }
        return nil
    }

    /// Whether a skill the volunteer has answers a skill the offer asks for: at least half of the words of
    /// the offer's skill begin like a word of the volunteer's ("praca z dziećmi" answers "praca z dziecmi").
    public static func skillsMatch(_ has: String, _ wanted: String) -> Bool {
        termsMatch(SearchTerms.terms(has), SearchTerms.terms(wanted))
    }

    static func termsMatch(_ own: [String], _ asked: [String]) -> Bool {
        guard !own.isEmpty, !asked.isEmpty else { return false }
        let found = asked.filter { word in own.contains { $0.hasPrefix(word) || word.hasPrefix($0) } }.count
        return found * 2 >= asked.count
    }
}

/// The hard condition that excluded an offer, as an error of `OfferMatcher.match`.
public struct MatchExclusionError: Error, Sendable, Equatable {
    public let exclusion: MatchExclusion
    public init(_ exclusion: MatchExclusion) { self.exclusion = exclusion }
}
