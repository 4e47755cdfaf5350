import Fluent
import Vapor

/// Realistic demo content, so a newcomer sees Korpus as people will use it. Each module adds its part here.
/// Regions are reference data loaded by their migration, so they are always present.
enum DemoContent {
    struct Outcome {
        /// The administrator's password, when this run created the administrator; shown once.
        let administratorPassword: String?
        let administratorEmail: String
    }

    /// Whether the database holds nobody yet: the first start of a new embedded database.
    static func isEmpty(_ db: any Database) async throws -> Bool {
        try await User.query(on: db).count() == 0
    }

    /// Adds the demo content; running it again adds nothing twice.
    static func seed(on db: any Database, administratorEmail: String, passwordHasher: some PasswordHasher) async throws -> Outcome {
        var password: String?
        if try await User.query(on: db).filter(\.$email == administratorEmail).first() == nil {
            let generated = generatePassword()
            let administrator = User(
                email: administratorEmail,
                displayName: "Administrator programu",
                passwordHash: try passwordHasher.hash(generated),
                isAdministrator: true)
            try await administrator.create(on: db)
            password = generated
        }
        return Outcome(administratorPassword: password, administratorEmail: administratorEmail)
    }

    /// A password of 20 characters without look-alikes (0/O, 1/l/I), from the system's secure generator.
    static func generatePassword(length: Int = 20) -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
