/// A migration recorded in a database's `schema_migrations` table.
public struct AppliedMigration: Sendable, Hashable {
    /// The migration's version.
    public let version: Int
    /// The migration's name as recorded.
    public let name: String
    /// The recorded checksum; nil for a file applied by hand with the sqlite3 shell.
    public let checksum: String?
    /// When it was applied, in milliseconds since the Unix epoch.
    public let appliedAt: Int64

    package init(version: Int, name: String, checksum: String?, appliedAt: Int64) {
        self.version = version
        self.name = name
        self.checksum = checksum
        self.appliedAt = appliedAt
    }
}

/// Where a database stands against the migrations this build knows.
public struct MigrationStatus: Sendable, Hashable {
    /// The migrations the database records, in version order.
    public let applied: [AppliedMigration]
    /// The migrations this build would apply, in version order.
    public let pending: [Migration]

    /// Whether the schema is the one this build expects.
    public var isUpToDate: Bool {
        pending.isEmpty
    }
}
