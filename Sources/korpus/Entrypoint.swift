import App
import Logging
import Vapor

/// The `korpus` command: `serve`, `migrate`, `seed --demo`, `backup`, `restore`, `cards`, `routes`. Everything
/// else lives in `App`.
@main
enum Entrypoint {
    static func main() async throws {
        var env = try Environment.detect()
        let settings: Settings
        do {
            settings = try Settings.fromEnvironment()
        } catch {
            let environment = ProcessInfo.processInfo.environment
            print("Korpus cannot start: \(error)")
            for name in Settings.variableNames {
                print("  \(name): \(environment[name] == nil ? "unset" : "set")")
            }
            exit(1)
        }
        if let code = RestoreCommand.run(CommandLine.arguments, settings: settings) { exit(code) }
        try bootstrapLogging(&env, format: settings.logFormat)

        let app = try await Application.make(env)
        do {
            try await configure(app, settings: settings)
            if isServing(env) {
                try await FirstStart.prepare(app)
            }
            try await app.execute()
            if isServing(env) {
                // SIGTERM or SIGINT: the HTTP server stops taking connections and lets the requests in flight
                // finish (up to 10 s) before the workers stop and the database closes; the application's
                // shutdown alone closes them in no set order, and a request still running would lose its database.
                await app.server.shutdown()
            }
        } catch {
            app.logger.report(error: error)
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    /// `serve` is the default command when none is named.
    static func isServing(_ env: Environment) -> Bool {
        let arguments = env.arguments.dropFirst()
        guard let command = arguments.first else { return true }
        return command == "serve" || command.hasPrefix("-")
    }

    static func bootstrapLogging(_ env: inout Environment, format: Settings.LogFormat) throws {
        let level = try Logger.Level.detect(from: &env)
        switch format {
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardOutput(label: label)
                handler.logLevel = level
                return handler
            }
        case .json:
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        }
    }
}
