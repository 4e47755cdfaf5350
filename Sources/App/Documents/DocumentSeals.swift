import Foundation
import KorpusCore
import Vapor

/// The seal of this installation's documents, and the PDF response every document download uses.
enum DocumentSeals {
    static let fileName = "document-signing.key"

    /// The seal from `KORPUS_SIGNING_KEY`, or from the key file in the data folder, which is created (readable
    /// by its owner only) the first time Korpus starts without one.
    static func load(_ settings: Settings, logger: Logger) throws -> DocumentSeal {
        if let key = settings.signingKey, let secret = Data(base64Encoded: key) { return try DocumentSeal(secret: secret) }
        let directory = URL(fileURLWithPath: settings.dataDirectory, isDirectory: true)
        let file = directory.appendingPathComponent(fileName)
        if let stored = try? String(contentsOf: file, encoding: .utf8) {
            guard let secret = Data(base64Encoded: stored.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw SettingsError.invalid(name: file.path, value: "…", expected: "32 bytes in base64")
            }
            return try DocumentSeal(secret: secret)
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let secret = DocumentSeal.newSecret()
        guard FileManager.default.createFile(atPath: file.path, contents: Data((secret.base64EncodedString() + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600])
        else { throw SettingsError.invalid(name: file.path, value: "…", expected: "a writable data folder") }
        logger.notice("Created the document signing key", metadata: ["file": .string(file.path)])
        return try DocumentSeal(secret: secret)
    }

    /// A PDF download; the name is ASCII, as every browser accepts it.
    static func pdfResponse(_ bytes: [UInt8], name: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "pdf")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return Response(status: .ok, headers: headers, body: .init(buffer: ByteBuffer(bytes: bytes)))
    }

    /// "Strona 1 z 2", in Polish as the documents.
    static func pageLabel(_ req: Request) -> @Sendable (Int, Int) -> String {
        let polish = req.application.catalogues[.pl]
        return { polish.text("document.page", ["page": String($0), "pages": String($1)]) }
    }

    /// The lines at the foot of a sealed document, in Polish as the document: where and with which code to check it.
    static func footer(code: String, _ req: Request) -> [String] {
        let polish = req.application.catalogues[.pl]
        return [polish.text("document.footer.check", ["address": req.application.settings.baseURL + SitePath.verification.path]),
                polish.text("document.footer.code") + " " + code]
    }
}

extension Application {
    private struct DocumentSealKey: StorageKey {
        typealias Value = DocumentSeal
    }

    var documentSeal: DocumentSeal {
        get {
            guard let seal = storage[DocumentSealKey.self] else { fatalError("configure(_:) loads the seal before anything asks for it") }
            return seal
        }
        set { storage[DocumentSealKey.self] = newValue }
    }
}

/// What a sealed record shows on the public verification page, and the facts its code was signed over.
struct SealedDocument {
    let facts: [String]
    let titleKey: String
    let fields: [VerificationController.Field]
}

/// Records that carry verification codes: each kind finds its record and says what it shows.
protocol SealedRecords: Sendable {
    static var kind: DocumentKind { get }
    static func sealed(_ id: UUID, _ req: Request) async throws -> SealedDocument?
}

/// The public page that checks a document's verification code: genuine documents show only what the
/// document itself states in public (name, organisation, period, hours); anything else is "not genuine".
struct VerificationController: RouteCollection {
    static let sources: [any SealedRecords.Type] = [SealedCertificates.self, SealedAgreements.self, SealedTrainingCertificates.self]

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.verification.components, use: form).publicAccess()
        routes.get(SitePath.verificationCode("").components, use: result).publicAccess()
    }

    struct Field: Encodable {
        let label: String
        let value: String
    }

    struct Page: Encodable {
        let code: String
        let checked: Bool
        let genuine: Bool
        let title: String
        let fields: [Field]
    }

    @Sendable
    func form(req: Request) async throws -> Response {
        let typed = ((try? req.query.get(String.self, at: "kod")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !typed.isEmpty {
            // A pasted address works too; only the characters a code can have go into the redirect.
            let code = String(typed.split(separator: "/").last ?? "").prefix(200)
            if code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                return req.redirect(to: SitePath.verificationCode(String(code)).path)
            }
            return try await req.render("documents/verification", title: req.t("verification.title"),
                                        Page(code: typed, checked: true, genuine: false, title: req.t("verification.not_genuine"), fields: []),
                                        status: .notFound)
        }
        return try await req.render("documents/verification", title: req.t("verification.title"),
                                    Page(code: "", checked: false, genuine: false, title: "", fields: []), status: .ok)
    }

    @Sendable
    func result(req: Request) async throws -> Response {
        let code = String((req.parameters.get("code") ?? "").prefix(200))
        var page = Page(code: code, checked: true, genuine: false, title: req.t("verification.not_genuine"), fields: [])
        if let claim = DocumentSeal.claim(of: code), let source = Self.sources.first(where: { $0.kind == claim.kind }),
            let document = try await source.sealed(claim.id, req), req.application.documentSeal.verifies(claim, facts: document.facts)
        {
            page = Page(code: code, checked: true, genuine: true, title: req.t(document.titleKey), fields: document.fields)
        }
        return try await req.render("documents/verification", title: req.t("verification.title"), page,
                                    status: page.genuine ? .ok : .notFound)
    }
}
