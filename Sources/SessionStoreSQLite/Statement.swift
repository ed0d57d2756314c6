import CSQLite
import Foundation

/// A prepared statement: compiled once, then bound, stepped and reset as often as needed.
///
/// A statement belongs to the ``Connection`` that prepared it and is used on that connection's thread only.
public final class Statement {
    /// The SQL this statement was compiled from.
    public let sql: String

    let handle: OpaquePointer
    private let connection: OpaquePointer

    init(connection: OpaquePointer, sql: String) throws(SQLiteError) {
        var handle: OpaquePointer?
        var holdsAnotherStatement = false
        let code = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v3(connection, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, &tail)
            // The tail points into `text`, which lives only inside this closure. What follows the first statement
            // may be whitespace or comments, which compile to nothing, or another statement.
            if code == SQLITE_OK, let tail, tail.pointee != 0 {
                var next: OpaquePointer?
                let nextCode = sqlite3_prepare_v3(connection, tail, -1, 0, &next, nil)
                holdsAnotherStatement = nextCode != SQLITE_OK || next != nil
                sqlite3_finalize(next)
            }
            return code
        }
        guard code == SQLITE_OK else {
            throw SQLiteError(code: code, connection: connection, sql: sql)
        }
        guard let handle else {
            throw SQLiteError(code: .misuse, message: "the SQL holds no statement", sql: sql)
        }
        if holdsAnotherStatement {
            sqlite3_finalize(handle)
            throw SQLiteError(code: .misuse, message: "the SQL holds more than one statement", sql: sql)
        }
        self.sql = sql
        self.handle = handle
        self.connection = connection
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Clears earlier bindings and binds `arguments` to the parameters `?1`, `?2`, …
    public func bind(_ arguments: [SQLiteValue]) throws(SQLiteError) {
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard arguments.count == expected else {
            throw SQLiteError(
                code: .range,
                message: "the statement takes \(expected) arguments, \(arguments.count) were given",
                sql: sql)
        }
        sqlite3_reset(handle)
        for (offset, argument) in arguments.enumerated() {
            try bind(argument, at: Int32(offset + 1))
        }
    }

    private func bind(_ value: SQLiteValue, at index: Int32) throws(SQLiteError) {
        let code: Int32
        switch value {
        case .integer(let integer):
            code = sqlite3_bind_int64(handle, index, integer)
        case .real(let real):
            code = sqlite3_bind_double(handle, index, real)
        case .text(var text):
            // Explicit lengths keep embedded NUL characters and never depend on a terminator.
            code = text.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) { characters in
                    guard let start = characters.baseAddress else {
                        // A nil pointer would bind NULL, not the empty string.
                        return sqlite3_bind_text64(handle, index, "", 0, csqlite_transient(), UInt8(SQLITE_UTF8))
                    }
                    return sqlite3_bind_text64(
                        handle, index, start, sqlite3_uint64(characters.count), csqlite_transient(), UInt8(SQLITE_UTF8))
                }
            }
        case .blob(let data):
            code = data.withUnsafeBytes { bytes in
                guard let start = bytes.baseAddress, !bytes.isEmpty else {
                    return sqlite3_bind_zeroblob(handle, index, 0)
                }
                return sqlite3_bind_blob64(handle, index, start, sqlite3_uint64(bytes.count), csqlite_transient())
            }
        case .null:
            code = sqlite3_bind_null(handle, index)
        }
        guard code == SQLITE_OK else {
            throw SQLiteError(code: code, connection: connection, sql: sql)
        }
    }

    /// Advances to the next row: `true` when a row is available, `false` when the statement is done.
    public func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        case let code:
            let error = SQLiteError(code: code, connection: connection, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// The current row; valid until the next ``step()``.
    public var row: Row {
        Row(handle: handle)
    }

    /// Rewinds the statement so it can run again, and releases its read lock.
    public func reset() {
        sqlite3_reset(handle)
    }

    /// Binds `arguments`, runs to completion and resets.
    public func execute(_ arguments: [SQLiteValue] = []) throws(SQLiteError) {
        try bind(arguments)
        defer { reset() }
        while try step() {}
    }

    /// Binds `arguments`, calls `body` with every row, then resets.
    @inlinable
    public func forEach<E: Error>(_ arguments: [SQLiteValue] = [], _ body: (Row) throws(E) -> Void) throws {
        try bind(arguments)
        defer { reset() }
        while try step() {
            try body(row)
        }
    }

    /// Binds `arguments` and maps every row with `transform`, then resets.
    // Inlinable so that the loop is specialised for the caller's type: generic, it copied and destroyed every
    // row's value through the type's value witnesses and looked up its metadata per call.
    @inlinable
    public func map<T, E: Error>(_ arguments: [SQLiteValue] = [], _ transform: (Row) throws(E) -> T) throws -> [T] {
        var results: [T] = []
        try forEach(arguments) { row throws(E) in results.append(try transform(row)) }
        return results
    }

    /// Binds `arguments` and maps the first row with `transform`, or returns nil when there is none.
    public func first<T, E: Error>(_ arguments: [SQLiteValue] = [], _ transform: (Row) throws(E) -> T) throws -> T? {
        try bind(arguments)
        defer { reset() }
        return try step() ? transform(row) : nil
    }
}
