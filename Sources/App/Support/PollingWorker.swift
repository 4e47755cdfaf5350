import Vapor

/// Background work that looks for what is due every `KORPUS_ALERT_POLL_SECONDS`, on the instances that run
/// the worker (`KORPUS_WORKER`). The work itself must be safe to run on many instances at once.
final class PollingWorker: LifecycleHandler, @unchecked Sendable {
    private let name: String
    private let work: @Sendable (Application) async throws -> Void
    private var task: Task<Void, Never>?

    init(_ name: String, _ work: @escaping @Sendable (Application) async throws -> Void) {
        self.name = name
        self.work = work
    }

    func didBootAsync(_ application: Application) async throws {
        guard application.settings.runsWorker else { return }
        let interval = Duration.seconds(application.settings.alertPollSeconds)
        task = Task { [application, name, work] in
            while !Task.isCancelled {
                do {
                    try await work(application)
                } catch {
                    application.logger.error("\(name): \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        task?.cancel()
        await task?.value
    }
}
