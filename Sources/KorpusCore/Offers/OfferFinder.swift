import Foundation

/// An offer as the in-memory search index (`OfferFinder`) holds it: what the search filters and sorts on,
/// the words of its indexed text, and what the matching service knows of it.
public struct FindableOffer: Sendable {
    /// The key of the database's index row: ties are broken by it, as in the database.
    public var key: Int64
    public var id: UUID
    public var voivodeshipCode: String?
    public var minorsWelcome: Bool
    public var startsOn: String?
    public var endsOn: String?
    public var recruitmentDeadline: String?
    /// Seconds since 1970.
    public var publishedAt: Double
    /// The indexed document (`SearchTerms.document`): folded words separated by single spaces.
    public var text: String
    public var facts: OfferFacts

    public init(key: Int64, id: UUID, voivodeshipCode: String?, minorsWelcome: Bool, startsOn: String?, endsOn: String?,
                recruitmentDeadline: String?, publishedAt: Double, text: String, facts: OfferFacts) {
        self.key = key
        self.id = id
        self.voivodeshipCode = voivodeshipCode
        self.minorsWelcome = minorsWelcome
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.recruitmentDeadline = recruitmentDeadline
        self.publishedAt = publishedAt
        self.text = text
        self.facts = facts
    }
}

/// The search of published offers held in memory: an inverted index of the words of every offer (each
/// search term matched as a prefix, ranked by BM25) beside compact columns of what the filters and sorts
/// read, so a search reads no database row until it has the offers it shows. The same conditions and
/// orders as the database's search (`OfferSearch` in the application), which tests compare it with.
///
/// A value: changes make a new version (the arrays are copied on write), so searches in flight keep
/// reading the version they started with.
public struct OfferFinder: Sendable {
    public enum Sort: Sendable { case relevance, newest, nearest, deadline }

    public struct Query: Sendable {
        /// Stems from `SearchTerms.terms`, each matched as the prefix of a word.
        public var terms: [String] = []
        public var area: OfferArea?
        public var voivodeshipCode: String?
        public var near: (latitude: Double, longitude: Double, kilometres: Double)?
        public var remoteOnly = false
        public var forMinors = false
        public var accessibleOnly = false
        /// Offers not ended before this day ("YYYY-MM-DD").
        public var from: String?
        /// Offers not starting after this day.
        public var to: String?
        public var sort: Sort = .relevance
        public var offset = 0
        public var limit = 20

        public init() {}
    }

    public struct Found: Sendable {
        /// The offers of the page, in order.
        public let ids: [UUID]
        /// How many offers meet the query.
        public let total: Int
    }

    /// BM25's parameters, as SQLite's FTS5 uses them.
    static let k1 = 1.2, b = 0.75

    // Columns by slot; a slot whose offer was removed stays until the next compaction, marked dead.
    private var ids: [UUID] = []
    private var keys: [Int64] = []
    private var flags: [UInt8] = []
    private var areas: [UInt8] = []
    private var voivodeships: [UInt8] = []
    private var latitudes: [Double] = []
    private var longitudes: [Double] = []
    private var publishedAt: [Double] = []
    private var startDays: [Int32] = []
    private var endDays: [Int32] = []
    private var deadlineDays: [Int32] = []
    private var lengths: [UInt16] = []
    private var facts: [OfferFacts] = []
    private var slotByID: [UUID: Int32] = [:]
    // Where the matching service picks its candidates: the remote offers, and the others by a grid of cells.
    private var remoteSlots: [Int32] = []
    private var cells: [Int64: [Int32]] = [:]
    static let cellLatitude = 0.2, cellLongitude = 0.3
    // The inverted index: a word's number, its slots (ascending) and how often it occurs in each.
    private var wordNumbers: [String: Int32] = [:]
    private var postings: [[Int32]] = []
    private var frequencies: [[UInt16]] = []
    /// The words in order, for looking prefixes up; nil after new words until the next `sortWords`.
    private var sortedWords: [String]? = []
    private var totalLength = 0
    public private(set) var count = 0

    private static let alive: UInt8 = 1, remote: UInt8 = 2, minors: UInt8 = 4, accessible: UInt8 = 8
    private static let noDay = Int32.max
    private static let areaNumbers: [OfferArea: UInt8] = Dictionary(uniqueKeysWithValues: OfferArea.allCases.enumerated().map { ($1, UInt8($0)) })

    public init() {}

