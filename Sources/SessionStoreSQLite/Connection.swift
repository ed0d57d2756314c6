import CSQLite
import Foundation

/// One SQLite connection, set up the same way every time it is opened.
///
/// A connection is not thread-safe: use it from one thread at a time (``DatabasePool`` does that for you).
/// Opening fails with a ``SQLiteError`` for a file that is not a database, and never modifies such a file.
public final class Connection {
    /// Where the database lives.
    public let location: DatabaseLocation

    /// The options this connection was opened with.
    public let options: ConnectionOptions

    let handle: OpaquePointer
    private var statements: [String: Statement] = [:]
    private(set) var isOpen = true
    private var busyWait: Unmanaged<BusyWait>?
    private var checkpointHook: Unmanaged<CheckpointHook>?
    private var statementProfiler: Unmanaged<StatementProfiler>?
    private let interruption = Interruption()
    var savepointDepth = 0

    /// Opens (and for a missing read-write file, creates) a database.
    public init(location: DatabaseLocation, options: ConnectionOptions = ConnectionOptions()) throws(SQLiteError) {
        let path: String
        var filename: String
        switch location {
        case .file(let file):
            guard !file.isEmpty else {
                throw SQLiteError(code: .cannotOpen, message: "an empty path names no database file")
            }
            path = file
            // SQLite takes these for names of its own (a database in memory, a URI), not of files.
            filename = file == ":memory:" || file.hasPrefix("file:") ? "./" + file : file
            var status = stat()
            if stat(file, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
                throw SQLiteError(code: .cannotOpen, message: "cannot open \(file): it is a directory, not a database file")
            }
            if options.access == .readWrite {
                try Self.createPrivateFileIfMissing(file)
            }
        case .inMemory:
            path = ":memory:"
            filename = path
        }
        var flags = SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX
        flags |= options.access == .readWrite ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY
        if options.access == .readOnly, case .file = location, Self.isOnReadOnlyMedia(path) {
            filename = Self.immutableURI(path)
            flags |= SQLITE_OPEN_URI
        }
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(filename, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let error = SQLiteError(code: code, connection: handle)
            sqlite3_close_v2(handle)
            throw SQLiteError(code: error.extendedResultCode, message: "cannot open \(path): \(error.message)")
        }
        self.location = location
        self.options = options
        self.handle = handle
        do {
            try setUp()
        } catch {
            close()
            // Name the file: "file is not a database" alone does not say which.
            throw SQLiteError(code: error.extendedResultCode, message: "\(path): \(error.message)", sql: error.sql)
        }
    }

    deinit {
        close()
    }

