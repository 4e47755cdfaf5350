import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Deny by default")
struct AccessTests {
    /// Every route is either declared public or refuses an anonymous request — also a form post that
    /// carries a valid CSRF token, so that it is the access check, not the CSRF check, that refuses it.
    @Test func everyRouteIsPublicOrRefusesAnonymousRequests() async throws {
        try await withKorpus { app in
            let browser = TestBrowser(app)
            try await browser.get("/")
            var checked = 0
            for route in app.routes.all where !route.isPublic {
                let path = "/" + route.path.map { component -> String in
                    switch component {
                    case .parameter: UUID().uuidString
                    default: component.description
                    }
                }.joined(separator: "/")
                let response: TestingHTTPResponse
                if route.method == .GET {
                    response = try await browser.get(path)
                } else if route.method != .POST {
                    response = try await app.testing().sendRequest(route.method, path)
                } else {
                    response = try await browser.post(path, ["email": "x@example.org", "password": "x"])
                }
                let location = response.headers.first(name: .location) ?? ""
                let refused = [.unauthorized, .forbidden].contains(response.status)
                    || (response.status == .seeOther && location.hasPrefix("/logowanie"))
                #expect(refused, "\(route.method) \(route.path) answered \(response.status) to an anonymous request")
                checked += 1
            }
            #expect(checked >= 15)
        }
    }

    @Test func theOpenAPIDocumentDescribesEveryAPIRoute() async throws {
        try await withKorpus { app in
            let response = try await app.testing().sendRequest(.GET, "/api/openapi.json")
            #expect(response.status == .ok)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var registered: Set<String> = []
            for route in app.routes.all {
                let path = "/" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
                guard path.hasPrefix("/api/") else { continue }
                registered.insert(path)
                #expect(paths[path]?[route.method.rawValue.lowercased()] != nil, "\(route.method) \(path) is missing from the document")
            }
            #expect(Set(paths.keys) == registered, "the document describes only routes that exist")
        }
    }

    @Test func demoContentCoversEveryRoleAndType() async throws {
        try await withKorpus { app in
            let first = try await DemoContent.seed(on: app.db, administratorEmail: "admin@example.org", passwordHasher: app.password)
            #expect(first.demoAccountsCreated)
            let again = try await DemoContent.seed(on: app.db, administratorEmail: "admin@example.org", passwordHasher: app.password)
            #expect(!again.demoAccountsCreated)
            #expect(again.administratorPassword == nil)
            #expect(try await Partner.query(on: app.db).filter(\.$kind == "regional").count() == 16)
            #expect(try await Partner.query(on: app.db).filter(\.$kind == "local").count() >= 1)
            #expect(try await PartnerOperator.query(on: app.db).count() >= 17)
            let kinds = Set(try await Organisation.query(on: app.db).all().map(\.kind))
            #expect(kinds == Set(Organisation.Kind.allCases.map(\.rawValue)))
            let organisations = try await Organisation.query(on: app.db).all()
            for organisation in organisations {
                if let nip = organisation.nip { #expect(KorpusCoreChecks.nip(nip), "\(organisation.name) NIP") }
                if let regon = organisation.regon { #expect(KorpusCoreChecks.regon(regon), "\(organisation.name) REGON") }
            }
            let minors = try await User.query(on: app.db).all().filter { $0.ageBand == .minor }
            #expect(minors.count >= 2)
            #expect(try await ConsentRecord.query(on: app.db).filter(\.$kind == "guardian").count() >= 2)
            // Demo people sign in with the demo password.
            #expect(try await TestBrowser(app).signIn("anna.kowalska@demo.korpus.local").status == .seeOther)
        }
    }

    @Test func twoWorkersDeliverEachMessageOnce() async throws {
        try await withKorpus { app in
            for index in 0..<30 {
                try await Mailer(application: app, db: app.db).send(template: "verify_email", to: "p\(index)@example.org", name: "P", language: .pl, link: "/x")
            }
            async let first = MailWorker.deliverDue(app, workerID: "a")
            async let second = MailWorker.deliverDue(app, workerID: "b")
            async let third = MailWorker.deliverDue(app, workerID: "c")
            let sent = try await first + second + third
            let remaining = try await MailWorker.deliverDue(app, workerID: "d") + MailWorker.deliverDue(app, workerID: "e")
            #expect(sent + remaining == 30)
            let files = try FileManager.default.contentsOfDirectory(atPath: app.outboxFolder.path).filter { $0.hasSuffix(".eml") }
            #expect(files.count == 30)
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$status == .sent).count() == 30)
        }
    }
}

import KorpusCore

enum KorpusCoreChecks {
    static func nip(_ value: String) -> Bool { RegistryNumber.isValidNIP(value) }
    static func regon(_ value: String) -> Bool { RegistryNumber.isValidREGON(value) }
}
