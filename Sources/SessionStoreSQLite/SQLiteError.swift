import CSQLite
import Foundation

/// An error reported by SQLite, with the context needed to act on it.
///
/// Catch a kind of failure by its primary code, which also matches its extended codes, or look at
/// ``extendedResultCode`` for the detail:
///
/// ```swift
/// catch SQLiteError.busy { … }
/// catch let error as SQLiteError where error.extendedResultCode == .constraintForeignKey { … }
/// ```
public struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
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

    /// Whether the failure means the disk (or the database's size limit) is full: `SQLITE_FULL`, and the
    /// `SQLITE_IOERR_SHMSIZE` that opening a database on a full disk fails with.
    public var isDiskFull: Bool {
        resultCode == .full || extendedResultCode == .ioErrorShmSize
    }

    /// The same line as ``description``, for `localizedDescription`.
    public var errorDescription: String? { description }

    /// A one-line description: code, message and, when known, the SQL.
    public var description: String {
        var text = "SQLite error \(extendedResultCode.rawValue): \(message)"
        if let sql {
            text += " — while executing `\(sql)`"
        }
        return text
    }
}

extension SQLiteError {
    // The primary codes a caller may want to catch, so that `catch SQLiteError.busy` reads as it means.
    /// Matches `SQLITE_BUSY` and its extended codes: another connection holds a lock past the busy timeout.
    public static let busy = ResultCode.busy
    /// Matches `SQLITE_LOCKED` and its extended codes.
    public static let locked = ResultCode.locked
    /// Matches `SQLITE_FULL`: the disk (or the database's size limit) is full.
    public static let full = ResultCode.full
    /// Matches `SQLITE_READONLY` and its extended codes.
    public static let readOnly = ResultCode.readOnly
    /// Matches `SQLITE_CORRUPT` and its extended codes.
    public static let corrupt = ResultCode.corrupt
    /// Matches `SQLITE_NOTADB`: the file is not a SQLite database.
    public static let notADatabase = ResultCode.notADatabase
    /// Matches `SQLITE_CANTOPEN` and its extended codes.
    public static let cannotOpen = ResultCode.cannotOpen
    /// Matches `SQLITE_IOERR` and its extended codes.
    public static let ioError = ResultCode.ioError
    /// Matches `SQLITE_CONSTRAINT` and its extended codes.
    public static let constraint = ResultCode.constraint
    /// Matches `SQLITE_INTERRUPT`: the statement was interrupted, as a cancelled task's is.
    public static let interrupt = ResultCode.interrupt
    /// Matches `SQLITE_MISUSE`, which a closed database answers.
    public static let misuse = ResultCode.misuse
    /// Matches `SQLITE_TOOBIG`: a value over SQLite's length limit.
    public static let tooBig = ResultCode.tooBig
}

extension SQLiteError {
    /// What a call fails with once its database is closed.
    static let databaseClosed = SQLiteError(code: .misuse, message: "the database is closed")
}
