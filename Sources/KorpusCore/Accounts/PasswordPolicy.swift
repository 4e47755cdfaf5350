import Foundation

/// What a password must be: long enough, not absurdly long, and not among the most common passwords
/// (in the spirit of NIST SP 800-63B: length and a block list rather than composition rules).
public enum PasswordPolicy {
    public static let minimumLength = 10
    public static let maximumLength = 128

    public enum Problem: String, Sendable, Equatable {
        case tooShort = "too_short"
        case tooLong = "too_long"
        case common
        case containsEmail = "contains_email"
    }

    public static func problem(with password: String, email: String = "") -> Problem? {
        if password.count < minimumLength { return .tooShort }
        if password.utf8.count > maximumLength { return .tooLong }
        let folded = password.lowercased()
        if commonPasswords.contains(folded) { return .common }
        let withoutDigits = String(folded.drop { $0.isNumber }.reversed().drop { $0.isNumber || $0.isPunctuation || $0.isSymbol }.reversed())
        if withoutDigits.count >= 4, commonPasswords.contains(withoutDigits) { return .common }
        if Set(folded).count <= 2 { return .common }
        let local = email.lowercased().split(separator: "@").first.map(String.init) ?? ""
        if local.count >= 4, folded.contains(local) { return .containsEmail }
        return nil
    }

    /// The bundled list of common passwords (lower case), Polish ones included.
    public static let commonPasswords: Set<String> = {
        guard let url = Bundle.module.url(forResource: "common-passwords", withExtension: "txt"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return [] }
        return Set(text.split(whereSeparator: \.isNewline).map { $0.lowercased() }.filter { !$0.hasPrefix("#") })
    }()
}

/// E-mail addresses as people type them: checked for a plausible form and compared in lower case.
public enum EmailAddress {
    public static let maximumLength = 254

    public static func normalised(_ input: String) -> String? {
        let email = input.trimmingSpaces().lowercased()
        guard email.count <= maximumLength, email.count >= 3 else { return nil }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return nil }
        let domain = parts[1]
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else { return nil }
        let allowedLocal = Set("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-")
        let allowedDomain = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
        guard parts[0].allSatisfy({ allowedLocal.contains($0) }), domain.allSatisfy({ allowedDomain.contains($0) }) else {
            return nil
        }
        return email
    }
}