    public init<S: Sequence>(_ offers: S) where S.Element == FindableOffer {
        for offer in offers { insert(offer) }
        sortWords()
    }

    /// Adds an offer not held yet, while the finder is being loaded; `finishLoading` must follow before
    /// anything is searched.
    public mutating func add(_ offer: FindableOffer) {
        remove(offer.id)
        insert(offer)
    }

    public mutating func finishLoading() { sortWords() }

    /// The key of the offer's index row: a new one whenever the offer changes.
    public func key(of id: UUID) -> Int64? { slotByID[id].map { keys[Int($0)] } }

    /// Puts the offers in (replacing those with the same ids) and takes the `removed` ids out.
    public mutating func apply(upserted: [FindableOffer], removed: [UUID]) {
        for id in removed { remove(id) }
        for offer in upserted {
            remove(offer.id)
            insert(offer)
        }
        if ids.count - count > max(1_000, count / 4) { compact() }
        sortWords()
    }

    private mutating func remove(_ id: UUID) {
        guard let slot = slotByID.removeValue(forKey: id).map(Int.init) else { return }
        flags[slot] &= ~Self.alive
        totalLength -= Int(lengths[slot])
        count -= 1
    }

    private mutating func insert(_ offer: FindableOffer) {
        let slot = Int32(ids.count)
        var counts: [Substring: UInt16] = [:]
        var length = 0
        for word in offer.text.split(separator: " ") {
            counts[word, default: 0] &+= 1
            length += 1
        }
        for (word, times) in counts {
            let number: Int32
            if let known = wordNumbers[String(word)] {
                number = known
            } else {
                number = Int32(postings.count)
                wordNumbers[String(word)] = number
                postings.append([])
                frequencies.append([])
                sortedWords = nil
            }
            postings[Int(number)].append(slot)
            frequencies[Int(number)].append(times)
        }
        ids.append(offer.id)
        keys.append(offer.key)
        var flag = Self.alive
        if offer.facts.remote { flag |= Self.remote }
        if offer.minorsWelcome { flag |= Self.minors }
        if offer.facts.accessible { flag |= Self.accessible }
        flags.append(flag)
        areas.append(Self.areaNumbers[offer.facts.area] ?? 0)
        voivodeships.append(offer.voivodeshipCode.flatMap { UInt8($0) } ?? 0)
        latitudes.append(offer.facts.latitude ?? .nan)
        longitudes.append(offer.facts.longitude ?? .nan)
        publishedAt.append(offer.publishedAt)
        startDays.append(Self.day(offer.startsOn))
        endDays.append(Self.day(offer.endsOn))
        deadlineDays.append(Self.day(offer.recruitmentDeadline))
        let stored = UInt16(min(length, Int(UInt16.max)))
        lengths.append(stored)
        facts.append(offer.facts)
        slotByID[offer.id] = slot
        place(slot)
        totalLength += Int(stored)
        count += 1
    }

    /// Files a slot under the remote offers or its cell of the grid.
    private mutating func place(_ slot: Int32) {
        let index = Int(slot)
        if flags[index] & Self.remote != 0 {
            remoteSlots.append(slot)
        } else if !latitudes[index].isNaN, !longitudes[index].isNaN {
            cells[Self.cell(latitudes[index], longitudes[index]), default: []].append(slot)
        }
    }

    static func cell(_ latitude: Double, _ longitude: Double) -> Int64 {
        cell(row: Int64((latitude / cellLatitude).rounded(.down)), column: Int64((longitude / cellLongitude).rounded(.down)))
    }

    static func cell(row: Int64, column: Int64) -> Int64 { row << 32 | (column & 0xFFFF_FFFF) }

    /// Drops the slots of removed offers, renumbering the rest in the same order.
    private mutating func compact() {
        var newSlot = [Int32](repeating: -1, count: ids.count)
        var next: Int32 = 0
        for slot in ids.indices where flags[slot] & Self.alive != 0 {
            newSlot[slot] = next
            next += 1
        }
        func keep<T>(_ column: [T]) -> [T] { column.indices.filter { newSlot[$0] >= 0 }.map { column[$0] } }
        ids = keep(ids); keys = keep(keys); flags = keep(flags); areas = keep(areas); voivodeships = keep(voivodeships)
        latitudes = keep(latitudes); longitudes = keep(longitudes); publishedAt = keep(publishedAt); startDays = keep(startDays)
        endDays = keep(endDays); deadlineDays = keep(deadlineDays); lengths = keep(lengths); facts = keep(facts)
        for (slot, id) in ids.enumerated() { slotByID[id] = Int32(slot) }
        remoteSlots = []
        cells = [:]
        for slot in ids.indices { place(Int32(slot)) }
        for word in postings.indices {
            var slots: [Int32] = [], times: [UInt16] = []
            for (index, slot) in postings[word].enumerated() where newSlot[Int(slot)] >= 0 {
                slots.append(newSlot[Int(slot)])
                times.append(frequencies[word][index])
            }
            postings[word] = slots
            frequencies[word] = times
        }
    }

