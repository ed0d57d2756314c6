import Logging
import PostgresNIO
import SessionStore

/// A PostgreSQL database as one side of a copy: read in one repeatable-read snapshot, or written in one
/// transaction.
struct PostgresCopyEndpoint: CopyEndpoint {
    let connection: PostgresConnection
    let logger: Logger

    func rows(of table: CopyTable, after key: [SQLiteValue]?, limit: Int) async throws -> [[SQLiteValue]] {
        var binds = PostgresBindings()
        for (value, column) in zip(key ?? [], table.key) {
            try Self.bind(value, as: table.columns[table.index(of: column)].kind, into: &binds)
        }
        binds.append(Int64(limit))
        let query = PostgresQuery(unsafeSQL: table.selectSQL(afterKey: key != nil) { "$\($0)" }, binds: binds)
        var rows: [[SQLiteValue]] = []
        for try await row in try await connection.query(query, logger: logger) {
            let cells = row.makeRandomAccess()
            rows.append(try table.columns.indices.map { index in try Self.value(cells[index], as: table.columns[index].kind) })
        }
        return rows
    }

    func count(of table: CopyTable) async throws -> Int {
        var count = 0
        for try await found in try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table.name)"), logger: logger
        ).decode(Int.self) { count = found }
        return count
    }

    func insert(_ rows: [[SQLiteValue]], into table: CopyTable) async throws {
        guard !rows.isEmpty else { return }
        // A statement takes at most 65,535 parameters: a batch too big for one goes in several.
        let rowsPerStatement = Int(UInt16.max) / table.columns.count
        guard rows.count <= rowsPerStatement else {
            for start in stride(from: 0, to: rows.count, by: rowsPerStatement) {
                try await insert(Array(rows[start..<min(start + rowsPerStatement, rows.count)]), into: table)
            }
            return
        }
        var binds = PostgresBindings(capacity: rows.count * table.columns.count)
        var tuples: [String] = []
        for row in rows {
            let first = binds.count + 1
            for (value, column) in zip(row, table.columns) {
                try Self.refuseNUL(in: value, table: table, row: row, column: column)
                try Self.bind(value, as: column.kind, into: &binds)
            }
            tuples.append("(" + table.columns.indices.map { "$\(first + $0)" }.joined(separator: ", ") + ")")
        }
        try await connection.query(
            PostgresQuery(unsafeSQL: "INSERT INTO \(table.name) (\(table.columnList)) VALUES \(tuples.joined(separator: ", "))", binds: binds),
            logger: logger)
    }

    func setParents(_ parents: [(sessionId: String, parentId: String)]) async throws {
        for (sessionId, parentId) in parents {
            try await connection.query("UPDATE sessions SET parent_id = \(parentId) WHERE id = \(sessionId)", logger: logger)
        }
    }

    /// Refuses a text that holds a NUL, or JSON that spells one `\u0000`, naming its row and column: PostgreSQL
    /// cannot store either, and its refusal of the whole batch would not say which of the batch's rows it was.
    private static func refuseNUL(in value: SQLiteValue, table: CopyTable, row: [SQLiteValue], column: (name: String, kind: CopyTable.Kind)) throws {
        guard case .text(let text) = value, text.utf8.contains(0) || (column.kind == .json && spellsNUL(text)) else { return }
        let key = table.key(of: row).map { value in
            switch value {
            case .text(let text): text
            case .integer(let number): String(number)
            default: "\(value)"
            }
        }
        throw SessionStoreError.unsupportedCharacter(
            reason: "PostgreSQL cannot store a NUL character (U+0000) in text: \(table.name) row \(key.joined(separator: " ")) has one in \(column.name)")
    }

    /// Whether JSON text has the escape `\u0000`: a backslash that no backslash before it escapes, then `u0000`.
    private static func spellsNUL(_ json: String) -> Bool {
        let bytes = Array(json.utf8)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            if bytes[(index + 1)...].starts(with: "u0000".utf8) { return true }
            index += 2
        }
        return false
    }

    private static func bind(_ value: SQLiteValue, as kind: CopyTable.Kind, into binds: inout PostgresBindings) throws {
        switch (value, kind) {
        case (.null, _): binds.appendNull()
        case (.integer(let number), .boolean): binds.append(number != 0)
        case (.integer(let number), _): binds.append(number)
        case (.real(let number), _): binds.append(number)
        case (.text(let text), _): binds.append(text)
        case (.blob, _): throw SessionStoreError.corruptValue(table: "?", id: "?", reason: "a blob where the schema has none")
        }
    }

    /// The cell as SQLite would hold it: booleans as 0 and 1.
    private static func value(_ cell: PostgresCell, as kind: CopyTable.Kind) throws -> SQLiteValue {
        switch kind {
        case .text, .json: SQLiteValue(try cell.decode(String?.self))
        case .integer: try cell.decode(Int64?.self).map(SQLiteValue.integer) ?? .null
        case .real: try cell.decode(Double?.self).map(SQLiteValue.real) ?? .null
        case .boolean: try cell.decode(Bool?.self).map { .integer($0 ? 1 : 0) } ?? .null
        }
    }

    /// Runs `body` with the database `url` names: read in one repeatable-read, read-only transaction, or written
    /// in one transaction that commits only when `body` returns (the schema migrated first, and the change
    /// counters set from the changes copied before the commit).
    static func with<T: Sendable>(
        url: String, writing: Bool, logger: Logger, _ body: (PostgresCopyEndpoint) async throws -> T
    ) async throws -> T {
        if writing {
            _ = try await PostgresMigrator().migrate(url: url, logger: logger)
        }
        let url = try PostgresURL(url)
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        try await PostgresRepository.reach(client, url, logger: logger)
        return try await PostgresFailure.mapped {
            try await client.withConnection { connection in
                try await connection.query(
                    writing ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
                do {
                    let result = try await body(PostgresCopyEndpoint(connection: connection, logger: logger))
                    if writing {
                        try await connection.query(
                            """
                            INSERT INTO change_counters (workspace_id, last_sequence)
                            SELECT workspace_id, max(sequence) FROM changes GROUP BY workspace_id
                            ON CONFLICT (workspace_id) DO UPDATE SET last_sequence = excluded.last_sequence
                            """, logger: logger)
                    }
                    try await connection.query("COMMIT", logger: logger)
                    return result
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }
}
