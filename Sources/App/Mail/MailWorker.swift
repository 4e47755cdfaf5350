import Fluent
import SQLKit
import Vapor

/// Delivers the outbox in the background. Any number of instances may run it: a message is claimed by
/// one conditional update before it is sent, so each is sent once; a claim left by a killed worker is
/// taken over after ten minutes. Failures are retried with a growing pause.
final class MailWorker: LifecycleHandler, @unchecked Sendable {
    private let workerID = UUID().uuidString
    private var task: Task<Void, Never>?
    static let pollInterval: Duration = .seconds(2)
    static let staleClaim: TimeInterval = 600

    func didBootAsync(_ application: Application) async throws {
        guard application.settings.runsWorker else { return }
        let id = workerID
        task = Task { [application] in
            while !Task.isCancelled {
                do {
                    _ = try await Self.deliverDue(application, workerID: id)
                } catch {
                    application.logger.error("mail worker: \(error)")
                }
                try? await Task.sleep(for: Self.pollInterval)
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        task?.cancel()
        await task?.value
    }

    /// Claims and delivers what is due; returns how many messages were sent.
    @discardableResult
    static func deliverDue(_ app: Application, workerID: String = UUID().uuidString, now: Date = Date()) async throws -> Int {
        let db = app.db
        let due = try await OutboxMessage.query(on: db)
            .group(.or) { group in
                group.group(.and) { $0.filter(\.$status == .pending).filter(\.$nextAttemptAt <= now) }
                group.group(.and) {
                    $0.filter(\.$status == .sending).filter(\.$claimedAt < now.addingTimeInterval(-staleClaim))
                }
            }
            .sort(\.$createdAt).limit(20).all()
        var sent = 0
        // Stopping (SIGTERM): the message being sent is finished, nothing more is claimed.
        for message in due where !Task.isCancelled {
            guard let id = message.id, try await claim(id, status: message.status, worker: workerID, now: now, on: db) else {
                continue
            }
            do {
                try await app.mailTransport.deliver(message.rendered, id: id, recipient: message.recipient)
                message.status = .sent
                message.sentAt = Date()
                message.lastError = nil
                sent += 1
            } catch {
                message.attempts += 1
                message.lastError = String(describing: error).prefix(500).description
                message.status = message.attempts >= OutboxMessage.maximumAttempts ? .failed : .pending
                message.nextAttemptAt = now.addingTimeInterval(min(3600, 30 * pow(2, Double(message.attempts - 1))))
                app.logger.warning("mail not delivered", metadata: ["id": "\(id)", "error": "\(error)"])
            }
            message.claimedBy = workerID
            message.claimedAt = now
            try await message.save(on: db)
        }
        return sent
    }

    /// The one conditional update that makes a worker the message's only sender.
    private static func claim(_ id: String, status: OutboxMessage.Status, worker: String, now: Date, on db: any Database) async throws -> Bool {
        guard let sql = db as? any SQLDatabase else { return false }
        let rows = try await sql.update(OutboxMessage.schema)
            .set("status", to: OutboxMessage.Status.sending.rawValue)
            .set("claimed_by", to: worker)
            .set("claimed_at", to: now)
            .where("id", .equal, id)
            .where("status", .equal, status.rawValue)
            .returning("id")
            .all()
        return !rows.isEmpty
    }
}
