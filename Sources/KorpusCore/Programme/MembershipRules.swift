import Foundation

/// A calendar month ("2026-11"), the unit in which the programme counts hours.
public struct YearMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), (1900...2200).contains(year) else { return nil }
        self.year = year
        self.month = month
    }

    /// "2026-11"; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let month = Int(parts[1]) else { return nil }
        self.init(year: year, month: month)
    }

    /// The month of a day ("2026-11-30" → 2026-11).
    public init?(day: DateComponents) {
        guard let year = day.year, let month = day.month else { return nil }
        self.init(year: year, month: month)
    }

    /// The month it is now in the programme's time zone (Europe/Warsaw).
    public static func current(_ now: Date = Date()) -> YearMonth {
        YearMonth(day: Age.today(now)) ?? YearMonth(unchecked: 1970, 1)
    }

    /// The last day as an ISO day ("2026-11-30").
    public var lastDayText: String { description + "-" + String(Age.daysIn(month: month, year: year)) }

    public func adding(months: Int) -> YearMonth {
        let index = year * 12 + (month - 1) + months
        return YearMonth(unchecked: index / 12, index % 12 + 1)
    }

    /// Whole months from `self` to `other` (negative when `other` is earlier).
    public func months(until other: YearMonth) -> Int { (other.year * 12 + other.month) - (year * 12 + month) }

    public var firstDay: DateComponents { DateComponents(year: year, month: month, day: 1) }
    public var lastDay: DateComponents { DateComponents(year: year, month: month, day: Age.daysIn(month: month, year: year)) }
    public var description: String { String(format: "%04d-%02d", year, month) }

    public static func < (lhs: YearMonth, rhs: YearMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

    private init(unchecked year: Int, _ month: Int) {
        self.year = year
        self.month = month
    }
}

/// Hours as the programme records them: in quarter hours, so that sums are exact.
public enum QuarterHours {
    /// Whole quarters of `hours`, or nil for anything else: negative, not finite, not a quarter, or beyond
    /// any sensible number (so "inf" or "1e300" typed in a form is refused, not a crash).
    public static func from(hours: Double) -> Int? {
        let quarters = hours * 4
        guard quarters.isFinite, quarters >= 0, quarters <= 1_000_000, quarters == quarters.rounded() else { return nil }
        return Int(quarters)
    }

    public static func hours(_ quarters: Int) -> Double { Double(quarters) / 4 }
}

/// What a volunteer must give each month to count, and for how many months, to be a long-term volunteer.
public struct MonthlyRequirement: Sendable, Equatable {
    public let quarterHours: Int
    public let months: Int

    public init(hours: Int, months: Int) {
        self.quarterHours = hours * 4
        self.months = months
    }
}

/// One version of the Korpus membership rules, in force from a month on. A new version is added to
/// `ProgrammeRules.membership`; code that uses the rules asks for the set in force in a month.
public struct MembershipRuleSet: Sendable {
    public let name: String
    public let effectiveFrom: YearMonth
    /// Ages (on the first day of a month) that owe the standard requirement in that month.
    public let standardAges: ClosedRange<Int>
    public let standard: MonthlyRequirement
    /// For the younger, the older and volunteers with a disability.
    public let reduced: MonthlyRequirement
    /// Membership begins once the monthly requirement is met within this many months of the first
    /// volunteering logged (that month included).
    public let entryWindowMonths: Int

    public func requirement(age: Int?, disability: Bool) -> MonthlyRequirement {
        if disability { return reduced }
        guard let age else { return standard }
        return standardAges.contains(age) ? standard : reduced
    }
}

/// The programme's rules as data, each with the month from which it is in force (DESIGN.md section 2).
public enum ProgrammeRules {
    /// The original rule set: ages 15–65 give 16 hours a month for 12 months; under 15, over 65 or with a
    /// disability 6 hours a month for 6 months; membership begins when the requirement is met within 3
    /// months of the first volunteering logged. Hours count across any number of organisations.
    public static let membership: [MembershipRuleSet] = [
        MembershipRuleSet(name: "2018", effectiveFrom: YearMonth(year: 2018, month: 1)!, standardAges: 15...65,
                          standard: MonthlyRequirement(hours: 16, months: 12), reduced: MonthlyRequirement(hours: 6, months: 6),
                          entryWindowMonths: 3),
    ]

    /// The set in force in a month: the latest that took effect by then (the first, before any did).
    public static func membershipRules(in month: YearMonth, from sets: [MembershipRuleSet] = membership) -> MembershipRuleSet {
        sets.filter { $0.effectiveFrom <= month }.max { $0.effectiveFrom < $1.effectiveFrom } ?? sets.min { $0.effectiveFrom < $1.effectiveFrom }!
    }
}

