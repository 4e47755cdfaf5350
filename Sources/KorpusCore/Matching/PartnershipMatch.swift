import Foundation

/// What an organisation looking for partners asks for.
public enum PartnershipKind: String, Sendable, CaseIterable {
    case jointAction = "joint_action", coalition, premises, internship, expertise, equipment, other

    public var catalogueKey: String { "partnership.kind.\(rawValue)" }
}

/// What the matching service knows of a partnership need (potrzeba partnerska) of an organisation.
public struct PartnershipNeedFacts: Sendable {
    public var kind: PartnershipKind
    /// The areas the partnership is about; empty means any.
    public var areas: Set<OfferArea>
    /// What the partner should bring ("sala na 30 osób", "księgowość"), each item as typed.
    public var wanted: [String] { didSet { wantedTerms = wanted.map(SearchTerms.terms).filter { !$0.isEmpty } } }
    public private(set) var wantedTerms: [[String]] = []
    /// The kinds of organisation preferred (`Organisation.Kind` codes); empty means any.
    public var preferredKinds: Set<String>
    public var voivodeshipCode: String
    public var latitude: Double?
    public var longitude: Double?
    /// How far from the asking organisation a partner may be, in kilometres, when working together in person.
    public var reachKilometres: Double
    /// Whether the partnership works at a distance: then any organisation of the voivodeship fits.
    public var remote: Bool

    public init(kind: PartnershipKind, areas: Set<OfferArea> = [], wanted: [String] = [], preferredKinds: Set<String> = [],
                voivodeshipCode: String, latitude: Double? = nil, longitude: Double? = nil, reachKilometres: Double = 50, remote: Bool = false) {
        self.kind = kind
        self.areas = areas
        self.wanted = wanted
        self.wantedTerms = wanted.map(SearchTerms.terms).filter { !$0.isEmpty }
        self.preferredKinds = preferredKinds
        self.voivodeshipCode = voivodeshipCode
        self.latitude = latitude
        self.longitude = longitude
        self.reachKilometres = reachKilometres
        self.remote = remote
    }
}

/// What the matching service knows of an organisation that could answer a partnership need.
public struct PartnerFacts: Sendable {
    /// The organisation's kind (`Organisation.Kind` code).
    public var kind: String
    /// The areas of the organisation's published offers.
    public var areas: Set<OfferArea>
    /// The search terms of what the organisation says of itself and of its offers' titles and skills.
    public var terms: Set<String>
    public var voivodeshipCode: String
    public var latitude: Double?
    public var longitude: Double?

