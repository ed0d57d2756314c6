import SessionStoreSQLite
import TestSupport
import Testing

@Suite struct TransactionTests {
    struct Failure: Error {}

    let connection: Connection

    init() throws {
        connection = try Connection(location: .inMemory)
        try connection.execute("CREATE TABLE t (n INTEGER NOT NULL) STRICT")
    }

    func count() throws -> Int64 {
        try connection.prepare("SELECT count(*) FROM t").first { $0.int64(0) } ?? -1
    }

    @Test func commitsWhenTheBodyReturns() throws {
        let value = try connection.transaction {
            try connection.execute("INSERT INTO t VALUES (1)")
            #expect(connection.isInTransaction)
            return 42
        }
        #expect(value == 42)
        #expect(!connection.isInTransaction)
        #expect(try count() == 1)
    }

    @Test func rollsBackWhenTheBodyThrows() throws {
        #expect(throws: Failure.self) {
            try connection.transaction {
                try connection.execute("INSERT INTO t VALUES (1)")
                throw Failure()
            }
        }
        #expect(!connection.isInTransaction)
        #expect(try count() == 0)
    }

    @Test func aFailedNestedTransactionUndoesOnlyItsOwnWork() throws {
        try connection.transaction {
            try connection.execute("INSERT INTO t VALUES (1)")
            #expect(throws: Failure.self) {
                try connection.transaction {
                    try connection.execute("INSERT INTO t VALUES (2)")
                    throw Failure()
                }
            }
            try connection.transaction {
                try connection.execute("INSERT INTO t VALUES (3)")
            }
        }
        #expect(try connection.prepare("SELECT group_concat(n) FROM t").first { $0.string(0) } == "1,3")
    }

    @Test func theFirstErrorWinsWhenSQLiteAlreadyRolledBack() throws {
        // RAISE(ROLLBACK) ends the transaction inside SQLite: no ROLLBACK may follow, and its error must not
        // replace the trigger's.
        try connection.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON t WHEN NEW.n < 0 BEGIN SELECT RAISE(ROLLBACK, 'negative'); END")
        let error = #expect(throws: SQLiteError.self) {
            try connection.transaction {
                try connection.execute("INSERT INTO t VALUES (1)")
                try connection.transaction {
                    try connection.execute("INSERT INTO t VALUES (-1)")
                }
            }
        }
        #expect(error?.message == "negative")
        #expect(error?.extendedResultCode == .constraintTrigger)
        #expect(!connection.isInTransaction)
        #expect(try count() == 0)
    }

    @Test func writesBeginImmediately() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("db.sqlite")
        let writer = try Connection(location: .file(path))
        let other = try Connection(location: .file(path), options: ConnectionOptions(busyTimeout: .milliseconds(50)))
        try writer.execute("CREATE TABLE t (n INTEGER)")
        try writer.transaction(.immediate) {
            // The lock is taken at BEGIN, before any write, so a second writer is refused at its own BEGIN.
            let error = #expect(throws: SQLiteError.self) {
                try other.transaction(.immediate) {}
            }
            #expect(error?.resultCode == .busy)
        }
        try other.transaction(.immediate) {
            try other.execute("INSERT INTO t VALUES (1)")
        }
    }
}
