import Fluent
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Demo content")
struct SeedTests {
    @Test func demoCreatesAnAdministratorOnce() async throws {
        try await withKorpus { app in
            // setup
            #expect(try await DemoContent.isEmpty(app.db))
            // act
            let first = try await DemoContent.seed(on: app.db, administratorEmail: "admin@example.org", passwordHasher: app.password)
            let second = try await DemoContent.seed(on: app.db, administratorEmail: "admin@example.org", passwordHasher: app.password)
            // validate
            let password = try #require(first.administratorPassword)
            #expect(password.count == 20)
            #expect(second.administratorPassword == nil, "the password is shown only when it is created")
            let admins = try await User.query(on: app.db).filter(\.$isAdministrator == true).all()
            #expect(admins.count == 1)
            #expect(try app.password.verify(password, created: admins[0].passwordHash))
            #expect(admins[0].passwordHash.hasPrefix("$2"), "bcrypt")
            #expect(try await DemoContent.isEmpty(app.db) == false)
        }
    }

    @Test func generatedPasswordsDiffer() {
        let passwords = Set((0..<50).map { _ in DemoContent.generatePassword() })
        #expect(passwords.count == 50)
    }
}
