import Foundation

/// An e-mail with a plain-text and an HTML part, written out as an RFC 5322 message with MIME
/// (UTF-8 throughout: encoded words in headers, Base64 bodies), ready for sendmail or an `.eml` file.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: String
    public var subject: String
    public var text: String
    public var html: String
    public var date: Date
    public var messageID: String
    public var language: Language

    public init(from: String, to: String, subject: String, text: String, html: String, date: Date, messageID: String, language: Language) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        self.messageID = messageID
        self.language = language
    }

    public func rendered() -> String {
        let boundary = "korpus-" + messageID.filter { $0.isLetter || $0.isNumber }
        var lines = [
            "From: \(Self.encodeAddress(from))",
            "To: \(Self.encodeAddress(to))",
            "Subject: \(Self.encodeWord(subject))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(messageID)>",
            "Content-Language: \(language.rawValue)",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
        ]
        lines.append(contentsOf: Self.base64Lines(text))
        lines.append(contentsOf: [
            "--\(boundary)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
        ])
        lines.append(contentsOf: Self.base64Lines(html))
        lines.append("--\(boundary)--")
        lines.append("")
        return lines.joined(separator: "\r\n")
    }

    /// "=?utf-8?B?…?=" when the text is not plain ASCII.
    static func encodeWord(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.allSatisfy({ $0.isASCII }) { return clean }
        return "=?utf-8?B?" + Data(clean.utf8).base64EncodedString() + "?="
    }

    /// "Name <address>" with the name encoded when needed; a bare address stays as it is.
    static func encodeAddress(_ address: String) -> String {
        let clean = address.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "")
        guard let open = clean.lastIndex(of: "<") else { return clean }
        let name = clean[..<open].trimmingCharacters(in: .whitespaces)
        let rest = clean[open...]
        return name.isEmpty ? String(rest) : encodeWord(name) + " " + rest
    }

    static func base64Lines(_ text: String) -> [String] {
        let encoded = Data(text.utf8).base64EncodedString()
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}

/// Escapes text for HTML: the HTML part of messages, and markup the application writes itself (exactly what
/// Leaf's `#(…)` escapes, so both read the same).
public enum HTMLText {
    /// `text` safe inside an element or a quoted attribute: `& " ' < >` as character references.
    public static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x26 || $0 == 0x22 || $0 == 0x27 || $0 == 0x3C || $0 == 0x3E }) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case 0x26: bytes.append(contentsOf: "&amp;".utf8)
            case 0x22: bytes.append(contentsOf: "&quot;".utf8)
            case 0x27: bytes.append(contentsOf: "&#39;".utf8)
            case 0x3C: bytes.append(contentsOf: "&lt;".utf8)
            case 0x3E: bytes.append(contentsOf: "&gt;".utf8)
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
