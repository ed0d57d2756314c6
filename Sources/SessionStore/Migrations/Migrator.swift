import SessionStoreSQLite

/// Brings a database's schema up to date with the migrations compiled into this build.
///
/// Each pending migration runs in its own `BEGIN IMMEDIATE` transaction, so a failure leaves the database at
/// the last migration that succeeded, and two processes migrating at once apply each migration once. A database
/// this build cannot vouch for (a newer schema, an unknown or edited migration) is refused before anything is
/// written.
public struct Migrator: Sendable {
    /// The migrations this runner knows, in version order.
    public let migrations: [Migration]

    /// A runner for `migrations`; by default the ones compiled from the top-level `Migrations` folder.
    public init(migrations: [Migration] = Migration.bundled) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Reads which migrations the database has and which this build would apply.
    ///
    /// - Throws: ``SessionStoreError/schemaTooNew(databaseVersion:supportedVersion:)``,
    ///   ``SessionStoreError/migrationModified(version:name:)``, or a `SQLiteError`.
    public func status(of connection: Connection) throws -> MigrationStatus {
        try status(applied: try appliedMigrations(connection))
    }

    /// Where a database that records `applied` stands against these migrations, whatever its engine.
    ///
    /// - Throws: ``SessionStoreError/schemaTooNew(databaseVersion:supportedVersion:)`` or
    ///   ``SessionStoreError/migrationModified(version:name:)``.
    package func status(applied: [AppliedMigration]) throws(SessionStoreError) -> MigrationStatus {
        let known = Dictionary(migrations.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
        let supportedVersion = migrations.last?.version ?? 0
        for record in applied {
            guard let migration = known[record.version] else {
                throw SessionStoreError.schemaTooNew(databaseVersion: applied.last?.version ?? 0, supportedVersion: supportedVersion)
            }
            if record.name != migration.name || (record.checksum != nil && record.checksum != migration.checksum) {
                throw SessionStoreError.migrationModified(version: record.version, name: record.name)
            }
        }
        let appliedVersions = Set(applied.map(\.version))
        return MigrationStatus(applied: applied, pending: migrations.filter { !appliedVersions.contains($0.version) })
    }

    /// Applies every pending migration, in order; returns the ones applied by this call.
    ///
    /// Each one follows SQLite's recipe for schema changes (sqlite.org/lang_altertable.html): foreign keys off
    /// outside the transaction, since `PRAGMA foreign_keys` does nothing inside one and a table rebuild's
    /// `DROP TABLE` would otherwise cascade into the rows that point at it; then `BEGIN IMMEDIATE`, the
    /// migration, `PRAGMA foreign_key_check`, `COMMIT`, and foreign keys back as they were.
    ///
    /// - Throws: ``SessionStoreError/migrationBrokeForeignKeys(version:name:table:)`` when a migration leaves a
    ///   row pointing nowhere (it is rolled back), what ``status(of:)`` throws, or a `SQLiteError`.
    @discardableResult
    public func migrate(_ connection: Connection) throws -> [Migration] {
        var appliedNow: [Migration] = []
        for migration in try status(of: connection).pending {
            if try apply(migration, on: connection) {
                appliedNow.append(migration)
            }
        }
        return appliedNow
    }

    private func apply(_ migration: Migration, on connection: Connection) throws -> Bool {
        let foreignKeysWereOn = try connection.prepare("PRAGMA foreign_keys").first { $0.int64(0) == 1 } ?? false
        try connection.execute("PRAGMA foreign_keys = OFF")
        defer {
            if foreignKeysWereOn { try? connection.execute("PRAGMA foreign_keys = ON") }
        }
        return try connection.transaction(.immediate) {
            // Another process may have applied it since the status was read.
            guard try status(of: connection).pending.contains(migration) else { return false }
            try connection.executeScript(migration.sql)
            if let table = try connection.prepare("PRAGMA foreign_key_check").first([], { $0.string(0) }) {
                throw SessionStoreError.migrationBrokeForeignKeys(version: migration.version, name: migration.name, table: table)
            }
            try connection.execute(
                """
                INSERT INTO schema_migrations (version, name, checksum) VALUES (?1, ?2, ?3)
                ON CONFLICT (version) DO UPDATE SET checksum = excluded.checksum
                """,
                [.integer(Int64(migration.version)), .text(migration.name), .text(migration.checksum)])
            return true
        }
    }

    private func appliedMigrations(_ connection: Connection) throws -> [AppliedMigration] {
        let hasTable = try connection.cachedStatement(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'"
        ).first { _ in true } ?? false
        guard hasTable else { return [] }
        return try connection.cachedStatement(
            "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version"
        ).map { row in
            AppliedMigration(
                version: Int(row.int64(0)), name: row.string(1), checksum: row.optionalString(2), appliedAt: row.int64(3))
        }
    }
}
