import Fluent
import Vapor

/// What `korpus serve` does before it listens on an embedded database: migrate it, and on its very first
/// start offer demo content, so the first start just works.
public enum FirstStart {
    public static func prepare(_ app: Application) async throws {
        guard app.databaseTarget.isEmbedded else { return }
        try await app.autoMigrate()
        guard try await DemoContent.isEmpty(app.db) else { return }
        guard shouldSeedDemo(app) else {
            app.logger.notice("The database is empty. Add demo content with: korpus seed --demo")
            return
        }
        let outcome = try await DemoContent.seed(
            on: app.db, administratorEmail: app.settings.adminEmail, passwordHasher: app.password)
        SeedCommand.report(outcome, to: app.console)
    }

    private static func shouldSeedDemo(_ app: Application) -> Bool {
        if isatty(STDIN_FILENO) == 1 {
            return app.console.confirm("Baza danych jest pusta. Dodać treści demonstracyjne? / The database is empty. Add demo content?")
        }
        return app.settings.demoOnFirstStart
    }
}
