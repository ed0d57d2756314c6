import Foundation
import Logging
import SessionStoreSQLite

/// How a ``SessionRepository`` opens its database and what it accepts.
public struct Configuration: Sendable {
    /// What opening a database whose schema is behind this build does.
    public enum MigrationPolicy: Sendable, Hashable {
        /// Applies the pending migrations, each in its own transaction (the default).
        case migrateOnOpen
        /// Refuses the database with ``SessionStoreError/migrationRequired(pending:)``, writing nothing: for
        /// tools that only read, and servers whose schema is upgraded by `session-store migrate` alone.
        case refuse
    }

    /// Whether the repository may write. A `.readOnly` repository opens every connection read-only: it never
    /// changes the file, and its writes fail with `SQLiteError.readOnly`.
    public var access: ConnectionOptions.Access
    /// What opening a database that needs migrations does; a read-only repository always refuses it.
    public var migration: MigrationPolicy
    /// Read-only connections beside the writer, so reads go on in parallel (none for an in-memory store).
    public var readerCount: Int
    /// How long a write waits for another process's lock before failing with `SQLITE_BUSY`.
    public var busyTimeout: Duration
    /// Commit durability: `.normal` (the default) or `.full`.
    public var synchronous: ConnectionOptions.Synchronous
    /// When the writer checkpoints the write-ahead log, which keeps the `-wal` file bounded.
    public var checkpointPolicy: CheckpointPolicy
    /// What becomes of deleted messages' bytes: `.fast` (the default) overwrites them where that costs no extra
    /// I/O; `.on` overwrites every one of them, at the price of writing again every page deleted messages filled.
    public var secureDelete: ConnectionOptions.SecureDelete
    /// The largest values accepted.
    public var limits: Limits
    /// The clock for timestamps, in milliseconds since the Unix epoch.
    public var now: @Sendable () -> Int64
    /// Where calls are logged: each call at debug level (operation, ids, duration, error), calls and statements
    /// slower than `slowThreshold` at info level; the metadata keys start with `session_store.`. By default a
    /// logger that discards everything: pass your own to see them.
    public var logger: Logger
    /// What counts as slow for `logger`.
    public var slowThreshold: Duration
    /// How much of each workspace's change feed is kept.
    public var changeRetention: ChangeRetention
    /// How often a follower of the change feed looks for changes committed by other processes (this process's
    /// changes reach it at once).
    public var changePollInterval: Duration
    /// Called after each call `logger` records (every method of the manager API; a message stream's flushes as
    /// `writeChunk`) with its name, duration and outcome, on the caller's task: where to feed metrics. It must
    /// return quickly. Nil (the default) calls nothing.
    public var callObserver: (@Sendable (StoreCall) -> Void)?

    /// The defaults: read-write, migrating on open, 4 readers, 5 s busy timeout, `synchronous=NORMAL`, the default checkpoint policy,
    /// `secure_delete=FAST`, the default limits, the system clock, no logging, 250 ms as slow, the default change
    /// retention, a 20 ms poll for other processes' changes, and no call observer.
    public init(
        access: ConnectionOptions.Access = .readWrite,
        migration: MigrationPolicy = .migrateOnOpen,
        readerCount: Int = 4,
        busyTimeout: Duration = .seconds(5),
        synchronous: ConnectionOptions.Synchronous = .normal,
        checkpointPolicy: CheckpointPolicy = CheckpointPolicy(),
        secureDelete: ConnectionOptions.SecureDelete = .fast,
        limits: Limits = Limits(),
        now: @escaping @Sendable () -> Int64 = Configuration.systemMilliseconds,
        logger: Logger = Logger(label: "SessionStore", factory: { _ in SwiftLogNoOpLogHandler() }),
        slowThreshold: Duration = .milliseconds(250),
        changeRetention: ChangeRetention = ChangeRetention(),
        changePollInterval: Duration = .milliseconds(20),
        callObserver: (@Sendable (StoreCall) -> Void)? = nil
    ) {
        self.access = access
        self.migration = migration
        self.readerCount = readerCount
        self.busyTimeout = busyTimeout
        self.synchronous = synchronous
        self.checkpointPolicy = checkpointPolicy
        self.secureDelete = secureDelete
        self.limits = limits
        self.now = now
        self.logger = logger
        self.slowThreshold = slowThreshold
        self.changeRetention = changeRetention
        self.changePollInterval = changePollInterval
        self.callObserver = callObserver
    }

    /// The set-up of every connection to a SessionStore database: this configuration's access, busy timeout,
    /// durability, checkpoint policy and secure deletion.
    public var connectionOptions: ConnectionOptions {
        // The schema's CHECK constraints call json_valid, which SQLite 3.40 (Debian 12) does not mark innocuous,
        // so under an untrusted schema no message could be written. The store registers no functions of its
        // own: a trusted schema can call SQLite's built-in functions only.
        ConnectionOptions(
            access: access, busyTimeout: busyTimeout, synchronous: synchronous, trustedSchema: true, checkpointPolicy: checkpointPolicy,
            secureDelete: secureDelete)
    }

    /// The system clock in milliseconds since the Unix epoch.
    public static let systemMilliseconds: @Sendable () -> Int64 = {
        Date().millisecondsSince1970
    }
}
