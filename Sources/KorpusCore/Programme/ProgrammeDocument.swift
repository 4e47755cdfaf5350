import Foundation

/// The programme's texts that people accept: the terms of use, the privacy notice (GDPR information
/// clause), and for organisations the Membership Rules and the Values Charter. Each has a version; an
/// acceptance is recorded with the version accepted, and a new version is a new entry in the file.
public struct ProgrammeDocument: Sendable, Decodable {
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case terms
        case privacy
        case membershipRules = "membership-rules"
        case valuesCharter = "values-charter"
    }

    public let kind: Kind
    public let version: String
    public let effective: String
    public let title: [String: String]
    public let body: [String: [String]]

    public func title(in language: Language) -> String { title[language.rawValue] ?? title["pl"] ?? kind.rawValue }

    /// The paragraphs in the language, Polish when a translation is missing.
    public func paragraphs(in language: Language) -> [String] { body[language.rawValue] ?? body["pl"] ?? [] }

    /// The current version of every document, from `Documents/documents.json`.
    public static let current: [Kind: ProgrammeDocument] = {
        guard let url = Bundle.module.url(forResource: "documents", withExtension: "json", subdirectory: "Documents")
            ?? Bundle.module.url(forResource: "documents", withExtension: "json"),
            let data = try? Data(contentsOf: url),
            let documents = try? JSONDecoder().decode([ProgrammeDocument].self, from: data)
        else { return [:] }
        var latest: [Kind: ProgrammeDocument] = [:]
        for document in documents where (latest[document.kind]?.effective ?? "") <= document.effective {
            latest[document.kind] = document
        }
        return latest
    }()

    public static func currentVersion(_ kind: Kind) -> String { current[kind]?.version ?? "unknown" }
}
