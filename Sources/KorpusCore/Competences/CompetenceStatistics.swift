import Foundation

/// Anonymous statistics of finished self-assessments for partners: the mean score of each area by
/// half-year, and how the areas changed for the volunteers who assessed themselves more than once. A
/// group smaller than `minimumGroup` volunteers is not shown, so that no one can be recognised in it.
public struct CompetenceStatistics: Sendable, Equatable {
    /// One finished assessment: whose (any stable key, never shown), when, and its scores by area.
    public struct Result: Sendable {
        public let volunteer: String
        public let month: YearMonth
        public let scores: [String: Double]

        public init(volunteer: String, month: YearMonth, scores: [String: Double]) {
            self.volunteer = volunteer
            self.month = month
            self.scores = scores
        }
    }

    /// A half-year, "2026-2" for July to December 2026.
    public struct HalfYear: Sendable, Hashable, Comparable {
        public let year: Int
        public let half: Int

        public init(_ month: YearMonth) {
            year = month.year
            half = month.month <= 6 ? 1 : 2
        }

        public static func < (lhs: HalfYear, rhs: HalfYear) -> Bool { (lhs.year, lhs.half) < (rhs.year, rhs.half) }
    }

    public struct Period: Sendable, Equatable {
        public let halfYear: HalfYear
        public let volunteers: Int
        /// The mean score by area (nil where fewer than `minimumGroup` volunteers answered the area).
        public let means: [String: Double]
    }

    public struct Change: Sendable, Equatable {
        public let volunteers: Int
        /// The mean of (latest score − first score) by area.
        public let means: [String: Double]
    }

    public static let minimumGroup = 5

    /// The half-years with at least `minimumGroup` volunteers, oldest first; each volunteer counts once per
    /// half-year, with their latest result in it.
    public let periods: [Period]
    /// The change between each volunteer's first and latest result, when enough volunteers have two.
    public let change: Change?
    /// Half-years left out because too few volunteers assessed themselves in them.
    public let suppressedPeriods: Int

    public init(_ results: [Result], areas: [String], minimumGroup: Int = CompetenceStatistics.minimumGroup) {
        let ordered = results.enumerated().sorted { ($0.element.month, $0.offset) < ($1.element.month, $1.offset) }.map(\.element)
        var latestByHalf: [HalfYear: [String: Result]] = [:]
        for result in ordered { latestByHalf[HalfYear(result.month), default: [:]][result.volunteer] = result }
        var periods: [Period] = []
        var suppressed = 0
        for (half, byVolunteer) in latestByHalf.sorted(by: { $0.key < $1.key }) {
            guard byVolunteer.count >= minimumGroup else {
                suppressed += 1
                continue
            }
            periods.append(Period(halfYear: half, volunteers: byVolunteer.count,
                                  means: Self.means(Array(byVolunteer.values).map(\.scores), areas: areas, minimumGroup: minimumGroup)))
        }
        self.periods = periods
        self.suppressedPeriods = suppressed
        var first: [String: Result] = [:], latest: [String: Result] = [:], count: [String: Int] = [:]
        for result in ordered {
            if first[result.volunteer] == nil { first[result.volunteer] = result }
            latest[result.volunteer] = result
            count[result.volunteer, default: 0] += 1
        }
        let repeaters = count.filter { $0.value >= 2 }.keys
        var differences: [[String: Double]] = []
        for volunteer in repeaters {
            guard let before = first[volunteer], let after = latest[volunteer] else { continue }
            var difference: [String: Double] = [:]
            for area in areas {
                if let old = before.scores[area], let new = after.scores[area] { difference[area] = new - old }
            }
            differences.append(difference)
        }
        change = differences.count >= minimumGroup
            ? Change(volunteers: differences.count, means: Self.means(differences, areas: areas, minimumGroup: minimumGroup)) : nil
    }

    static func means(_ values: [[String: Double]], areas: [String], minimumGroup: Int) -> [String: Double] {
        var means: [String: Double] = [:]
        for area in areas {
            let scores = values.compactMap { $0[area] }
            if scores.count >= minimumGroup { means[area] = scores.reduce(0, +) / Double(scores.count) }
        }
        return means
    }
}
