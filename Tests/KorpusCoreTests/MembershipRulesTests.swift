import Foundation
import Testing

@testable import KorpusCore

/// The Korpus membership rules (DESIGN.md section 2) as data, and where a volunteer stands by them.
@Suite("Programme rules: membership and the Volunteer Card")
struct MembershipRulesTests {
    static func month(_ text: String) -> YearMonth { YearMonth(text)! }
    static func hours(_ entries: [String: Double]) -> [YearMonth: Int] {
        Dictionary(uniqueKeysWithValues: entries.map { (month($0.key), QuarterHours.from(hours: $0.value)!) })
    }
    static let adult = DateComponents(year: 1990, month: 5, day: 5)

    @Test func monthsAddAcrossYearsAndKnowTheirLastDay() {
        #expect(Self.month("2026-12").adding(months: 1) == Self.month("2027-01"))
        #expect(Self.month("2026-01").adding(months: -1) == Self.month("2025-12"))
        #expect(Self.month("2026-01").months(until: Self.month("2027-03")) == 14)
        #expect(Self.month("2028-02").lastDay.day == 29 && Self.month("2026-02").lastDay.day == 28)
        #expect(YearMonth("2026-13") == nil && YearMonth("26-01") == nil && YearMonth("2026-1") == nil)
        // The last day of a month belongs to it; the next day to the next month.
        #expect(YearMonth(day: Age.parseDay("2026-10-31")!) == Self.month("2026-10"))
        #expect(YearMonth(day: Age.parseDay("2026-11-01")!) == Self.month("2026-11"))
        #expect(QuarterHours.from(hours: 2.75) == 11 && QuarterHours.from(hours: 2.7) == nil && QuarterHours.from(hours: -1) == nil)
        #expect(QuarterHours.from(hours: .infinity) == nil && QuarterHours.from(hours: .nan) == nil && QuarterHours.from(hours: 1e300) == nil)
    }

    @Test func everyAgeBandOwesItsRequirement() {
        let rules = ProgrammeRules.membershipRules(in: Self.month("2026-11"))
        for (age, disability, hours, months) in [(13, false, 6, 6), (14, false, 6, 6), (15, false, 16, 12), (40, false, 16, 12), (65, false, 16, 12),
                                                 (66, false, 6, 6), (80, false, 6, 6), (30, true, 6, 6), (16, true, 6, 6)] {
            let requirement = rules.requirement(age: age, disability: disability)
            #expect(requirement == MonthlyRequirement(hours: hours, months: months), "age \(age), disability \(disability)")
        }
        #expect(rules.requirement(age: nil, disability: false) == MonthlyRequirement(hours: 16, months: 12), "an unknown age owes the standard")
        // The age on the first day of the month decides: 15 on 30 November is under 15 for November.
        let born = DateComponents(year: 2011, month: 11, day: 30)
        let progress = MembershipCalculator.progress(hours: [:], firstLogged: Self.month("2026-11"), bornOn: born, disability: false, now: Self.month("2026-12"))
        #expect(progress.months.map(\.requiredQuarterHours) == [24, 64])
    }

    @Test func membershipBeginsWhenTheRequirementIsMetWithinThreeMonths() {
        // Exactly 16 hours meets the requirement; 15.75 does not.
        let joined = MembershipCalculator.progress(hours: Self.hours(["2026-01": 10, "2026-02": 15.75, "2026-03": 16]), firstLogged: Self.month("2026-01"),
                                                   bornOn: Self.adult, disability: false, now: Self.month("2026-03"))
        #expect(joined.state == .member(since: Self.month("2026-03")))
        #expect(joined.run == 1 && joined.runRequired == 12)
        // Nothing met in January–March: the window closed; it says so.
        let missed = MembershipCalculator.progress(hours: Self.hours(["2026-01": 2]), firstLogged: Self.month("2026-01"),
                                                   bornOn: Self.adult, disability: false, now: Self.month("2026-05"))
        #expect(missed.state == .entryMissed(until: Self.month("2026-03")))
        // Hours in May open a new window, and meeting the requirement then begins membership.
        let again = MembershipCalculator.progress(hours: Self.hours(["2026-01": 2, "2026-05": 16]), firstLogged: Self.month("2026-01"),
                                                  bornOn: Self.adult, disability: false, now: Self.month("2026-05"))
        #expect(again.state == .member(since: Self.month("2026-05")))
        // Still inside the window, with what is missing this month.
        let waiting = MembershipCalculator.progress(hours: Self.hours(["2026-11": 12]), firstLogged: Self.month("2026-11"),
                                                    bornOn: Self.adult, disability: false, now: Self.month("2026-11"))
        #expect(waiting.state == .entryWindow(until: Self.month("2027-01")))
        #expect(waiting.current.missingQuarterHours == 16, "4 hours missing in November")
        #expect(MembershipCalculator.progress(hours: [:], firstLogged: nil, bornOn: Self.adult, disability: false, now: Self.month("2026-11")).state == .notStarted)
    }

