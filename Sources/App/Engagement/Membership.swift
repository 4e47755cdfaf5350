import Fluent
import KorpusCore
import SQLKit
import Vapor

/// A volunteer's Korpus membership, from their confirmed hours across all organisations, by the rules in
/// force (`ProgrammeRules`).
enum Membership {
    /// Confirmed quarter hours by month of work, and the month of the first volunteering logged.
    static func hours(of volunteer: UUID, on db: any Database) async throws -> (byMonth: [YearMonth: Int], firstLogged: YearMonth?) {
        guard let sql = db as? any SQLDatabase else { return ([:], nil) }
        var byMonth: [YearMonth: Int] = [:]
        for row in try await sql.raw("""
            SELECT substr(worked_on, 1, 7) AS month, CAST(SUM(quarter_hours) AS BIGINT) AS total FROM hour_entries
            WHERE volunteer_id = \(bind: volunteer) AND status = \(bind: HourEntry.Status.confirmed.rawValue) GROUP BY substr(worked_on, 1, 7)
            """).all() {
            if let month = YearMonth(try row.decode(column: "month", as: String.self)) { byMonth[month] = try row.decode(column: "total", as: Int.self) }
        }
        let first = try await HourEntry.query(on: db).filter(\.$volunteer.$id == volunteer).filter(\.$status ~~ HourEntry.counted)
            .sort(\.$workedOn).first()
        return (byMonth, first.flatMap { Age.parseDay($0.workedOn) }.flatMap(YearMonth.init(day:)))
    }

    static func progress(of user: User, on db: any Database, now: YearMonth = .current()) async throws -> MembershipProgress {
        let userID = try user.requireID()
        let (byMonth, firstLogged) = try await hours(of: userID, on: db)
        let disability = try await ConsentRecord.granted(.disability, among: [userID], on: db).contains(userID)
        return MembershipCalculator.progress(hours: byMonth, firstLogged: firstLogged, bornOn: user.dateOfBirth.flatMap(Age.parseDay),
                                             disability: disability, now: now)
    }

    /// A month as tables and status lines name it: "listopad 2026".
    static func monthName(_ month: YearMonth, _ req: Request) -> String {
        req.t("date.month_name.\(month.month)") + " " + String(month.year)
    }

    /// Hours as people read them: "4", "2,5", "0,75" (in the language's decimal separator).
    static func hoursText(_ quarters: Int, _ req: Request) -> String { hoursText(quarters, in: req.language) }

    static func hoursText(_ quarters: Int, in language: Language) -> String {
        let hours = QuarterHours.hours(quarters)
        if hours == hours.rounded() { return NumberFormat.integer(Int(hours), in: language) }
        return NumberFormat.decimal(hours, fractionDigits: quarters % 2 == 0 ? 1 : 2, in: language)
    }

    struct Bar: Encodable {
        let label: String
        let x: Int
        let y: Int
        let height: Int
        let hours: String
        let required: String
        let met: Bool
    }

    struct Chart: Encodable {
        let width: Int
        let height: Int
        let bars: [Bar]
        /// The requirement line, per bar (it may change with age or the rules).
        let lines: [Line]
        let caption: String
    }

    struct Line: Encodable {
        let x1: Int
        let x2: Int
        let y: Int
    }

    struct MonthRow: Encodable {
        let month: String
        let hours: String
        let required: String
        let met: String
    }

    struct Status: Encodable {
        let headline: String
        let detail: String
        let missing: String?
        let chart: Chart
        let rows: [MonthRow]
    }

    /// The status as the volunteer's page shows it: what they are, what is missing this month, and the
    /// last 12 months as an SVG chart with a table alternative.
    static func status(_ progress: MembershipProgress, _ req: Request) -> Status {
        let headline: String
        var detail = ""
        switch progress.state {
        case .notStarted:
            headline = req.t("membership.state.not_started")
        case .entryWindow(let until):
            headline = req.t("membership.state.entry_window")
            detail = req.t("membership.detail.entry_window", ["month": monthName(until, req)])
        case .entryMissed(let until):
            headline = req.t("membership.state.entry_missed")
            detail = req.t("membership.detail.entry_missed", ["month": monthName(until, req)])
        case .member(let since):
            headline = req.t("membership.state.member")
            detail = req.t("membership.detail.member", ["month": monthName(since, req), "run": String(progress.run), "required": String(progress.runRequired)])
        case .longTerm(let since, let completed):
            headline = req.t("membership.state.long_term")
            detail = req.t("membership.detail.long_term", ["since": monthName(since, req), "month": monthName(completed, req)])
        }
        let current = progress.current
        let missing = current.missingQuarterHours > 0
            ? req.t("membership.missing", ["hours": hoursText(current.missingQuarterHours, req), "month": req.t("date.month_in.\(current.month.month)")])
            : nil
        let shown = Array(progress.months.suffix(12))
        let maximum = max(shown.map { max($0.quarterHours, $0.requiredQuarterHours) }.max() ?? 1, 1)
        let chartHeight = 160, barWidth = 36, gap = 12, top = 10
        func y(_ quarters: Int) -> Int { top + chartHeight - chartHeight * quarters / maximum }
        var bars: [Bar] = []
        var lines: [Line] = []
        for (index, month) in shown.enumerated() {
            let x = gap + index * (barWidth + gap)
            bars.append(Bar(label: req.t("date.month_short.\(month.month.month)"), x: x, y: y(month.quarterHours),
                            height: chartHeight * month.quarterHours / maximum, hours: hoursText(month.quarterHours, req),
                            required: hoursText(month.requiredQuarterHours, req), met: month.met))
            lines.append(Line(x1: x - 4, x2: x + barWidth + 4, y: y(month.requiredQuarterHours)))
        }
        return Status(
            headline: headline, detail: detail, missing: missing,
            chart: Chart(width: gap + shown.count * (barWidth + gap), height: top + chartHeight + 24, bars: bars, lines: lines,
                         caption: req.t("membership.chart_caption")),
            rows: shown.reversed().map {
                MonthRow(month: monthName($0.month, req), hours: hoursText($0.quarterHours, req), required: hoursText($0.requiredQuarterHours, req),
                         met: req.t($0.met ? "membership.met" : "membership.not_met"))
            })
    }
}
