import Logging
import PostgresNIO
import PostgresTestSupport
import SessionStore
import SessionStorePostgres
import Testing

/// The runner's rules on PostgreSQL: in order, once, checksums kept, a database it cannot vouch for refused.
@Suite(.enabled(if: PostgresTestServer.isAvailable)) struct PostgresMigratorTests {
    let logger = Logger(label: "test")

    @Test func aFreshDatabaseIsMigratedOnceAndThenUpToDate() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        try await PostgresTestServer.withClient(url) { client in
            let migrator = PostgresMigrator()
            #expect(try await migrator.status(client, logger: logger).pending == migrator.migrations)
            #expect(try await migrator.migrate(client, logger: logger) == migrator.migrations)
            #expect(try await migrator.migrate(client, logger: logger).isEmpty)
            let status = try await migrator.status(client, logger: logger)
            #expect(status.isUpToDate)
            #expect(status.applied.map(\.checksum) == migrator.migrations.map(\.checksum))
        }
    }

    @Test func serversMigratingAtOnceApplyEachMigrationOnce() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let applied = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await PostgresTestServer.withClient(url) { client in
                        try await PostgresMigrator().migrate(client, logger: Logger(label: "test")).count
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(applied == PostgresMigrator().migrations.count)
    }

    @Test func anEditedMigrationOrANewerSchemaIsRefusedAndNothingIsWritten() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        try await PostgresTestServer.withClient(url) { client in
            let migrator = PostgresMigrator()
            try await migrator.migrate(client, logger: logger)
            try await client.query("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
            await #expect(throws: SessionStoreError.migrationModified(version: 1, name: "create_schema")) {
                try await migrator.migrate(client, logger: logger)
            }
            try await client.query("UPDATE schema_migrations SET checksum = \(migrator.migrations[0].checksum) WHERE version = 1")
            try await client.query("INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, 'from_the_future', 'x')")
            await #expect(throws: SessionStoreError.schemaTooNew(databaseVersion: 9999, supportedVersion: migrator.migrations.count)) {
                try await migrator.migrate(client, logger: logger)
            }
            var count = 0
            for try await rows in try await client.query("SELECT count(*) FROM schema_migrations").decode(Int.self) { count = rows }
            #expect(count == 2)
        }
    }

    @Test func aFailingMigrationIsRolledBackWhole() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let broken = Migration(fileName: "0002_broken.sql", sql: "CREATE TABLE half (x int); SELECT 1/0;")
        try await PostgresTestServer.withClient(url) { client in
            let migrator = PostgresMigrator(migrations: PostgresMigrator().migrations + [broken])
            await #expect(throws: PostgresStoreError.self) { try await migrator.migrate(client, logger: logger) }
            let status = try await migrator.status(client, logger: logger)
            #expect(status.applied.map(\.version) == [1])
            #expect(status.pending == [broken])
            var exists = true
            for try await found in try await client.query("SELECT to_regclass('half') IS NOT NULL").decode(Bool.self) { exists = found }
            #expect(!exists)
        }
    }
}