    @Test func twelveMonthsInARowMakeALongTermVolunteerAndAMissedMonthStartsTheRunAgain() {
        var entries: [String: Double] = [:]
        for offset in 0..<12 { entries[Self.month("2026-01").adding(months: offset).description] = 16 }
        let done = MembershipCalculator.progress(hours: Self.hours(entries), firstLogged: Self.month("2026-01"), bornOn: Self.adult,
                                                 disability: false, now: Self.month("2027-02"))
        #expect(done.state == .longTerm(since: Self.month("2026-01"), completed: Self.month("2026-12")))
        entries["2026-06"] = 8
        let broken = MembershipCalculator.progress(hours: Self.hours(entries), firstLogged: Self.month("2026-01"), bornOn: Self.adult,
                                                   disability: false, now: Self.month("2026-12"))
        #expect(broken.state == .member(since: Self.month("2026-01")))
        #expect(broken.run == 6, "July to December")
        // The current month not met yet does not break the run: it can still be made up.
        let current = MembershipCalculator.progress(hours: Self.hours(["2026-09": 16, "2026-10": 16, "2026-11": 3]), firstLogged: Self.month("2026-09"),
                                                    bornOn: Self.adult, disability: false, now: Self.month("2026-11"))
        #expect(current.run == 2 && current.current.missingQuarterHours == 52)
        // Over 65: six months of six hours.
        var older: [String: Double] = [:]
        for offset in 0..<6 { older[Self.month("2026-03").adding(months: offset).description] = 6 }
        let senior = MembershipCalculator.progress(hours: Self.hours(older), firstLogged: Self.month("2026-03"),
                                                   bornOn: DateComponents(year: 1950, month: 1, day: 1), disability: false, now: Self.month("2026-10"))
        #expect(senior.state == .longTerm(since: Self.month("2026-03"), completed: Self.month("2026-08")))
    }

    @Test func theCardIsActiveInTheMonthAfterTheRequirementWasMet() {
        // October's hours (including those on 31 October, confirmed late in November) make November's card active.
        let hours = Self.hours(["2026-10": 16, "2026-11": 2])
        #expect(MembershipCalculator.volunteerCardActive(in: Self.month("2026-11"), hours: hours, bornOn: Self.adult, disability: false))
        #expect(!MembershipCalculator.volunteerCardActive(in: Self.month("2026-12"), hours: hours, bornOn: Self.adult, disability: false))
        #expect(!MembershipCalculator.volunteerCardActive(in: Self.month("2026-10"), hours: hours, bornOn: Self.adult, disability: false))
        #expect(MembershipCalculator.volunteerCardActive(in: Self.month("2026-12"), hours: Self.hours(["2026-11": 6]), bornOn: Self.adult, disability: true))
    }

    @Test func aNewRuleSetTakesEffectFromItsMonthWithoutTouchingTheCode() {
        let reshaped = MembershipRuleSet(name: "2027", effectiveFrom: Self.month("2027-01"), standardAges: 15...65,
                                         standard: MonthlyRequirement(hours: 10, months: 6), reduced: MonthlyRequirement(hours: 4, months: 6),
                                         entryWindowMonths: 2)
        let rules = ProgrammeRules.membership + [reshaped]
        #expect(ProgrammeRules.membershipRules(in: Self.month("2026-12"), from: rules).name == "2018")
        #expect(ProgrammeRules.membershipRules(in: Self.month("2027-01"), from: rules).name == "2027")
        let progress = MembershipCalculator.progress(hours: Self.hours(["2026-12": 10, "2027-01": 10]), firstLogged: Self.month("2026-12"),
                                                     bornOn: Self.adult, disability: false, now: Self.month("2027-01"), rules: rules)
        #expect(progress.months.map(\.requiredQuarterHours) == [64, 40])
        #expect(progress.state == .member(since: Self.month("2027-01")))
    }
}
