import Foundation

/// Numbers written the way each language writes them: Polish "12 345,5" (no grouping below 10 000),
/// Ukrainian "1 234,5", English "1,234.5". The group separator is a no-break space.
public enum NumberFormat {
    public static func integer(_ value: Int, in language: Language) -> String {
        let digits = String(value.magnitude)
        let grouped = group(digits, in: language)
        return value < 0 ? "−" + grouped : grouped
    }

    public static func decimal(_ value: Double, fractionDigits: Int, in language: Language) -> String {
        guard value.isFinite else { return String(value) }
        let scale = pow(10.0, Double(fractionDigits))
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        var fraction = Int(scaled.truncatingRemainder(dividingBy: scale))
        var fractionText = ""
        if fractionDigits > 0 && fraction > 0 {
            fractionText = String(fraction)
            while fractionText.count < fractionDigits { fractionText = "0" + fractionText }
            while fractionText.hasSuffix("0") {
                fractionText.removeLast()
                fraction /= 10
            }
        }
        var text = group(String(whole), in: language)
        if !fractionText.isEmpty { text += decimalSeparator(language) + fractionText }
        return value < 0 && scaled > 0 ? "−" + text : text
    }

    public static func decimalSeparator(_ language: Language) -> String {
        language == .en ? "." : ","
    }

    private static func group(_ digits: String, in language: Language) -> String {
        let separator = language == .en ? "," : "\u{00A0}"
        let minimumDigits = language == .pl ? 5 : 4
        guard digits.count >= minimumDigits else { return digits }
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += separator }
            result.append(digit)
        }
        return result
    }
}

/// Dates and times shown in Europe/Warsaw, written out in the language: "25 listopada 2026",
/// "25 November 2026", "25 листопада 2026". Times are stored in UTC everywhere else.
public struct DateFormat: Sendable {
    public static let timeZone = TimeZone(identifier: "Europe/Warsaw") ?? TimeZone(secondsFromGMT: 3600)!

    private let catalogue: Catalogue
    private let calendar: Calendar

    public init(catalogue: Catalogue) {
        self.catalogue = catalogue
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.timeZone
        self.calendar = calendar
    }

    /// "25 listopada 2026" — the month name in the genitive, as a date is written in Polish and Ukrainian.
    public func longDate(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let month = catalogue.text("date.month.\(parts.month ?? 1)")
        return catalogue.text(
            "date.long", ["day": String(parts.day ?? 1), "month": month, "year": String(parts.year ?? 1970)])
    }

    /// A calendar day such as a date of birth ("1994-04-04" → "4 kwietnia 1994"), with no time zone involved.
    public func longDay(_ isoDay: String) -> String {
        guard let day = Age.parseDay(isoDay), let month = day.month else { return isoDay }
        return catalogue.text(
            "date.long", ["day": String(day.day ?? 1), "month": catalogue.text("date.month.\(month)"), "year": String(day.year ?? 1970)])
    }

    /// "25.11.2026, 19:07" in Polish and Ukrainian; "25/11/2026, 19:07" in English.
    public func shortDateTime(_ date: Date) -> String {
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : String($0) } ?? "00" }
        return catalogue.text(
            "date.short_time",
            [
                "day": two(p.day), "month": two(p.month), "year": String(p.year ?? 1970),
                "hour": two(p.hour), "minute": two(p.minute),
            ])
    }
}

extension DateFormat {
    /// A moment typed in a `datetime-local` field ("2026-12-05T10:00"), read in Europe/Warsaw; nil when malformed.
    public static func parseLocal(_ text: String) -> Date? {
        let parts = text.split(separator: "T")
        guard parts.count == 2, var components = Age.parseDay(String(parts[0])) else { return nil }
        let time = parts[1].split(separator: ":")
        guard (2...3).contains(time.count), time[0].count == 2, time[1].count == 2, let hour = Int(time[0]), let minute = Int(time[1]),
            (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        components.hour = hour
        components.minute = minute
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: components)
    }

    /// A span within one day, in Europe/Warsaw: "5 grudnia 2026, 17:00–20:00".
    public func timeSpan(_ start: Date, _ end: Date) -> String {
        "\(longDate(start)), \(Self.time(start))–\(Self.time(end))"
    }

    /// The time of day in Europe/Warsaw: "09:05".
    public static func time(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return twoDigits(parts.hour) + ":" + twoDigits(parts.minute)
    }

    /// The digits of a moment in UTC, as PDF and iCalendar write it: ("20261205", "090500").
    public static func utcDigits(_ date: Date) -> (day: String, time: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return ("\(p.year ?? 2000)" + twoDigits(p.month) + twoDigits(p.day), twoDigits(p.hour) + twoDigits(p.minute) + twoDigits(p.second))
    }

    static func twoDigits(_ value: Int?) -> String {
        let v = value ?? 0
        return v < 10 ? "0\(v)" : "\(v)"
    }
}
