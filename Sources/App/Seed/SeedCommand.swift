import Fluent
import Vapor

/// `korpus seed --demo`: fills the database with demo content.
struct SeedCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "demo", help: "Add realistic demo content (regions, an administrator, and each module's demo data).")
        var demo: Bool
    }

    var help: String { "Adds demo content to the database (run `migrate` first on PostgreSQL)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.demo else {
            context.console.error("Choose what to seed: --demo")
            throw SeedError.nothingChosen
        }
        let app = context.application
        let outcome = try await DemoContent.seed(
            on: app.db, administratorEmail: app.settings.adminEmail, passwordHasher: app.password)
        Self.report(outcome, to: context.console)
    }

    static func report(_ outcome: DemoContent.Outcome, to console: any Console) {
        console.info("Demo content is in place.")
        if outcome.demoAccountsCreated {
            console.output("Demo accounts (see the README) use the password: \(DemoContent.demoPassword)")
        }
        if let password = outcome.administratorPassword {
            console.output("Administrator: \(outcome.administratorEmail)", style: .info)
            console.output("Password (shown only now, write it down): \(password)", style: .warning)
        } else {
            console.output("Administrator \(outcome.administratorEmail) already exists; its password is unchanged.")
        }
    }
}

enum SeedError: Error, CustomStringConvertible {
    case nothingChosen

    var description: String { "nothing to seed: pass --demo" }
}
