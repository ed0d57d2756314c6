import Foundation
import SessionStoreSQLite
import Testing

@Suite struct StatementTests {
    let connection: Connection

    init() throws {
        connection = try Connection(location: .inMemory)
        try connection.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB) STRICT")
    }

    @Test func valuesOfEveryStorageClassRoundTrip() throws {
        let text = "nul\u{0}inside, four-byte 🚀, combining é"
        let blob = Data([0, 1, 2, 255, 0])
        try connection.execute("INSERT INTO t VALUES (?1, ?2, ?3, ?4)", [.integer(.max), .real(-0.5), .text(text), .blob(blob)])
        try connection.execute("INSERT INTO t VALUES (?1, ?2, ?3, ?4)", [.null, .null, .text(""), .blob(Data())])

        let rows = try connection.prepare("SELECT i, r, s, b FROM t ORDER BY rowid").map { row in
            [row.value(0), row.value(1), row.value(2), row.value(3)]
        }
        #expect(rows[0] == [.integer(.max), .real(-0.5), .text(text), .blob(blob)])
        #expect(rows[1][0] == .null && rows[1][1] == .null)
        // Empty text and blobs stay empty values, not NULL.
        #expect(rows[1][2] == .text(""))
        #expect(rows[1][3] == .blob(Data()))
        let length = try connection.prepare("SELECT length(CAST(s AS BLOB)) FROM t ORDER BY rowid").first { $0.int64(0) }
        #expect(length == Int64(text.utf8.count))
    }

    @Test func optionalReadsGiveNilForNull() throws {
        try connection.execute("INSERT INTO t (i, s) VALUES (NULL, NULL)")
        let row = try connection.prepare("SELECT i, s FROM t").first { ($0.optionalInt64(0), $0.optionalString(1)) }
        #expect(row?.0 == nil)
        #expect(row?.1 == nil)
    }

    @Test func cachedStatementsAreReused() throws {
        let first = try connection.cachedStatement("SELECT count(*) FROM t")
        let second = try connection.cachedStatement("SELECT count(*) FROM t")
        #expect(first === second)
        #expect(try connection.prepare("SELECT count(*) FROM t") !== first)
    }

    @Test func aStatementRunsAgainAfterReset() throws {
        let insert = try connection.cachedStatement("INSERT INTO t (i) VALUES (?1)")
        for value in 1...3 {
            try insert.execute([.integer(Int64(value))])
        }
        #expect(try connection.prepare("SELECT sum(i) FROM t").first { $0.int64(0) } == 6)
    }

    @Test func wrongArgumentCountIsRefused() throws {
        let error = #expect(throws: SQLiteError.self) {
            try connection.execute("INSERT INTO t (i, s) VALUES (?1, ?2)", [.integer(1)])
        }
        #expect(error?.resultCode == .range)
        #expect(error?.sql == "INSERT INTO t (i, s) VALUES (?1, ?2)")
    }

    @Test func twoStatementsInOneStringAreRefused() throws {
        let error = #expect(throws: SQLiteError.self) {
            try connection.prepare("DELETE FROM t; DROP TABLE t")
        }
        #expect(error?.resultCode == .misuse)
        #expect(throws: SQLiteError.self) {
            try connection.prepare("SELECT 1; not sql at all")
        }
        #expect(try connection.prepare("SELECT count(*) FROM t").first { $0.int64(0) } == 0)
    }

    @Test func syntaxErrorsCarryMessageAndSQL() throws {
        let error = #expect(throws: SQLiteError.self) {
            try connection.prepare("SELEKT 1")
        }
        #expect(error?.resultCode == .error)
        #expect(error?.message.contains("syntax error") == true)
        #expect(error?.sql == "SELEKT 1")
        #expect(error?.description.contains("SELEKT 1") == true)
    }

    @Test func constraintViolationsSurfaceAsTypedErrors() throws {
        try connection.execute("CREATE TABLE u (id TEXT PRIMARY KEY, n INTEGER CHECK (n > 0)) STRICT")
        try connection.execute("INSERT INTO u VALUES ('a', 1)")

        let duplicate = #expect(throws: SQLiteError.self) {
            try connection.execute("INSERT INTO u VALUES ('a', 2)")
        }
        #expect(duplicate?.resultCode == .constraint)
        #expect(duplicate?.extendedResultCode == .constraintPrimaryKey)

        let check = #expect(throws: SQLiteError.self) {
            try connection.execute("INSERT INTO u VALUES ('b', 0)")
        }
        #expect(check?.extendedResultCode == .constraintCheck)

        let strict = #expect(throws: SQLiteError.self) {
            try connection.execute("INSERT INTO u VALUES ('c', 'many')")
        }
        #expect(strict?.extendedResultCode == ResultCode(rawValue: 3091))  // SQLITE_CONSTRAINT_DATATYPE
        #expect(try connection.prepare("SELECT count(*) FROM u").first { $0.int64(0) } == 1)
    }

    @Test func forEachVisitsEveryRowInOrderAndResetsEvenWhenTheBodyThrows() throws {
        for value in [3, 1, 2] {
            try connection.execute("INSERT INTO t (i) VALUES (?1)", [.integer(Int64(value))])
        }
        let select = try connection.prepare("SELECT i FROM t WHERE i >= ?1 ORDER BY i")
        var seen: [Int64] = []
        try select.forEach([.integer(2)]) { seen.append($0.int64(0)) }
        #expect(seen == [2, 3])

        #expect(try select.map([.integer(1)]) { $0.int64(0) } == [1, 2, 3])
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try select.forEach([.integer(1)]) { _ in throw Stop() }
        }
        // Reset after the throw: a statement left running would keep the table locked.
        try connection.execute("DROP TABLE t")
    }

    @Test func textEqualsComparesTheWholeTextAndNeverMatchesNull() throws {
        let text = "nul\u{0}inside, four-byte 🚀"
        try connection.execute("INSERT INTO t (i, s) VALUES (1, ?1), (2, NULL), (3, '')", [.text(text)])
        let rows = try connection.prepare("SELECT s FROM t ORDER BY i")
        let matches = try rows.map { row in
            [text, "nul", text + "!", "", "nul\u{0}inside, four-byte 🚁"].map { row.text(0, equals: $0) }
        }
        #expect(matches[0] == [true, false, false, false, false])
        #expect(matches[1] == [false, false, false, false, false])
        #expect(matches[2] == [false, false, false, true, false])
    }

    @Test func closedConnectionsRefuseWork() throws {
        connection.close()
        let error = #expect(throws: SQLiteError.self) {
            try connection.execute("SELECT 1")
        }
        #expect(error?.resultCode == .misuse)
    }
}

@Suite struct StatementPreparationTests {
    /// Short SQL is handed to SQLite in a buffer that lives only while it prepares; reading what follows the
    /// statement after that point read freed memory, and once in a while refused a valid statement as two. Under
    /// the thread sanitizer (in CI) the old code failed this within a few thousand preparations.
    @Test func shortStatementsAlwaysPrepareAsOne() throws {
        let connection = try Connection(location: .inMemory)
        for sql in ["BEGIN", "COMMIT", "SELECT 1", "SELECT 1;", "SELECT 1; -- note", "SELECT 1;\n  "] {
            for _ in 0..<2_000 {
                _ = try connection.prepare(sql)
            }
        }
    }
}
