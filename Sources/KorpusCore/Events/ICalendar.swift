import Foundation

/// One event in an iCalendar file.
public struct ICalendarEvent: Sendable {
    public var uid: String
    public var start: Date
    public var end: Date
    public var summary: String
    public var description: String
    public var location: String
    public var url: String?
    public var cancelled: Bool

    public init(uid: String, start: Date, end: Date, summary: String, description: String = "", location: String = "",
                url: String? = nil, cancelled: Bool = false) {
        self.uid = uid
        self.start = start
        self.end = end
        self.summary = summary
        self.description = description
        self.location = location
        self.url = url
        self.cancelled = cancelled
    }
}

/// Writes iCalendar (RFC 5545): CRLF line ends, text escaped, lines folded at 75 octets without
/// splitting a character, times in UTC.
public enum ICalendar {
    public static func calendar(name: String, events: [ICalendarEvent], stamp: Date = Date()) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Korpus Solidarnosci//Korpus//PL", "CALSCALE:GREGORIAN",
                     "METHOD:PUBLISH", "X-WR-CALNAME:" + escape(name), "X-WR-TIMEZONE:Europe/Warsaw"]
        for event in events {
            lines += ["BEGIN:VEVENT", "UID:" + escape(event.uid), "DTSTAMP:" + utc(stamp), "DTSTART:" + utc(event.start),
                      "DTEND:" + utc(event.end), "SUMMARY:" + escape(event.summary)]
            if !event.description.isEmpty { lines.append("DESCRIPTION:" + escape(event.description)) }
            if !event.location.isEmpty { lines.append("LOCATION:" + escape(event.location)) }
            if let url = event.url { lines.append("URL:" + url) }
            lines.append("STATUS:" + (event.cancelled ? "CANCELLED" : "CONFIRMED"))
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n": out += "\\n"
            case "\r": continue
            default: out.append(character)
            }
        }
        return out
    }

    /// A content line cut into lines of at most 75 octets, each continuation starting with a space.
    static func fold(_ line: String) -> String {
        var result = ""
        var current = 0
        for character in line {
            let size = String(character).utf8.count
            if current + size > 75 {
                result += "\r\n "
                current = 1
            }
            result.append(character)
            current += size
        }
        return result
    }

    static func utc(_ date: Date) -> String {
        let digits = DateFormat.utcDigits(date)
        return "\(digits.day)T\(digits.time)Z"
    }
}
