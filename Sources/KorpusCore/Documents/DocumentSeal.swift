import Crypto
import Foundation

/// The kinds of document that carry a verification code.
public enum DocumentKind: UInt8, Sendable, CaseIterable {
    case agreement = 1
    case certificate = 2
    case trainingCertificate = 3
}

/// Seals documents with an Ed25519 signature. A document's verification code names its kind and record and
/// carries a signature over them and over the facts the document states; a code with any character
/// changed, or whose record's facts were changed since, does not verify.
public struct DocumentSeal: Sendable {
    /// What a code says, before its signature is checked against the record's facts.
    public struct Claim: Sendable, Equatable {
        public let kind: DocumentKind
        public let id: UUID
        let signature: Data
    }

    public enum SealError: Error, Equatable {
        case malformedKey
    }

    private let key: Curve25519.Signing.PrivateKey

    /// A seal from the 32 bytes of a private key.
    public init(secret: Data) throws {
        guard secret.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: secret) else {
            throw SealError.malformedKey
        }
        self.key = key
    }

    /// 32 random bytes for a new private key.
    public static func newSecret() -> Data {
        Curve25519.Signing.PrivateKey().rawRepresentation
    }

    /// The public key, for anyone who wants to check codes without Korpus.
    public var publicKey: Data { key.publicKey.rawRepresentation }

    /// The verification code of a document.
    public func code(kind: DocumentKind, id: UUID, facts: [String]) throws -> String {
        let signature = try key.signature(for: Self.message(kind: kind, id: id, facts: facts))
        return Self.base64URL(Data([kind.rawValue]) + Self.bytes(of: id) + signature)
    }

    /// What a code claims, if it has the shape of a code at all.
    public static func claim(of code: String) -> Claim? {
        let trimmed = code.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count == 108, let data = fromBase64URL(trimmed), data.count == 81,
            let kind = DocumentKind(rawValue: data[data.startIndex])
        else { return nil }
        let idBytes = Array(data[(data.startIndex + 1)..<(data.startIndex + 17)])
        let id = UUID(uuid: (idBytes[0], idBytes[1], idBytes[2], idBytes[3], idBytes[4], idBytes[5], idBytes[6], idBytes[7],
                             idBytes[8], idBytes[9], idBytes[10], idBytes[11], idBytes[12], idBytes[13], idBytes[14], idBytes[15]))
        return Claim(kind: kind, id: id, signature: Data(data[(data.startIndex + 17)...]))
    }

    /// Whether the claim was signed by this seal over these facts.
    public func verifies(_ claim: Claim, facts: [String]) -> Bool {
        key.publicKey.isValidSignature(claim.signature, for: Self.message(kind: claim.kind, id: claim.id, facts: facts))
    }

    static func message(kind: DocumentKind, id: UUID, facts: [String]) -> Data {
        let digest = SHA256.hash(data: Data(facts.joined(separator: "\u{1F}").utf8))
        return Data([kind.rawValue]) + bytes(of: id) + Data(digest)
    }

    static func bytes(of id: UUID) -> Data {
        withUnsafeBytes(of: id.uuid) { Data($0) }
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func fromBase64URL(_ text: String) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}

/// The SHA-256 of a text, in hexadecimal: the fingerprint of an agreement's exact wording.
public enum TextDigest {
    public static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}
