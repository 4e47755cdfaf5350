import Foundation

/// Age bands that the law and the programme's rules care about.
public enum AgeBand: String, Sendable, Codable {
    /// Under 13: the guardian creates and manages the account and concludes agreements.
    case child
    /// 13 to 17: the volunteer acts with a guardian's consent.
    case minor
    /// 18 and over.
    case adult

    public static func of(age: Int) -> AgeBand {
        switch age {
        case ..<13: .child
        case 13..<18: .minor
        default: .adult
        }
    }

    public var needsGuardianConsent: Bool { self != .adult }
}

/// Whole years of age on a day, in the programme's time zone.
public enum Age {
    public static func years(bornOn birth: DateComponents, on date: Date) -> Int? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = DateFormat.timeZone
        guard let birthDate = calendar.date(from: birth), birthDate <= date else { return nil }
        return calendar.dateComponents([.year], from: birthDate, to: date).year
    }

    /// Whole years of age on `today` (year, month and day in the programme's time zone), by arithmetic on the
    /// days alone — for lists that work out many ages against one day.
    public static func years(bornOn birth: DateComponents, today: DateComponents) -> Int? {
        guard let year = birth.year, let month = birth.month, let day = birth.day,
            let nowYear = today.year, let nowMonth = today.month, let nowDay = today.day
        else { return nil }
        let years = nowYear - year - ((nowMonth, nowDay) < (month, day) ? 1 : 0)
        return years >= 0 ? years : nil
    }

    /// A day as one number, year × 10,000 + month × 100 + day (20261201): compact to keep for many people,
    /// and ordered as the days are.
    public static func dayNumber(_ day: DateComponents) -> Int32? {
        guard let year = day.year, let month = day.month, let dayOfMonth = day.day else { return nil }
        return Int32(year * 10_000 + month * 100 + dayOfMonth)
    }

    /// Whole years of age on `today`, both given as `dayNumber`s — the same arithmetic as on components.
    public static func years(bornOnDay birth: Int32, today: Int32) -> Int? {
        let years = Int((today - birth) / 10_000)
        return today >= birth ? years : nil
    }

    /// Today's year, month and day in the programme's time zone.
    public static func today(_ now: Date = Date()) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = DateFormat.timeZone
        return calendar.dateComponents([.year, .month, .day], from: now)
    }

    /// Parses an ISO date "2009-05-31" (as an HTML date field sends it) into its components.
    public static func parseDay(_ text: String) -> DateComponents? {
        let parts = text.trimmingSpaces().split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1900...2200).contains(year), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        // Refuse days that do not exist, such as 31 February (Gregorian leap years).
        guard day <= daysIn(month: month, year: year) else { return nil }
        return DateComponents(year: year, month: month, day: day)
    }

    /// The number of days of a month of the Gregorian calendar.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