/// Where a volunteer stands in Korpus membership, month by month, from their confirmed hours.
public struct MembershipProgress: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// No volunteering logged yet.
        case notStarted
        /// Volunteering logged; the requirement must be met in a month up to and including `until`.
        case entryWindow(until: YearMonth)
        /// The window closed on `until` without the requirement met; the next month with hours opens a new one.
        case entryMissed(until: YearMonth)
        /// A member since the month the requirement was first met in the window.
        case member(since: YearMonth)
        /// The requirement met in `months` months in a row since membership began.
        case longTerm(since: YearMonth, completed: YearMonth)
    }

    public struct Month: Sendable, Equatable {
        public let month: YearMonth
        public let quarterHours: Int
        public let requiredQuarterHours: Int
        public var met: Bool { quarterHours >= requiredQuarterHours }
        public var missingQuarterHours: Int { max(0, requiredQuarterHours - quarterHours) }
    }

    public let state: State
    /// Every month from the first logged to the current one.
    public let months: [Month]
    /// Months met in a row since membership began (the current month counted once met), and how many the
    /// rules ask for.
    public let run: Int
    public let runRequired: Int
    public let current: Month
}

/// Computes membership and the Volunteer Card from confirmed hours by month (the month of the work, so
/// hours confirmed late count for the month they were given in).
public enum MembershipCalculator {
    public static func progress(hours: [YearMonth: Int], firstLogged: YearMonth?, bornOn: DateComponents?, disability: Bool,
                                now: YearMonth, rules: [MembershipRuleSet] = ProgrammeRules.membership) -> MembershipProgress {
        func month(_ m: YearMonth) -> MembershipProgress.Month {
            let set = ProgrammeRules.membershipRules(in: m, from: rules)
            let age = bornOn.flatMap { Age.years(bornOn: $0, today: m.firstDay) }
            return .init(month: m, quarterHours: hours[m] ?? 0, requiredQuarterHours: set.requirement(age: age, disability: disability).quarterHours)
        }
        func runRequired(_ m: YearMonth) -> Int {
            let age = bornOn.flatMap { Age.years(bornOn: $0, today: m.firstDay) }
            return ProgrammeRules.membershipRules(in: m, from: rules).requirement(age: age, disability: disability).months
        }
        guard let firstLogged, firstLogged <= now else {
            let current = month(now)
            return MembershipProgress(state: .notStarted, months: [current], run: 0, runRequired: runRequired(now), current: current)
        }
        var months: [MembershipProgress.Month] = []
        var windowStart = firstLogged
        var since: YearMonth?
        var completed: YearMonth?
        var run = 0
        var m = firstLogged
        while m <= now {
            let entry = month(m)
            months.append(entry)
            let window = ProgrammeRules.membershipRules(in: windowStart, from: rules).entryWindowMonths
            if let start = since {
                if entry.met {
                    run += 1
                    if completed == nil, run >= runRequired(start) { completed = m }
                } else if m < now, completed == nil {
                    run = 0  // a month missed starts the run again; the current month may still be made up
                }
            } else if entry.met, windowStart.months(until: m) < window {
                since = m
                run = 1
                if run >= runRequired(m) { completed = m }
            } else if windowStart.months(until: m) >= window - 1, m < now {
                // The window passed without the requirement met: the next month with hours opens a new one.
                if let next = hours.keys.filter({ $0 > m && ($0 <= now) && (hours[$0] ?? 0) > 0 }).min() { windowStart = next }
            }
            m = m.adding(months: 1)
        }
        let state: MembershipProgress.State
        if let since, let completed {
            state = .longTerm(since: since, completed: completed)
        } else if let since {
            state = .member(since: since)
        } else {
            let until = windowStart.adding(months: ProgrammeRules.membershipRules(in: windowStart, from: rules).entryWindowMonths - 1)
            state = until < now ? .entryMissed(until: until) : .entryWindow(until: until)
        }
        return MembershipProgress(state: state, months: months, run: run, runRequired: runRequired(since ?? now), current: months.last ?? month(now))
    }

    /// Whether a volunteer's card is active in a month: the requirement was met in the month before.
    public static func volunteerCardActive(in month: YearMonth, hours: [YearMonth: Int], bornOn: DateComponents?, disability: Bool,
                                           rules: [MembershipRuleSet] = ProgrammeRules.membership) -> Bool {
        let previous = month.adding(months: -1)
        let age = bornOn.flatMap { Age.years(bornOn: $0, today: previous.firstDay) }
        let required = ProgrammeRules.membershipRules(in: previous, from: rules).requirement(age: age, disability: disability).quarterHours
        return (hours[previous] ?? 0) >= required
    }
}
