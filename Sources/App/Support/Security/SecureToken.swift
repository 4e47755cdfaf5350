import Crypto
import Foundation

/// Random tokens for links, sessions and API access. Only their SHA-256 hash is stored, so a copy of
/// the database does not let anyone use them.
enum SecureToken {
    /// 32 random bytes, URL-safe Base64 without padding (43 characters).
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether a token has the shape `generate()` gives, checked before any database look-up.
    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43 && token.allSatisfy { $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII || $0 == "-" || $0 == "_" }
    }

    /// Compares without leaking, through timing, how much of the two strings agrees.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
