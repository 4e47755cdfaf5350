import FluentPostgresDriver
import SQLKit

/// A query asked on (almost) every request, which PostgreSQL plans once per connection and then runs from
/// the kept plan (a named prepared statement). Measured on the reference data set, planning the few hot
/// queries again for every request was more than half of what PostgreSQL did for the matching API: joins and
/// `EXISTS` make the planner weigh every index and compare the columns' statistics, which costs far more than
/// reading the handful of rows. On SQLite the same text runs as an ordinary query (SQLite keeps no plans
/// between statements, and planning there is cheap).
protocol PreparedSQL {
    /// The statement, for both databases: values written `$1`, `$2`… (each may appear more than once),
    /// only standard SQL, and no `*`: a kept plan must not change its columns when a migration adds one.
    static var text: String { get }
}

/// A value bound to a `PreparedSQL` statement: one both drivers can send.
typealias PreparedValue = Encodable & Sendable & PostgresThrowingDynamicTypeEncodable

extension PreparedSQL {
    /// The rows the statement gives for these values (`values[0]` is `$1`).
    static func rows(_ values: [any PreparedValue], on sql: any SQLDatabase) async throws -> [any SQLRow] {
        // Only a PostgreSQL database is one (the SQLite driver's is not).
        if let postgres = sql as? any PostgresDatabase {
            var bindings = PostgresBindings(capacity: values.count)
            for value in values { try bindings.append(value) }
            let statement = PostgresStatement<Self>(bindings: bindings)
            let rows: [PostgresRow] = try await postgres.withConnection { connection in
                connection.eventLoop.makeFutureWithTask {
                    var rows: [PostgresRow] = []
                    for try await row in try await connection.execute(statement, logger: connection.logger) { rows.append(row) }
                    return rows
                }
            }.get()
            return rows.map { $0.sql() }
        }
        return try await sql.raw("\(NumberedPlaceholders(text: text, values: values))").all()
    }

    /// The first row, if any.
    static func first(_ values: [any PreparedValue], on sql: any SQLDatabase) async throws -> (any SQLRow)? {
        try await rows(values, on: sql).first
    }
}

/// A `PreparedSQL` as PostgresNIO prepares it: once per connection, under the name of the type.
private struct PostgresStatement<Query: PreparedSQL>: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var name: String { String(reflecting: Query.self) }
    static var sql: String { Query.text }
    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// The text of a `PreparedSQL` for SQLite: `$1` becomes `?1`, which SQLite binds by its number (a `$` inside a
/// quoted string stays).
private struct NumberedPlaceholders: SQLExpression {
    let text: String
    let values: [any PreparedValue]

    func serialize(to serializer: inout SQLSerializer) {
        var utf8 = Array(text.utf8)
        var quoted = false
        for index in utf8.indices {
            if utf8[index] == UInt8(ascii: "'") {
                quoted.toggle()
            } else if !quoted, utf8[index] == UInt8(ascii: "$"), index + 1 < utf8.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(utf8[index + 1]) {
                utf8[index] = UInt8(ascii: "?")
            }
        }
        serializer.write(String(decoding: utf8, as: UTF8.self))
        serializer.binds += values.map { $0 as any Encodable & Sendable }
    }
}
