import Foundation

/// An active offer of help as the matching service holds it in memory: who made it, when it last changed,
/// and what the matcher knows of its author (the age worked out on the day it is read).
public struct AvailableVolunteer: Sendable {
    public var helpOfferID: UUID
    public var volunteerID: UUID
    /// Seconds since 1970.
    public var updatedAt: Double
    /// The date of birth as `Age.dayNumber`.
    public var bornOn: Int32?
    /// Everything but the age, which changes with the day.
    public var facts: VolunteerFacts

    public init(helpOfferID: UUID, volunteerID: UUID, updatedAt: Double, bornOn: Int32?, facts: VolunteerFacts) {
        self.helpOfferID = helpOfferID
        self.volunteerID = volunteerID
        self.updatedAt = updatedAt
        self.bornOn = bornOn
        self.facts = facts
    }
}

/// The active offers of help that coordinators may be shown, held in memory by volunteer, with their
/// positions in compact columns: picking the candidates for an offer reads no database row. A value, like
/// `OfferFinder`: a change makes a new version and readers keep theirs.
public struct VolunteerPool: Sendable {
    private var volunteers: [AvailableVolunteer] = []
    private var latitudes: [Double] = []
    private var longitudes: [Double] = []
    private var remote: [Bool] = []
    private var updatedAt: [Double] = []
    private var slotByVolunteer: [UUID: Int] = [:]
    /// The slots, most recently updated first (ties by slot): the candidates are the first ones that fit,
    /// so a pick reads only as far as it needs to.
    private var recency: [Int32] = []

    public init() {}

    public init<S: Sequence>(_ entries: S) where S.Element == AvailableVolunteer {
        for entry in entries { put(entry) }
        reorder()
    }

    public var count: Int { volunteers.count }

    /// Puts these offers of help in (replacing each volunteer's earlier one) and takes out the volunteers
    /// in `removed` (no active offer of help any more, or not an active account).
    public mutating func apply(upserted: [AvailableVolunteer], removed: [UUID]) {
        for id in removed { take(id) }
        for entry in upserted { put(entry) }
        reorder()
    }

    private mutating func reorder() {
        let updatedAt = self.updatedAt
        recency = (0..<Int32(volunteers.count)).sorted { l, r in
            updatedAt[Int(l)] != updatedAt[Int(r)] ? updatedAt[Int(l)] > updatedAt[Int(r)] : l < r
        }
    }

    private mutating func put(_ entry: AvailableVolunteer) {
        if let slot = slotByVolunteer[entry.volunteerID] {
            volunteers[slot] = entry
            latitudes[slot] = entry.facts.latitude ?? .nan
            longitudes[slot] = entry.facts.longitude ?? .nan
            remote[slot] = entry.facts.remote
            updatedAt[slot] = entry.updatedAt
            return
        }
        slotByVolunteer[entry.volunteerID] = volunteers.count
        volunteers.append(entry)
        latitudes.append(entry.facts.latitude ?? .nan)
        longitudes.append(entry.facts.longitude ?? .nan)
        remote.append(entry.facts.remote)
        updatedAt.append(entry.updatedAt)
    }

    /// Removes by moving the last entry into the freed slot.
    private mutating func take(_ volunteerID: UUID) {
        guard let slot = slotByVolunteer.removeValue(forKey: volunteerID) else { return }
        let last = volunteers.count - 1
        if slot != last {
            volunteers[slot] = volunteers[last]
            latitudes[slot] = latitudes[last]
            longitudes[slot] = longitudes[last]
            remote[slot] = remote[last]
            updatedAt[slot] = updatedAt[last]
            slotByVolunteer[volunteers[slot].volunteerID] = slot
        }
        volunteers.removeLast()
        latitudes.removeLast()
        longitudes.removeLast()
        remote.removeLast()
        updatedAt.removeLast()
    }

    /// The `limit` most recently updated offers of help that are remote (`remote`) or not, and then, when
    /// `near` is given, lie within its distance — the candidates scored for an offer — with their ages on
    /// `today` (an `Age.dayNumber`).
    public func newest(remote wantsRemote: Bool, near: (latitude: Double, longitude: Double, kilometres: Double)?, limit: Int,
                       today: Int32) -> [AvailableVolunteer] {
        newestSlots(remote: wantsRemote, near: near, limit: limit).map { entry($0, today: today) }
    }

    /// The candidates `newest` would give, scored for the offer where they are held (no copy of each): their
    /// volunteers with the scores, in the order of `newest`, those a hard condition leaves out left out.
    public func scored(for offer: OfferFacts, remote wantsRemote: Bool, near: (latitude: Double, longitude: Double, kilometres: Double)?,
                       limit: Int, today: Int32) -> [(volunteerID: UUID, score: Double)] {
        let slots = newestSlots(remote: wantsRemote, near: near, limit: limit)
        // Read through a buffer: each entry is borrowed where it is, not copied (a copy retains every list it holds).
        return volunteers.withUnsafeBufferPointer { held in
            var scored: [(volunteerID: UUID, score: Double)] = []
            scored.reserveCapacity(slots.count)
            for slot in slots {
                let age = held[slot].bornOn.flatMap { Age.years(bornOnDay: $0, today: today) }
                guard case .success(let match) = OfferMatcher.match(held[slot].facts, age: age, offer, open: offer.openForApplications,
                                                                    withReasons: false)
                else { continue }
                scored.append((held[slot].volunteerID, match.score))
            }
            return scored
        }
    }

    /// A volunteer's offer of help with their age on `today`.
    public func entry(of volunteerID: UUID, today: Int32) -> AvailableVolunteer? {
        slotByVolunteer[volunteerID].map { entry($0, today: today) }
    }

    private func entry(_ slot: Int, today: Int32) -> AvailableVolunteer {
        var found = volunteers[slot]
        found.facts.age = found.bornOn.flatMap { Age.years(bornOnDay: $0, today: today) }
        return found
    }

    private func newestSlots(remote wantsRemote: Bool, near: (latitude: Double, longitude: Double, kilometres: Double)?, limit: Int) -> [Int] {
        let box = near.map { Box(latitude: $0.latitude, longitude: $0.longitude, kilometres: $0.kilometres) }
        var found: [Int] = []
        found.reserveCapacity(max(0, min(limit, volunteers.count)))
        for slot32 in recency {
            guard found.count < limit else { break }
            let slot = Int(slot32)
            guard remote[slot] == wantsRemote else { continue }
            if let box, box.squaredDistance(latitude: latitudes[slot], longitude: longitudes[slot]) == nil { continue }
            found.append(slot)
        }
        return found
    }
}
