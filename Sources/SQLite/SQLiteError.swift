import CSQLite

/// An error reported by SQLite, with the context needed to act on it.
///
/// Match on ``resultCode`` (primary) for the kind of failure, and on ``extendedResultCode`` for the detail:
///
/// ```swift
/// catch let error as SQLiteError where error.resultCode == .busy { … }
/// ```
public struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The primary result code: `.busy`, `.full`, `.readOnly`, `.corrupt`, `.notADatabase`, `.constraint`, …
    public var resultCode: ResultCode { extendedResultCode.primary }

    /// The extended result code, such as `.constraintForeignKey`.
    public let extendedResultCode: ResultCode

    /// SQLite's message for this failure.
    public let message: String

    /// The SQL that failed, when a statement was involved.
    public let sql: String?

    /// Creates an error with an explicit code and message.
    public init(code: ResultCode, message: String? = nil, sql: String? = nil) {
        self.extendedResultCode = code
        self.message = message ?? String(cString: sqlite3_errstr(code.rawValue))
        self.sql = sql
    }

    /// Reads the latest error of a connection handle.
    init(code: Int32, connection: OpaquePointer?, sql: String? = nil) {
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
        // The connection's code can be stale when the failure came from elsewhere (a failed open, a busy handler).
        let resolved = extended & 0xFF == code & 0xFF ? extended : code
        let message = connection.map { String(cString: sqlite3_errmsg($0)) }
        self.init(code: ResultCode(rawValue: resolved), message: message, sql: sql)
    }

    /// A one-line description: code, message and, when known, the SQL.
    public var description: String {
        var text = "SQLite error \(extendedResultCode.rawValue): \(message)"
        if let sql {
            text += " — while executing `\(sql)`"
        }
        return text
    }
}
