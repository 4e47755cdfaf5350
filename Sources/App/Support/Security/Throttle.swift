import Fluent
import Vapor

/// Failed attempts per key (an e-mail address, a client address), kept in the database so that every
/// instance sees them. After a few free attempts each failure doubles the wait, up to 15 minutes.
final class ThrottleRecord: Model, @unchecked Sendable {
    static let schema = "throttles"

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "failures") var failures: Int
    @Field(key: "last_failure_at") var lastFailureAt: Date
    @OptionalField(key: "blocked_until") var blockedUntil: Date?

    init() {}
}

struct CreateThrottles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ThrottleRecord.schema)
            .field("id", .string, .identifier(auto: false))
            .field("failures", .int, .required)
            .field("last_failure_at", .datetime, .required)
            .field("blocked_until", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ThrottleRecord.schema).delete()
    }
}

struct Throttle {
    let freeAttempts: Int
    let maximumWait: TimeInterval = 15 * 60
    /// Failures older than this are forgotten.
    let memory: TimeInterval = 24 * 3600

    static let signInPerAccount = Throttle(freeAttempts: 5)
    static let signInPerAddress = Throttle(freeAttempts: 20)
    static let mailPerAddress = Throttle(freeAttempts: 10)
    /// Applications per volunteer a day, against spam.
    static let applications = Throttle(freeAttempts: 20)
    /// Messages per person a day, against spam.
    static let messages = Throttle(freeAttempts: 60)

    /// Seconds to wait before the next attempt, or nil when one may try now.
    func wait(for key: String, on db: any Database, now: Date = Date()) async throws -> Int? {
        guard let record = try await ThrottleRecord.find(key, on: db), let until = record.blockedUntil, until > now else {
            return nil
        }
        return Int(until.timeIntervalSince(now).rounded(.up))
    }

    func recordFailure(for key: String, on db: any Database, now: Date = Date()) async throws {
        let record = try await ThrottleRecord.find(key, on: db) ?? {
            let fresh = ThrottleRecord()
            fresh.id = key
            fresh.failures = 0
            return fresh
        }()
        if record.failures > 0, now.timeIntervalSince(record.lastFailureAt) > memory { record.failures = 0 }
        record.failures += 1
        record.lastFailureAt = now
        if record.failures > freeAttempts {
            let exponent = min(record.failures - freeAttempts - 1, 12)
            record.blockedUntil = now.addingTimeInterval(min(maximumWait, pow(2, Double(exponent))))
        }
        try await record.save(on: db)
    }

    /// Counts one more attempt of `key`, or refuses it with how long to wait once the free attempts are used.
    func admit(_ key: String, on db: any Database) async throws {
        if let wait = try await wait(for: key, on: db) {
            throw LocalizedAbort(.tooManyRequests, key: "sign_in.error.throttled", ["seconds": String(wait)])
        }
        try await recordFailure(for: key, on: db)
    }

    func reset(_ key: String, on db: any Database) async throws {
        try await ThrottleRecord.query(on: db).filter(\.$id == key).delete()
    }
}
