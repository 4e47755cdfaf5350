import Vapor

/// An error whose message is a catalogue key, shown to the person in their language.
public struct LocalizedAbort: AbortError, Sendable {
    public let status: HTTPResponseStatus
    public let key: String
    public let arguments: [String: String]

    public init(_ status: HTTPResponseStatus, key: String, _ arguments: [String: String] = [:]) {
        self.status = status
        self.key = key
        self.arguments = arguments
    }

    public var reason: String { key }
}
