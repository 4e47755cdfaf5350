import Fluent
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// A browser for HTTP tests: keeps cookies between requests and fills in the CSRF field of forms, as a
/// person's browser does with the page's hidden field.
final class TestBrowser: @unchecked Sendable {
    let app: Application
    var cookies: [String: String] = [:]
    var languageHeader = "pl"

    init(_ app: Application) {
        self.app = app
    }

    var csrf: String { cookies[CSRFMiddleware.cookieName] ?? "" }

    @discardableResult
    func get(_ path: String, headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        try await send(.GET, path, headers: extra, body: nil)
    }

    /// A new personal access token for the API, made on the account page.
    func accessToken() async throws -> String {
        let html = try await post("/konto/tokeny", ["token_name": "Test"]).body.string
        let start = try #require(html.range(of: "<code id=\"new-token\">"))
        return String(html[start.upperBound...].prefix(43))
    }

    /// Posts a form; the CSRF token is added unless `csrf` is false (to test the refusal).
    @discardableResult
    func post(_ path: String, _ fields: [String: String], csrf includeToken: Bool = true) async throws -> TestingHTTPResponse {
        if includeToken && csrf.isEmpty { try await get("/") }
        var all = fields
        if includeToken { all[CSRFMiddleware.fieldName] = csrf }
        let body = all.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        return try await send(.POST, path, headers: headers, body: ByteBuffer(string: body))
    }

    /// Posts a multipart form with one file field.
    @discardableResult
    func postMultipart(_ path: String, _ fields: [String: String], file: (field: String, name: String, type: String, data: Data)?) async throws -> TestingHTTPResponse {
        if csrf.isEmpty { try await get("/") }
        let boundary = "KorpusTestBoundary\(UUID().uuidString.prefix(8))"
        var body = Data()
        var all = fields
        all[CSRFMiddleware.fieldName] = csrf
        for (key, value) in all {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(key)\"\r\n\r\n\(value)\r\n".utf8))
        }
        if let file {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8))
            body.append(file.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary])
        return try await send(.POST, path, headers: headers, body: ByteBuffer(data: body))
    }

    /// Posts a body as it is, with the browser's cookies (and its CSRF token first in the body when `csrf`).
    @discardableResult
    func postRaw(_ path: String, _ body: [UInt8], contentType: HTTPMediaType, csrf includeToken: Bool = true) async throws -> TestingHTTPResponse {
        if csrf.isEmpty { try await get("/") }
        var bytes = includeToken ? Array("\(CSRFMiddleware.fieldName)=\(csrf)&".utf8) : []
        bytes += body
        var headers = HTTPHeaders()
        headers.contentType = contentType
        return try await send(.POST, path, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    private func send(_ method: HTTPMethod, _ path: String, headers extra: HTTPHeaders, body: ByteBuffer?) async throws -> TestingHTTPResponse {
        var headers = extra
        headers.replaceOrAdd(name: .acceptLanguage, value: languageHeader)
        if !cookies.isEmpty {
            headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        if let body { headers.replaceOrAdd(name: .contentLength, value: String(body.readableBytes)) }
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        for (name, value) in response.headers.setCookie?.all ?? [:] {
            if value.string.isEmpty || (value.expires.map { $0 < Date() } ?? false) || value.maxAge.map({ $0 <= 0 }) == true {
                cookies[name] = nil
            } else {
                cookies[name] = value.string
            }
        }
        return response
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// Registers and verifies a person through the pages, signed in at the end.
    @discardableResult
    func registerAndVerify(name: String, email: String, password: String = "zielone-jablko-nad-rzeka", born: String = "1995-05-05",
                           locality: String = "gdansk", guardianEmail: String = "") async throws -> User {
        let response = try await post("/rejestracja", [
            "name": name, "email": email, "password": password, "password_confirm": password, "date_of_birth": born,
            "locality": locality, "voivodeship": "", "phone": "", "guardian_email": guardianEmail, "terms": "on", "privacy": "on",
        ])
        #expect(response.status == .seeOther, "registration of \(email): \(response.body.string.prefix(2000))")
        let link = try await Mailbox(app).link(to: email, containing: "/rejestracja/potwierdz/")
        let page = try await get(link)
        #expect(page.status == .ok)
        let confirmed = try await post(link, [:])
        #expect(confirmed.status == .seeOther)
        return try #require(try await User.query(on: app.db).filter(\.$email == email).first())
    }

    func signIn(_ email: String, _ password: String = DemoContent.demoPassword) async throws -> TestingHTTPResponse {
        try await post("/logowanie", ["email": email, "password": password])
    }
}

/// Reads what Korpus sent, from the outbox.
struct Mailbox {
    let app: Application

    init(_ app: Application) {
        self.app = app
    }

    func messages(to recipient: String) async throws -> [OutboxMessage] {
        try await OutboxMessage.query(on: app.db).filter(\.$recipient == recipient).sort(\.$createdAt).all()
    }

    /// The plain-text part of a rendered message.
    static func text(of rendered: String) -> String {
        let lines = rendered.components(separatedBy: "\r\n")
        guard let start = lines.firstIndex(of: "Content-Type: text/plain; charset=utf-8") else { return "" }
        var base64 = ""
        for line in lines[(start + 3)...] {
            if line.hasPrefix("--") { break }
            base64 += line
        }
        return Data(base64Encoded: base64).flatMap { String(data: $0, encoding: .utf8) } ?? ""
    }

    /// The path of the newest link to `recipient` that contains `fragment`.
    func link(to recipient: String, containing fragment: String) async throws -> String {
        for message in try await messages(to: recipient).reversed() {
            let text = Self.text(of: message.rendered)
            for word in text.split(whereSeparator: { $0.isWhitespace }) where word.contains(fragment) {
                let url = String(word)
                return url.replacingOccurrences(of: app.settings.baseURL, with: "")
            }
        }
        Issue.record("no message to \(recipient) with \(fragment)")
        throw Abort(.notFound)
    }
}