    /// Closes the connection. Later calls fail with `.misuse`; closing twice does nothing.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        if let checkpointHook {
            CheckpointHook.remove(checkpointHook, from: handle)
        }
        if let statementProfiler {
            StatementProfiler.remove(statementProfiler, from: handle)
        }
        if let busyWait {
            BusyWait.remove(busyWait, from: handle)
        }
        interruption.remove(from: handle)
        statements.removeAll()
        // close_v2 never fails: statements still held elsewhere keep the handle alive until they go.
        sqlite3_close_v2(handle)
    }

    private func setUp() throws(SQLiteError) {
        let busyWait = BusyWait.install(timeout: options.busyTimeout, on: handle)
        self.busyWait = busyWait
        interruption.install(on: handle)
        for (option, value) in [
            (SQLITE_DBCONFIG_DEFENSIVE, 1), (SQLITE_DBCONFIG_DQS_DDL, 0), (SQLITE_DBCONFIG_DQS_DML, 0),
        ] {
            let code = csqlite_db_config_int(handle, option, Int32(value))
            guard code == SQLITE_OK else { throw SQLiteError(code: code, connection: handle) }
        }
        try execute("PRAGMA foreign_keys = ON")
        try BestMatchRanking.register(on: handle)
        if case .file = location, options.access == .readWrite {
            let mode = try firstText("PRAGMA journal_mode = WAL")
            guard mode == "wal" else {
                throw SQLiteError(
                    code: .error, message: "journal_mode=WAL answered \(mode ?? "nothing"), not wal",
                    sql: "PRAGMA journal_mode = WAL")
            }
            checkpointHook = CheckpointHook.install(options.checkpointPolicy, busyWait: busyWait.takeUnretainedValue(), on: handle)
        }
        try execute("PRAGMA synchronous = \(options.synchronous.rawValue)")
        try execute("PRAGMA trusted_schema = \(options.trustedSchema ? "ON" : "OFF")")
        try execute("PRAGMA secure_delete = \(options.secureDelete.rawValue)")
        _ = try firstText("SELECT count(*) FROM sqlite_schema")
    }

    private func firstText(_ sql: String) throws(SQLiteError) -> String? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.row.string(0) : nil
    }

    /// Whether a read-only connection must open `path` as immutable: SQLite cannot create the `-shm` file it
    /// needs for a WAL database in a folder it cannot write (read-only media, `chattr +i`), and no write-ahead
    /// log holds changes that an immutable open would not see. Nothing can write such a file meanwhile: writing
    /// it would need that folder too.
    private static func isOnReadOnlyMedia(_ path: String) -> Bool {
        let folder = (path as NSString).deletingLastPathComponent
        var status = stat()
        let walHoldsChanges = stat(path + "-wal", &status) == 0 && status.st_size > 0
        return access(folder.isEmpty ? "." : folder, W_OK) != 0 && access(path + "-shm", F_OK) != 0 && !walHoldsChanges
    }

    /// `file:PATH?immutable=1`, the path percent-encoded as SQLite's URI filenames need.
    private static func immutableURI(_ path: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/".utf8)
        let encoded = path.utf8.map { unreserved.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }
        return "file:" + encoded.joined() + "?immutable=1"
    }

    /// Creates the file with owner-only permissions so that SQLite's `-wal` and `-shm` files inherit them.
    private static func createPrivateFileIfMissing(_ path: String) throws(SQLiteError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            closeDescriptor(descriptor)
        } else if errno != EEXIST {
            throw SQLiteError(
                code: .cannotOpen, message: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Compiles `sql` into a new statement that the caller owns.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        guard isOpen else { throw SQLiteError(code: .misuse, message: "the connection is closed", sql: sql) }
        return try Statement(connection: handle, sql: sql)
    }

    /// The statement for `sql`, compiled on first use and reused afterwards.
    public func cachedStatement(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = statements[sql] {
            return statement
        }
        let statement = try prepare(sql)
        statements[sql] = statement
        return statement
    }

    /// Runs one statement (cached) with `arguments`, discarding any rows.
    public func execute(_ sql: String, _ arguments: [SQLiteValue] = []) throws(SQLiteError) {
        try cachedStatement(sql).execute(arguments)
    }

    /// Runs a script of several statements without arguments, such as a migration file.
    public func executeScript(_ sql: String) throws(SQLiteError) {
        guard isOpen else { throw SQLiteError(code: .misuse, message: "the connection is closed", sql: sql) }
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard code == SQLITE_OK else {
            let error = SQLiteError(code: code, connection: handle)
            throw SQLiteError(code: error.extendedResultCode, message: message.map { String(cString: $0) }, sql: sql)
        }
    }

    /// The number of rows the latest INSERT, UPDATE or DELETE changed.
    public var changes: Int {
        Int(sqlite3_changes64(handle))
    }

    /// Whether the database's file was moved, replaced or deleted since the connection opened it.
    var fileHasMoved: Bool {
        var moved: Int32 = 0
        return sqlite3_file_control(handle, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK && moved != 0
    }

    /// Whether a transaction is open (SQLite is out of autocommit mode).
    public var isInTransaction: Bool {
        sqlite3_get_autocommit(handle) == 0
    }

    /// Reports every later statement that runs at least `observer.threshold` (replacing an earlier observer).
    public func observeSlowStatements(_ observer: SlowStatementObserver) {
        if let statementProfiler {
            StatementProfiler.remove(statementProfiler, from: handle)
        }
        statementProfiler = StatementProfiler.install(observer, on: handle)
    }

    /// Makes the running statement fail with `SQLITE_INTERRUPT`, and every statement after it until
    /// ``endInterrupt()``, so that an interrupt that comes between two statements still stops the next. Safe to
    /// call from any thread while the connection is open.
    public func interrupt() {
        interruption.raise(on: handle)
    }

    /// Lets statements run again after ``interrupt()``.
    public func endInterrupt() {
        interruption.lift()
    }
}

// At file scope, where `close` is the system call rather than `Connection.close()`.
private func closeDescriptor(_ descriptor: Int32) {
    close(descriptor)
}
