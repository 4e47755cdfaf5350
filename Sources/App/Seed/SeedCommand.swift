import Fluent
import Vapor

/// `korpus seed --demo`: fills the database with demo content.
struct SeedCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "demo", help: "Add realistic demo content (regions, an administrator, and each module's demo data).")
        var demo: Bool

        @Flag(name: "reference", help: "Add the reference data set of DESIGN.md for benchmarks (100,000 volunteers, 20,000 organisations, 100,000 offers, 200,000 applications).")
        var reference: Bool

        @Flag(name: "small", help: "With --reference: a fiftieth of the reference size, for a quick try.")
        var small: Bool
    }

    var help: String { "Adds demo content to the database (run `migrate` first on PostgreSQL)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if signature.reference {
            let started = ContinuousClock.now
            let data = ReferenceData(db: app.db, size: signature.small ? .small : .reference,
                                     passwordHash: try app.password.hash(DemoContent.demoPassword))
            let counts = try await data.seed()
            let seconds = (ContinuousClock.now - started).components
            let access = try await data.benchAccess()
            context.console.info("Reference data set written in \(seconds.seconds).\(String(format: "%03d", seconds.attoseconds / 1_000_000_000_000_000)) s: \(counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))")
            context.console.output("bench: volunteer-token=\(access.volunteerToken) coordinator-token=\(access.coordinatorToken) offer=\(access.offerID.uuidString)"
                + " member-token=\(access.memberToken) hours-token=\(access.hoursCoordinatorToken) hours-organisation=\(access.hoursOrganisationID.uuidString)")
            return
        }
        guard signature.demo else {
            context.console.error("Choose what to seed: --demo or --reference")
            throw SeedError.nothingChosen
        }
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

    var description: String { "nothing to seed: pass --demo or --reference" }
}