    private mutating func sortWords() {
        if sortedWords == nil { sortedWords = wordNumbers.keys.sorted() }
    }

    /// "2026-05-01" as 20260501, which orders as the text does; `noDay` when there is none.
    static func day(_ text: String?) -> Int32 {
        guard let text, text.utf8.count == 10 else { return noDay }
        var value: Int32 = 0
        for byte in text.utf8 where byte != UInt8(ascii: "-") {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return noDay }
            value = value * 10 + Int32(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// The numbers of the words beginning with `prefix`.
    private func words(beginningWith prefix: String) -> [Int32] {
        guard let sorted = sortedWords else { return [] }
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < prefix { low = middle + 1 } else { high = middle }
        }
        var found: [Int32] = []
        while low < sorted.count, sorted[low].hasPrefix(prefix) {
            if let number = wordNumbers[sorted[low]] { found.append(number) }
            low += 1
        }
        return found
    }

    /// The slots having a word that begins with every term and passing `admits`, with their BM25 scores
    /// (higher is better). Each term's matches are gathered as a list ordered by slot — the words beginning
    /// with it merged, summing how often they occur — and the terms' lists are intersected, so nothing the
    /// size of the whole index is touched. A term's document frequency is taken as the length of its
    /// words' lists (exact for a term that begins one word; an offer with two such words counts twice).
    private func scored(_ terms: [String], admits: (Int) -> Bool) -> [(slot: Int32, score: Double)] {
        let averageLength = count > 0 ? max(1, Double(totalLength) / Double(count)) : 1
        var result: [(slot: Int32, score: Double)] = []
        for (index, term) in terms.enumerated() {
            var matches: [(slot: Int32, times: UInt32)] = []
            var frequency = 0
            for word in words(beginningWith: term) {
                let slots = postings[Int(word)], times = frequencies[Int(word)]
                frequency += slots.count
                var list: [(slot: Int32, times: UInt32)] = []
                for position in slots.indices where admits(Int(slots[position])) {
                    list.append((slots[position], UInt32(times[position])))
                }
                matches = matches.isEmpty ? list : Self.union(matches, list)
            }
            let n = Double(min(frequency, count))
            let idf = log((Double(count) - n + 0.5) / (n + 0.5) + 1)
            var termScores: [(slot: Int32, score: Double)] = []
            termScores.reserveCapacity(matches.count)
            for match in matches {
                let tf = Double(match.times)
                let norm = Self.k1 * (1 - Self.b + Self.b * Double(lengths[Int(match.slot)]) / averageLength)
                termScores.append((match.slot, idf * tf * (Self.k1 + 1) / (tf + norm)))
            }
            result = index == 0 ? termScores : Self.intersection(result, termScores)
            if result.isEmpty { return [] }
        }
        return result
    }

    /// Two lists ordered by slot merged into one, the times of a slot in both added up.
    static func union(_ a: [(slot: Int32, times: UInt32)], _ b: [(slot: Int32, times: UInt32)]) -> [(slot: Int32, times: UInt32)] {
        var merged: [(slot: Int32, times: UInt32)] = []
        merged.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].slot < b[j].slot) {
                merged.append(a[i]); i += 1
            } else if i == a.count || b[j].slot < a[i].slot {
                merged.append(b[j]); j += 1
            } else {
                merged.append((a[i].slot, a[i].times + b[j].times)); i += 1; j += 1
            }
        }
        return merged
    }

    /// The slots in both lists ordered by slot, their scores added up.
    static func intersection(_ a: [(slot: Int32, score: Double)], _ b: [(slot: Int32, score: Double)]) -> [(slot: Int32, score: Double)] {
        var both: [(slot: Int32, score: Double)] = []
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i].slot < b[j].slot { i += 1 } else if b[j].slot < a[i].slot { j += 1 } else {
                both.append((a[i].slot, a[i].score + b[j].score)); i += 1; j += 1
            }
        }
        return both
    }

    /// The page of offers that meet the query, in its order, and how many there are.
    public func find(_ query: Query) -> Found {
        let area = query.area.flatMap { Self.areaNumbers[$0] }
        let voivodeship = query.voivodeshipCode.flatMap { UInt8($0) }
        var required = Self.alive
        if query.remoteOnly { required |= Self.remote }
        if query.forMinors { required |= Self.minors }
        if query.accessibleOnly { required |= Self.accessible }
        let from = query.from.map { Self.day($0) }, to = query.to.map { Self.day($0) }
        let box = query.near.map { Box(latitude: $0.latitude, longitude: $0.longitude, kilometres: $0.kilometres) }
        var order = Ordering(limit: query.offset + query.limit)
        var total = 0

        /// The conditions on a slot's own columns, tried first.
        func admits(_ slot: Int) -> Bool {
            guard flags[slot] & required == required else { return false }
            if let area, areas[slot] != area { return false }
            if let voivodeship, voivodeships[slot] != voivodeship { return false }
            return true
        }

        func consider(_ slot: Int, score: Double) {
            let flag = flags[slot]
            if let from, endDays[slot] != Self.noDay, endDays[slot] < from { return }
            if let to, startDays[slot] != Self.noDay, startDays[slot] > to { return }
            var distance = Double.infinity
            if let box {
                let inside = box.squaredDistance(latitude: latitudes[slot], longitude: longitudes[slot])
                if let inside { distance = inside }
                // Within the distance, or remote (unless only remote offers are asked for: then remote anyway).
                if inside == nil && (query.remoteOnly || flag & Self.remote == 0) { return }
            }
            total += 1
            let key: (Double, Double)
            switch query.sort {
            case .relevance: key = (-score, -publishedAt[slot])
            case .newest: key = (-publishedAt[slot], 0)
            case .nearest: key = (distance, 0)
            case .deadline: key = (deadlineDays[slot] == Self.noDay ? .infinity : Double(deadlineDays[slot]), 0)
            }
            order.offer(Ordering.Entry(first: key.0, second: key.1, key: keys[slot], slot: Int32(slot)))
        }

        if query.terms.isEmpty {
            for slot in ids.indices where admits(slot) { consider(slot, score: 0) }
        } else {
            for (slot, score) in scored(query.terms, admits: admits) { consider(Int(slot), score: score) }
        }
        let page = order.sorted().dropFirst(query.offset).map { ids[Int($0.slot)] }
        return Found(ids: Array(page), total: total)
    }

    /// What the matching service knows of these offers (those still indexed), with whether each is still
    /// open for applications on `today` ("YYYY-MM-DD").
    public func facts(of offerIDs: [UUID], today: String) -> [(id: UUID, facts: OfferFacts)] {
        let day = Self.day(today)
        return offerIDs.compactMap { id in slotByID[id].map { (id, openFacts(Int($0), today: day)) } }
    }

    /// The newest `limit` offers that are remote (`remote`) or not, and then, when `near` is given, lie
    /// within its distance: the candidates the matching service scores, with their facts as of `today`.
    public func newest(remote: Bool, near: (latitude: Double, longitude: Double, kilometres: Double)?, limit: Int,
                       today: String) -> [(id: UUID, facts: OfferFacts)] {
        let day = Self.day(today)
        return newestSlots(remote: remote, near: near, limit: limit).map { (ids[Int($0.slot)], openFacts(Int($0.slot), today: day)) }
    }

    private func newestSlots(remote: Bool, near: (latitude: Double, longitude: Double, kilometres: Double)?, limit: Int) -> [Ordering.Entry] {
        let box = near.map { Box(latitude: $0.latitude, longitude: $0.longitude, kilometres: $0.kilometres) }
        var order = Ordering(limit: limit)
        func consider(_ slot: Int) {
            let flag = flags[slot]
            guard flag & Self.alive != 0, (flag & Self.remote != 0) == remote else { return }
            if let box, box.squaredDistance(latitude: latitudes[slot], longitude: longitudes[slot]) == nil { return }
            order.offer(Ordering.Entry(first: -publishedAt[slot], second: 0, key: keys[slot], slot: Int32(slot)))
        }
        if remote {
            for slot in remoteSlots { consider(Int(slot)) }
        } else if let box {
            // Only the cells the box touches.
            let rows = Int64(((box.latitude - box.dLat) / Self.cellLatitude).rounded(.down))...Int64(((box.latitude + box.dLat) / Self.cellLatitude).rounded(.down))
            let columns = Int64(((box.longitude - box.dLon) / Self.cellLongitude).rounded(.down))...Int64(((box.longitude + box.dLon) / Self.cellLongitude).rounded(.down))
            if rows.count * columns.count <= cells.count {
                for row in rows {
                    for column in columns { for slot in cells[Self.cell(row: row, column: column)] ?? [] { consider(Int(slot)) } }
                }
            } else {
                for slot in ids.indices { consider(slot) }
            }
        } else {
            for slot in ids.indices { consider(slot) }
        }
        return order.sorted()
    }

    /// The candidates `newest` would give, scored for the volunteer where they are held (no copy of each),
    /// best first; how many each hard condition left out is added to `excluded`.
    public func scored(for volunteer: VolunteerFacts, remote: Bool, near: (latitude: Double, longitude: Double, kilometres: Double)?,
                       limit: Int, today: String, excluded: inout [MatchExclusion: Int]) -> [(id: UUID, score: Double)] {
        let day = Self.day(today)
        var found: [(id: UUID, score: Double)] = []
        for entry in newestSlots(remote: remote, near: near, limit: limit) {
            let slot = Int(entry.slot)
            let open = deadlineDays[slot] == Self.noDay || deadlineDays[slot] >= day
            switch OfferMatcher.match(volunteer, age: volunteer.age, facts[slot], open: open, withReasons: false) {
            case .success(let match): found.append((ids[slot], match.score))
            case .failure(let error): excluded[error.exclusion, default: 0] += 1
            }
        }
        return found
    }

    private func openFacts(_ slot: Int, today: Int32) -> OfferFacts {
        var found = facts[slot]
        found.openForApplications = deadlineDays[slot] == Self.noDay || deadlineDays[slot] >= today
        return found
    }
}

