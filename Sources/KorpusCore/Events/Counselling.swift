import Foundation

/// The kinds of counselling (poradnictwo) partners offer.
public enum CounsellingKind: String, CaseIterable, Sendable, Codable {
    case legal, organisational, coordinators, volunteers

    public var catalogueKey: String { "counselling.kind.\(rawValue)" }
}
