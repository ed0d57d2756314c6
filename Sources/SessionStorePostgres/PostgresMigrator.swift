import Logging
import PostgresNIO
import SessionStore

/// Brings a PostgreSQL database's schema up to date with `Migrations/PostgreSQL`, by the SQLite runner's rules:
/// in order, each migration in its own transaction with its checksum recorded, and a database this build cannot
/// vouch for (a newer schema, an unknown or edited migration) refused before anything is written.
///
/// Servers that start at once take turns on a transaction-level advisory lock, so each migration runs once.
public struct PostgresMigrator: Sendable {
    /// The key of the advisory lock migrations hold: the bytes of "sessmigr".
    static let lockKey: Int64 = 0x7365_7373_6D69_6772

    let rules: Migrator

    /// The runner of `migrations`; by default the ones compiled from `Migrations/PostgreSQL`.
    public init(migrations: [Migration]? = nil) {
        rules = Migrator(migrations: migrations ?? Migration.postgreSQL)
    }

    /// The migrations this runner knows, in version order.
    public var migrations: [Migration] { rules.migrations }

    /// Where the database stands.
    ///
    /// - Throws: ``SessionStoreError/schemaTooNew(databaseVersion:supportedVersion:)``,
    ///   ``SessionStoreError/migrationModified(version:name:)``, or a ``PostgresStoreError``.
    public func status(_ client: PostgresClient, logger: Logger) async throws -> MigrationStatus {
        try await PostgresFailure.mapped {
            try await client.withConnection { try await status(on: $0, logger: logger) }
        }
    }

    /// Applies every pending migration, in order; returns the ones this call applied.
    ///
    /// - Throws: what ``status(_:logger:)`` throws; a migration that fails is rolled back, and the ones before it
    ///   stay applied.
    @discardableResult
    public func migrate(_ client: PostgresClient, logger: Logger) async throws -> [Migration] {
        try await PostgresFailure.mapped {
            var applied: [Migration] = []
            for migration in try await status(client, logger: logger).pending {
                if try await apply(migration, client, logger: logger) {
                    applied.append(migration)
                }
            }
            return applied
        }
    }

    /// ``status(_:logger:)`` of the database `url` names, on a connection of its own: for tools.
    public func status(url: String, logger: Logger) async throws -> MigrationStatus {
        try await Self.withClient(url, logger: logger) { try await status($0, logger: logger) }
    }

    /// ``migrate(_:logger:)`` on the database `url` names, on a connection of its own: for tools. Returns the
    /// migrations this call applied and where the database stands after.
    public func migrate(url: String, logger: Logger) async throws -> (applied: [Migration], status: MigrationStatus) {
        try await Self.withClient(url, logger: logger) { client in
            let applied = try await migrate(client, logger: logger)
            return (applied, try await status(client, logger: logger))
        }
    }

    private static func withClient<T: Sendable>(
        _ url: String, logger: Logger, _ body: @escaping @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        let url = try PostgresURL(url)
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        try await PostgresRepository.reach(client, url, logger: logger)
        return try await body(client)
    }

    private func apply(_ migration: Migration, _ client: PostgresClient, logger: Logger) async throws -> Bool {
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            // Another server may have applied it while this one waited for the lock.
            guard try await status(on: connection, logger: logger).pending.contains(migration) else { return false }
            // PostgreSQL's extended protocol, the only one postgres-nio speaks, takes one statement at a time; a
            // function of this session's temporary schema runs the whole script, passed as a value.
            try await connection.query(
                """
                CREATE OR REPLACE FUNCTION pg_temp.session_store_run(script text) RETURNS void
                LANGUAGE plpgsql AS 'BEGIN EXECUTE script; END'
                """, logger: logger)
            try await connection.query("SELECT pg_temp.session_store_run(\(migration.sql))", logger: logger)
            try await connection.query(
                """
                INSERT INTO schema_migrations (version, name, checksum)
                VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                """, logger: logger)
            return true
        }
    }

    private func status(on connection: PostgresConnection, logger: Logger) async throws -> MigrationStatus {
        let rows = try await connection.query(
            "SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
        var hasTable = false
        for try await exists in rows.decode(Bool.self) { hasTable = exists }
        var applied: [AppliedMigration] = []
        if hasTable {
            let records = try await connection.query(
                "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version", logger: logger)
            for try await (version, name, checksum, appliedAt) in records.decode((Int, String, String?, Int64).self) {
                applied.append(AppliedMigration(version: version, name: name, checksum: checksum, appliedAt: appliedAt))
            }
        }
        return try rules.status(applied: applied)
    }
}