/// The distance condition of the searches: an equirectangular distance in kilometres inside a bounding box,
/// the same arithmetic as the database's (`DistanceSQL`).
struct Box {
    static let kilometresPerDegree = 111.32
    let latitude: Double, longitude: Double
    let dLat: Double, dLon: Double, lonScale: Double, limit: Double

    init(latitude: Double, longitude: Double, kilometres: Double) {
        self.latitude = latitude
        self.longitude = longitude
        lonScale = Self.kilometresPerDegree * cos(latitude * .pi / 180)
        dLat = kilometres / Self.kilometresPerDegree
        dLon = kilometres / (Self.kilometresPerDegree * max(0.01, cos(latitude * .pi / 180)))
        limit = kilometres * kilometres
    }

    /// The squared distance in kilometres when the point lies within the distance, nil otherwise (or
    /// when there is no point).
    @inline(__always)
    func squaredDistance(latitude pointLatitude: Double, longitude pointLongitude: Double) -> Double? {
        guard abs(pointLatitude - latitude) <= dLat, abs(pointLongitude - longitude) <= dLon else { return nil }
        let y = (pointLatitude - latitude) * Self.kilometresPerDegree, x = (pointLongitude - longitude) * lonScale
        let squared = y * y + x * x
        return squared <= limit ? squared : nil
    }
}