    public init(kind: String, areas: Set<OfferArea> = [], text: [String] = [], voivodeshipCode: String,
                latitude: Double? = nil, longitude: Double? = nil) {
        self.kind = kind
        self.areas = areas
        self.terms = Set(text.flatMap { SearchTerms.terms($0, limit: .max) })
        self.voivodeshipCode = voivodeshipCode
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// Why an organisation is not a candidate partner at all.
public enum PartnershipExclusion: String, Sendable, CaseIterable {
    /// The partnership works at a distance, and the organisation is in another voivodeship.
    case outsideRegion = "outside_region"
    /// The partnership is in person, and the organisation is farther than the need's reach.
    case tooFar = "too_far"

    public var catalogueKey: String { "partnership.excluded.\(rawValue)" }
}

/// The weights of the soft conditions of partnership matching, in one place. A perfect fit gets 100.
public enum PartnershipWeights {
    /// Times the share of the need's areas the organisation works in; a need in any area gives half.
    public static let areas = 40.0
    /// Times the share of the wanted items the organisation's own words mention; a need wanting nothing
    /// named gives half.
    public static let wanted = 30.0
    /// Working at a distance, or nearness: full at the same place, falling to a fifth at the edge of the reach.
    public static let distance = 20.0
    /// When the organisation is of a preferred kind; no preference gives half.
    public static let kind = 10.0
}

/// The scoring model for partnership needs: the same shape as `OfferMatcher` — hard conditions exclude,
/// soft ones add up with `PartnershipWeights`, each with its reason in the reader's language.
public enum PartnershipMatcher {
    public static func match(_ need: PartnershipNeedFacts, _ partner: PartnerFacts) -> Result<OfferMatch, PartnershipExclusionError> {
        var kilometres: Double?
        if let lat1 = need.latitude, let lon1 = need.longitude, let lat2 = partner.latitude, let lon2 = partner.longitude {
            kilometres = GeoDistance.kilometres(fromLatitude: lat1, longitude: lon1, toLatitude: lat2, longitude: lon2)
        }
        if need.remote {
            if partner.voivodeshipCode != need.voivodeshipCode { return .failure(PartnershipExclusionError(.outsideRegion)) }
        } else if let kilometres {
            if kilometres > need.reachKilometres { return .failure(PartnershipExclusionError(.tooFar)) }
        } else if partner.voivodeshipCode != need.voivodeshipCode {
            return .failure(PartnershipExclusionError(.outsideRegion))
        }
        var score = 0.0
        var reasons: [MatchReason] = []

        // Areas
        if need.areas.isEmpty {
            score += PartnershipWeights.areas / 2
        } else {
            let shared = need.areas.intersection(partner.areas).sorted { $0.rawValue < $1.rawValue }
            score += PartnershipWeights.areas * Double(shared.count) / Double(need.areas.count)
            if shared.isEmpty {
                reasons.append(MatchReason(key: "partnership.reason.no_areas", arguments: [:], favourable: false))
            } else {
                reasons.append(MatchReason(key: "partnership.reason.areas", arguments: ["areas": shared.map(\.rawValue).joined(separator: ",")],
                                           favourable: true))
            }
        }

        // What the partner should bring
        if need.wantedTerms.isEmpty {
            score += PartnershipWeights.wanted / 2
        } else {
            var named: [String] = []
            for (item, terms) in zip(need.wanted.filter { !SearchTerms.terms($0).isEmpty }, need.wantedTerms) {
                let found = terms.filter { word in partner.terms.contains { $0.hasPrefix(word) || word.hasPrefix($0) } }.count
                if found * 2 >= terms.count { named.append(item) }
            }
            score += PartnershipWeights.wanted * Double(named.count) / Double(need.wantedTerms.count)
            reasons.append(named.isEmpty
                ? MatchReason(key: "partnership.reason.no_wanted", arguments: [:], favourable: false)
                : MatchReason(key: "partnership.reason.wanted", arguments: ["items": named.joined(separator: ", ")], favourable: true))
        }

        // Place
        if need.remote {
            score += PartnershipWeights.distance
            reasons.append(MatchReason(key: "partnership.reason.region", arguments: [:], favourable: true))
        } else if let kilometres {
            let share = max(0, 1 - kilometres / max(need.reachKilometres, 1))
            score += PartnershipWeights.distance * (0.2 + 0.8 * share)
            reasons.append(MatchReason(key: "partnership.reason.distance", arguments: ["km": String(Int(kilometres.rounded()))], favourable: true))
        } else {
            score += PartnershipWeights.distance / 2
            reasons.append(MatchReason(key: "partnership.reason.region", arguments: [:], favourable: true))
        }

        // Kind of organisation
        if need.preferredKinds.isEmpty {
            score += PartnershipWeights.kind / 2
        } else if need.preferredKinds.contains(partner.kind) {
            score += PartnershipWeights.kind
            reasons.append(MatchReason(key: "partnership.reason.kind", arguments: ["kind": "organisation.kind.\(partner.kind)"], favourable: true))
        }
        return .success(OfferMatch(score: score, reasons: reasons, kilometres: kilometres))
    }
}

/// The hard condition that excluded an organisation, as an error of `PartnershipMatcher.match`.
public struct PartnershipExclusionError: Error, Sendable, Equatable {
    public let exclusion: PartnershipExclusion
    public init(_ exclusion: PartnershipExclusion) { self.exclusion = exclusion }
}
