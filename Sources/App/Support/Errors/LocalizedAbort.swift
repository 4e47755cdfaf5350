import Vapor

/// An error whose message is a catalogue key, shown to the person in their language.
public struct LocalizedAbort: AbortError, Sendable {
    public let status: HTTPResponseStatus
    public let key: String
    public let arguments: [String: String]
    /// Messages by field, already in the person's language, for a form sent to the API.
    public let fieldErrors: [String: String]

    public init(_ status: HTTPResponseStatus, key: String, _ arguments: [String: String] = [:], fieldErrors: [String: String] = [:]) {
        self.status = status
        self.key = key
        self.arguments = arguments
        self.fieldErrors = fieldErrors
    }

    public var reason: String { key }
}