/// The best `limit` entries of a stream, smallest first by (first, second, key): a bounded heap, so a
/// search sorts only the page it shows.
struct Ordering {
    struct Entry {
        let first: Double, second: Double, key: Int64, slot: Int32

        @inline(__always)
        static func before(_ l: Entry, _ r: Entry) -> Bool {
            if l.first != r.first { return l.first < r.first }
            if l.second != r.second { return l.second < r.second }
            return l.key < r.key
        }
    }

    let limit: Int
    /// A max-heap: the worst kept entry on top.
    private var heap: [Entry] = []

    init(limit: Int) { self.limit = max(0, limit) }

    mutating func offer(_ entry: Entry) {
        guard limit > 0 else { return }
        if heap.count < limit {
            heap.append(entry)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard Entry.before(heap[parent], heap[child]) else { break }
                heap.swapAt(parent, child)
                child = parent
            }
        } else if Entry.before(entry, heap[0]) {
            heap[0] = entry
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var largest = parent
                if left < heap.count, Entry.before(heap[largest], heap[left]) { largest = left }
                if right < heap.count, Entry.before(heap[largest], heap[right]) { largest = right }
                if largest == parent { break }
                heap.swapAt(parent, largest)
                parent = largest
            }
        }
    }

    func sorted() -> [Entry] { heap.sorted(by: Entry.before) }
}
