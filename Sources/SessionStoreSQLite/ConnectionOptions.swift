/// Where a connection's database lives.
public enum DatabaseLocation: Sendable, Hashable {
    /// A database file, created (readable by its owner only) when missing and opened read-write. The path always
    /// names a file, also `:memory:` or one starting with `file:`, which SQLite alone would read as names of its
    /// own; an empty path is refused.
    case file(String)
    /// A private database in memory, gone when the connection closes.
    case inMemory
}

/// How a connection is set up. Every connection of a process gets the same set-up from the same options.
public struct ConnectionOptions: Sendable, Hashable {
    /// Whether the connection may write.
    public enum Access: Sendable, Hashable {
        case readWrite
        case readOnly
    }

    /// SQLite's `synchronous` setting in WAL mode.
    public enum Synchronous: String, Sendable, Hashable {
        /// Durable up to the last checkpoint; a power loss can roll back the latest commits, never corrupt.
        case normal = "NORMAL"
        /// Every commit is on disk when it returns.
        case full = "FULL"
    }

    /// What becomes of the bytes of deleted rows (`PRAGMA secure_delete`).
    public enum SecureDelete: String, Sendable, Hashable {
        /// Deleted content is overwritten with zeros wherever it lay: every page a deleted row overflowed into is
        /// written again, so deleting large rows costs as much I/O as writing them did.
        case on = "ON"
        /// Deleted content is overwritten where that costs no extra I/O, in the pages the deletion writes anyway;
        /// the overflow pages of large rows go to the free list as they are, their old bytes left in the file
        /// until the pages are reused or the database is vacuumed.
        case fast = "FAST"
    }

    /// Whether the connection may write. Read-only connections are refused every write by SQLite itself. On
    /// read-only media (a folder the process cannot write, where SQLite cannot create a WAL database's `-shm`
    /// file), a read-only connection opens the file as immutable, unless a write-ahead log holds changes.
    public var access: Access

    /// How long a statement waits for another connection's lock before failing with `SQLITE_BUSY`.
    public var busyTimeout: Duration

    /// The durability of commits.
    public var synchronous: Synchronous

    /// Whether the schema may call functions SQLite does not mark innocuous (`PRAGMA trusted_schema`).
    /// Off by default, so a hostile database file cannot make its triggers or views call them.
    public var trustedSchema: Bool

    /// When a read-write connection checkpoints the write-ahead log.
    public var checkpointPolicy: CheckpointPolicy

    /// What becomes of deleted content. Always set, because builds of SQLite differ in their default: Debian's
    /// has it on, upstream's off.
    public var secureDelete: SecureDelete

    /// Options with the defaults: read-write, 5 second busy timeout, `synchronous=NORMAL`, untrusted schema,
    /// the default checkpoint policy, `secure_delete=FAST`.
    public init(
        access: Access = .readWrite, busyTimeout: Duration = .seconds(5), synchronous: Synchronous = .normal,
        trustedSchema: Bool = false, checkpointPolicy: CheckpointPolicy = CheckpointPolicy(),
        secureDelete: SecureDelete = .fast
    ) {
        self.access = access
        self.busyTimeout = busyTimeout
        self.synchronous = synchronous
        self.trustedSchema = trustedSchema
        self.checkpointPolicy = checkpointPolicy
        self.secureDelete = secureDelete
    }
}
