import Foundation
import Vapor

/// A problem document (RFC 9457), the body of every error answered under `/api/`.
struct ProblemDocument: Codable {
    static let mediaType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])

    let type: String
    let title: String
    let status: Int
    let detail: String
    /// For a request whose fields were refused: a message for each field.
    var errors: [String: String]? = nil
}

/// What an error page shows.
struct ErrorPageContent: Encodable {
    let status: Int
    let title: String
    let detail: String
}

/// The one place where errors become answers: an HTML page in the person's language for pages, a problem
/// document under `/api/`. 5xx errors are logged as critical; no stack trace or internal message ever
/// reaches the person.
public struct ErrorPageMiddleware: AsyncMiddleware {
    public init() {}

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return await answer(error, for: request)
        }
    }

    func answer(_ error: any Error, for request: Request) async -> Response {
        let (status, detailKey, arguments) = classify(error)
        if status.code >= 500 {
            request.logger.critical(
                "request failed",
                metadata: ["error": "\(String(reflecting: error))", "path": "\(request.url.path)"])
        } else {
            request.logger.info("request refused", metadata: ["status": "\(status.code)", "reason": "\(detailKey)"])
        }
        let title = request.t("error.status.\(Self.knownStatus(status.code)).title")
        let detail = request.t(detailKey, arguments)
        var headers = HTTPHeaders()
        if case let abort as any AbortError = error {
            for (name, value) in abort.headers where name.lowercased() != "content-type" {
                headers.add(name: name, value: value)
            }
        }
        if Self.isAPI(request) {
            var problem = ProblemDocument(type: "about:blank", title: title, status: Int(status.code), detail: detail)
            if let localized = error as? LocalizedAbort, !localized.fieldErrors.isEmpty { problem.errors = localized.fieldErrors }
            headers.contentType = ProblemDocument.mediaType
            headers.replaceOrAdd(name: .contentLanguage, value: request.language.rawValue)
            let body = (try? JSONEncoder().encode(problem)) ?? Data(#"{"type":"about:blank","status":\#(status.code)}"#.utf8)
            return Response(status: status, headers: headers, body: .init(data: body))
        }
        do {
            let page = try await request.page(title: title, content: ErrorPageContent(status: Int(status.code), title: title, detail: detail))
            let view = try await request.view.render("errors/error", PageEnvelope(page: page))
            let response = try await view.encodeResponse(status: status, for: request)
            for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
            response.headers.replaceOrAdd(name: .contentLanguage, value: request.language.rawValue)
            return response
        } catch {
            request.logger.critical("error page could not be rendered", metadata: ["error": "\(error)"])
            let response = Response(status: status, headers: headers, body: .init(string: "\(title)\n\n\(detail)\n"))
            response.headers.contentType = .plainText
            return response
        }
    }

    private func classify(_ error: any Error) -> (HTTPResponseStatus, String, [String: String]) {
        switch error {
        case let localized as LocalizedAbort:
            return (localized.status, localized.key, localized.arguments)
        case let abort as any AbortError:
            return (abort.status, "error.status.\(Self.knownStatus(abort.status.code)).detail", [:])
        case is DecodingError:
            return (.badRequest, "error.status.400.detail", [:])
        default:
            return (.internalServerError, "error.status.500.detail", [:])
        }
    }

    /// Statuses with their own texts in the catalogues; others share their class's text.
    static func knownStatus(_ code: UInt) -> UInt {
        let known: Set<UInt> = [400, 401, 403, 404, 405, 409, 410, 413, 414, 415, 422, 429, 500, 503]
        if known.contains(code) { return code }
        return code >= 500 ? 500 : 400
    }

    static func isAPI(_ request: Request) -> Bool {
        request.url.path.hasPrefix("/api/") || request.url.path == "/api"
    }
}

/// Refuses a body larger than the limit from its Content-Length, before any route reads it. Bodies sent
/// without a length are limited by the router's collection limit, set to the same size.
public struct BodyLimitMiddleware: AsyncMiddleware {
    let maxBytes: Int

    public init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let length = request.headers.first(name: .contentLength), let bytes = Int(length), bytes > maxBytes {
            throw LocalizedAbort(.payloadTooLarge, key: "error.status.413.detail")
        }
        return try await next.respond(to: request)
    }
}
