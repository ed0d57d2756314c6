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
            #expect(count == migrator.migrations.count + 1)
        }
    }

    @Test func renumberingClosesTheGapsOfAPopulatedVersion1DatabaseInOrder() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let messages = (1...6).map { "m\($0)" }
        try await PostgresTestServer.withClient(url) { client in
            let first = PostgresMigrator(migrations: [PostgresMigrator().migrations[0]])
            try await first.migrate(client, logger: logger)
            try await client.query("INSERT INTO sessions (id, workspace_id, created_at, updated_at) VALUES ('s', 'ws', 1, 1)")
            try await client.query("INSERT INTO sessions (id, workspace_id, created_at, updated_at) VALUES ('whole', 'ws', 1, 1)")
            for message in messages {
                try await client.query(
                    "INSERT INTO messages (id, workspace_id, session_id, role, created_at, updated_at) VALUES (\(message), 'ws', 's', 'user', 1, 1)")
            }
            // What the race left: links at 1, 2, 5 and 9, a tail at 2 and 3; another session as it should be.
            for (position, message) in [(1, "m1"), (2, "m2"), (5, "m3"), (9, "m4")] as [(Int64, String)] {
                try await client.query("INSERT INTO session_messages (session_id, position, message_id) VALUES ('s', \(position), \(message))")
            }
            for (position, message) in [(2, "m5"), (3, "m6")] as [(Int64, String)] {
                try await client.query("INSERT INTO reverted_links (session_id, position, message_id) VALUES ('s', \(position), \(message))")
            }
            for (position, message) in [(1, "m1"), (2, "m2")] as [(Int64, String)] {
                try await client.query("INSERT INTO session_messages (session_id, position, message_id) VALUES ('whole', \(position), \(message))")
            }

            #expect(try await PostgresMigrator().migrate(client, logger: logger).map(\.version) == [2])
            for (table, session, expected) in [
                ("session_messages", "s", [1: "m1", 2: "m2", 3: "m3", 4: "m4"]), ("reverted_links", "s", [1: "m5", 2: "m6"]),
                ("session_messages", "whole", [1: "m1", 2: "m2"]),
            ] {
                var found: [Int: String] = [:]
                for try await (position, message) in try await client.query(
                    "SELECT position, message_id FROM \(unescaped: table) WHERE session_id = \(session)"
                ).decode((Int, String).self) { found[position] = message }
                #expect(found == expected, "\(table) of \(session)")
            }
        }
        let store = try await PostgresRepository(url: url)
        #expect(try await store.getSession(workspaceId: "ws", sessionId: "s")?.messageIds == ["m1", "m2", "m3", "m4"])
        let reverted = try await store.revert(workspaceId: "ws", sessionId: "s", messageId: "m2")
        #expect(reverted.messageIds == ["m1", "m2"])
        #expect(try await store.unrevert(workspaceId: "ws", sessionId: "s").messageIds == ["m1", "m2", "m3", "m4", "m5", "m6"])
        await store.close()
    }

    @Test func aFailingMigrationIsRolledBackWhole() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let broken = Migration(fileName: "0003_broken.sql", sql: "CREATE TABLE half (x int); SELECT 1/0;")
        try await PostgresTestServer.withClient(url) { client in
            let migrator = PostgresMigrator(migrations: PostgresMigrator().migrations + [broken])
            await #expect(throws: PostgresStoreError.self) { try await migrator.migrate(client, logger: logger) }
            let status = try await migrator.status(client, logger: logger)
            #expect(status.applied.map(\.version) == [1, 2])
            #expect(status.pending == [broken])
            var exists = true
            for try await found in try await client.query("SELECT to_regclass('half') IS NOT NULL").decode(Bool.self) { exists = found }
            #expect(!exists)
        }
    }
}
