import SessionStore

/// A SQLite file as one side of a copy: read in one snapshot, or written in one transaction.
struct SQLiteCopyEndpoint: CopyEndpoint {
    let connection: SerialConnection

    func rows(of table: CopyTable, after key: [SQLiteValue]?, limit: Int) async throws -> [[SQLiteValue]] {
        let sql = table.selectSQL(afterKey: key != nil) { "?\($0)" }
        return try await connection.run { connection in
            try connection.cachedStatement(sql).map((key ?? []) + [.integer(Int64(limit))]) { row in
                table.columns.indices.map { row.value($0) }
            }
        }
    }

    func count(of table: CopyTable) async throws -> Int {
        try await connection.run { connection in
            try connection.cachedStatement("SELECT count(*) FROM \(table.name)").first { Int($0.int64(0)) } ?? 0
        }
    }

    func insert(_ rows: [[SQLiteValue]], into table: CopyTable) async throws {
        let sql = "INSERT INTO \(table.name) (\(table.columnList)) VALUES (\(table.columns.indices.map { "?\($0 + 1)" }.joined(separator: ", ")))"
        try await connection.run { connection in
            let statement = try connection.cachedStatement(sql)
            for row in rows {
                try statement.execute(row)
            }
        }
    }

    func setParents(_ parents: [(sessionId: String, parentId: String)]) async throws {
        try await connection.run { connection in
            let statement = try connection.cachedStatement("UPDATE sessions SET parent_id = ?2 WHERE id = ?1")
            for (sessionId, parentId) in parents {
                try statement.execute([.text(sessionId), .text(parentId)])
            }
        }
    }

    /// Runs `body` with the file at `path`: read in one deferred transaction, or written in one `BEGIN IMMEDIATE`
    /// transaction that commits only when `body` returns (a destination that does not exist yet is created and
    /// migrated first).
    static func with<T: Sendable>(path: String, writing: Bool, _ body: (SQLiteCopyEndpoint) async throws -> T) async throws -> T {
        var options = Configuration().connectionOptions
        if writing {
            // Migrating first makes a missing file a store and refuses one of another schema.
            let repository = try await SessionRepository(path: path)
            await repository.close()
        } else {
            options.access = .readOnly
        }
        let connection = try SerialConnection(location: .file(path), options: options, label: "session-store copy")
        do {
            try await connection.run { try $0.begin(writing ? .immediate : .deferred) }
            let result = try await body(SQLiteCopyEndpoint(connection: connection))
            try await connection.run { try $0.execute("COMMIT") }
            await connection.close()
            return result
        } catch {
            try? await connection.run { try $0.execute("ROLLBACK") }
            await connection.close()
            throw error
        }
    }
}
