import CSQLite

/// How a transaction takes its locks.
public enum TransactionKind: String, Sendable {
    /// Takes the write lock at once, so that the transaction never fails half-way for a lock: for writes.
    case immediate = "IMMEDIATE"
    /// Takes a read snapshot at the first read: for reads only.
    case deferred = "DEFERRED"
}

extension Connection {
    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    ///
    /// Inside an open transaction, `body` runs in a savepoint instead, so that a failure undoes its own work
    /// only. When SQLite already rolled the transaction back (after `SQLITE_FULL` or an interrupt, say), no
    /// rollback is attempted; the first error is the one thrown.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        if isInTransaction {
            return try savepoint(body)
        }
        try begin(kind)
        let result: T
        do {
            result = try body()
            try commit()
        } catch {
            if isInTransaction {
                try? execute("ROLLBACK")
            }
            throw error
        }
        return result
    }

    /// Begins a transaction, unless the database's file was moved, replaced or deleted since the connection
    /// opened it: SQLite would go on reading and writing the old file, which nothing opens again (and pair it
    /// with the `-wal` file of the new one), so acknowledged writes would be lost.
    public func begin(_ kind: TransactionKind) throws(SQLiteError) {
        if fileHasMoved {
            throw SQLiteError(
                code: .readOnlyDatabaseMoved,
                message: "the database file was moved, replaced or deleted after it was opened; open the store again")
        }
        try execute("BEGIN \(kind.rawValue)")
    }

    /// Commits the open transaction. One that only read has nothing to lose: when its `COMMIT` fails, SQLite
    /// repeats damage a statement met and the body chose to report (as `check` does with `integrity_check`'s
    /// findings), and the snapshot is over all the same.
    private func commit() throws(SQLiteError) {
        let onlyRead = sqlite3_txn_state(handle, nil) <= SQLITE_TXN_READ
        do {
            try execute("COMMIT")
        } catch where onlyRead && !isInTransaction {
            return
        }
    }

    private func savepoint<T>(_ body: () throws -> T) throws -> T {
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "nested\(savepointDepth)"
        try execute("SAVEPOINT \(name)")
        let result: T
        do {
            result = try body()
            try execute("RELEASE \(name)")
        } catch {
            if isInTransaction {
                try? execute("ROLLBACK TO \(name)")
                try? execute("RELEASE \(name)")
            }
            throw error
        }
        return result
    }
}
