import CSQLite

/// A SQLite result code, primary (`SQLITE_BUSY`) or extended (`SQLITE_BUSY_SNAPSHOT`).
///
/// Compare primary codes with ``primary``: an extended code always carries its primary code in its low byte.
/// In a `switch` or `catch`, a primary code matches every extended code of its kind:
///
/// ```swift
/// catch SQLiteError.busy { … }   // also SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_RECOVERY, …
/// ```
public struct ResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The C value, as returned by `sqlite3_extended_errcode`.
    public let rawValue: Int32

    /// Wraps a C result code.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// The primary code of an extended code (itself for a primary code).
    public var primary: ResultCode {
        ResultCode(rawValue: rawValue & 0xFF)
    }

    /// Whether this is a primary code, which stands for all the extended codes of its kind.
    public var isPrimary: Bool {
        rawValue & 0xFF == rawValue
    }

    /// A primary `pattern` matches `code` when `code` is of its kind; an extended `pattern` matches itself only.
    public static func ~= (pattern: ResultCode, code: ResultCode) -> Bool {
        pattern.isPrimary ? pattern == code.primary : pattern == code
    }

    /// Matches an ``SQLiteError`` whose extended code `pattern` matches, so that `catch SQLiteError.busy` works.
    public static func ~= (pattern: ResultCode, error: any Error) -> Bool {
        guard let error = error as? SQLiteError else { return false }
        return pattern ~= error.extendedResultCode
    }

    /// SQLite's English description of the code, such as "database is locked".
    public var description: String {
        "\(String(cString: sqlite3_errstr(rawValue))) (code \(rawValue))"
    }

    /// `SQLITE_OK`
    public static let ok = ResultCode(rawValue: SQLITE_OK)
    /// `SQLITE_ERROR`
    public static let error = ResultCode(rawValue: SQLITE_ERROR)
    /// `SQLITE_INTERNAL`
    public static let `internal` = ResultCode(rawValue: SQLITE_INTERNAL)
    /// `SQLITE_PERM`
    public static let permission = ResultCode(rawValue: SQLITE_PERM)
    /// `SQLITE_ABORT`
    public static let abort = ResultCode(rawValue: SQLITE_ABORT)
    /// `SQLITE_BUSY`
    public static let busy = ResultCode(rawValue: SQLITE_BUSY)
    /// `SQLITE_LOCKED`
    public static let locked = ResultCode(rawValue: SQLITE_LOCKED)
    /// `SQLITE_NOMEM`
    public static let noMemory = ResultCode(rawValue: SQLITE_NOMEM)
    /// `SQLITE_READONLY`
    public static let readOnly = ResultCode(rawValue: SQLITE_READONLY)
    /// `SQLITE_INTERRUPT`
    public static let interrupt = ResultCode(rawValue: SQLITE_INTERRUPT)
    /// `SQLITE_IOERR`
    public static let ioError = ResultCode(rawValue: SQLITE_IOERR)
    /// `SQLITE_CORRUPT`
    public static let corrupt = ResultCode(rawValue: SQLITE_CORRUPT)
    /// `SQLITE_FULL`
    public static let full = ResultCode(rawValue: SQLITE_FULL)
    /// `SQLITE_CANTOPEN`
    public static let cannotOpen = ResultCode(rawValue: SQLITE_CANTOPEN)
    /// `SQLITE_SCHEMA`
    public static let schema = ResultCode(rawValue: SQLITE_SCHEMA)
    /// `SQLITE_TOOBIG`
    public static let tooBig = ResultCode(rawValue: SQLITE_TOOBIG)
    /// `SQLITE_CONSTRAINT`
    public static let constraint = ResultCode(rawValue: SQLITE_CONSTRAINT)
    /// `SQLITE_MISMATCH`
    public static let mismatch = ResultCode(rawValue: SQLITE_MISMATCH)
    /// `SQLITE_MISUSE`
    public static let misuse = ResultCode(rawValue: SQLITE_MISUSE)
    /// `SQLITE_AUTH`
    public static let auth = ResultCode(rawValue: SQLITE_AUTH)
    /// `SQLITE_RANGE`
    public static let range = ResultCode(rawValue: SQLITE_RANGE)
    /// `SQLITE_NOTADB`
    public static let notADatabase = ResultCode(rawValue: SQLITE_NOTADB)
    /// `SQLITE_ROW`
    public static let row = ResultCode(rawValue: SQLITE_ROW)
    /// `SQLITE_DONE`
    public static let done = ResultCode(rawValue: SQLITE_DONE)

    // Extended codes are C macro expressions, which Swift does not import: spelled as sqlite3.h defines them.
    /// `SQLITE_CONSTRAINT_CHECK`
    public static let constraintCheck = ResultCode(rawValue: SQLITE_CONSTRAINT | 1 << 8)
    /// `SQLITE_CONSTRAINT_FOREIGNKEY`
    public static let constraintForeignKey = ResultCode(rawValue: SQLITE_CONSTRAINT | 3 << 8)
    /// `SQLITE_CONSTRAINT_NOTNULL`
    public static let constraintNotNull = ResultCode(rawValue: SQLITE_CONSTRAINT | 5 << 8)
    /// `SQLITE_CONSTRAINT_PRIMARYKEY`
    public static let constraintPrimaryKey = ResultCode(rawValue: SQLITE_CONSTRAINT | 6 << 8)
    /// `SQLITE_CONSTRAINT_TRIGGER`
    public static let constraintTrigger = ResultCode(rawValue: SQLITE_CONSTRAINT | 7 << 8)
    /// `SQLITE_CONSTRAINT_UNIQUE`
    public static let constraintUnique = ResultCode(rawValue: SQLITE_CONSTRAINT | 8 << 8)
    /// `SQLITE_IOERR_SHMSIZE`: the shared-memory file could not grow, which on a full disk is how an open fails.
    public static let ioErrorShmSize = ResultCode(rawValue: SQLITE_IOERR | 19 << 8)
    /// `SQLITE_BUSY_SNAPSHOT`
    public static let busySnapshot = ResultCode(rawValue: SQLITE_BUSY | 2 << 8)
    /// `SQLITE_READONLY_DBMOVED`: the file at the database's path is no longer the one the connection opened.
    public static let readOnlyDatabaseMoved = ResultCode(rawValue: SQLITE_READONLY | 4 << 8)
}
