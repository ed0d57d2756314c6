import Foundation
import SessionStoreSQLite
import Testing
import TestSupport

@testable import SessionStore

@Suite struct MigrationTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    static let migrationFiles: [URL] = {
        let folder = Paths.repositoryRoot.appendingPathComponent("Migrations")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".sql") }.sorted().map { folder.appendingPathComponent($0) }
    }()

    func schema(of path: String) throws -> [String] {
        let connection = try Connection(location: .file(path), options: ConnectionOptions(access: .readOnly))
        return try connection.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name").map { row in
            (0..<4).map { row.optionalString($0) ?? "NULL" }.joined(separator: " | ")
        }
    }

    @Test func theBundledMigrationsAreTheFilesByteForByte() async throws {
        #expect(Migration.bundled.count == Self.migrationFiles.count)
        for (migration, file) in zip(Migration.bundled, Self.migrationFiles) {
            #expect("\(String(format: "%04d", migration.version))_\(migration.name).sql" == file.lastPathComponent)
            #expect(Data(migration.sql.utf8) == (try Data(contentsOf: file)))
        }
    }

    @Test func checksumsAreSHA256AsSha256sumPrintsIt() {
        #expect(SHA256.hexDigest(of: "".utf8) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexDigest(of: "abc".utf8) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(SHA256.hexDigest(of: twoBlocks.utf8) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func aFreshDatabaseRecordsEveryMigrationWithItsChecksum() async throws {
        let path = directory.file("db.sqlite")
        _ = try await SessionRepository(path: path)
        let connection = try Connection(location: .file(path), options: ConnectionOptions(access: .readOnly))
        let status = try Migrator().status(of: connection)
        #expect(status.isUpToDate)
        #expect(status.applied.map(\.version) == Migration.bundled.map(\.version))
        #expect(status.applied.map(\.checksum) == Migration.bundled.map(\.checksum))
    }

    @Test func theShellBuildsTheSameSchemaAsTheRunner() async throws {
        let byRunner = directory.file("runner.sqlite")
        _ = try await SessionRepository(path: byRunner)

        let byShell = directory.file("shell.sqlite")
        let shell = try await runProcess(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "cat \"$1\"/*.sql | sqlite3 \"$2\"", "sh", Paths.repositoryRoot.appendingPathComponent("Migrations").path, byShell])
        try #require(shell.status == 0, "the sqlite3 shell is needed (apt-get install sqlite3): \(shell.standardError)")

        #expect(try schema(of: byShell) == schema(of: byRunner))
        // The library opens the shell's database as it is: recorded by hand, without checksums.
        let repository = try await SessionRepository(path: byShell)
        _ = try await repository.createSession(workspaceId: "w")
        #expect(try Fixtures.count("schema_migrations", in: byShell, where: "checksum IS NULL") == Int64(Migration.bundled.count))
    }

    @Test func aNewerSchemaIsRefusedAndLeftUntouched() async throws {
        let path = directory.file("db.sqlite")
        let repository = try await SessionRepository(path: path)
        await repository.close()
        let connection = try Connection(location: .file(path))
        try connection.execute("INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'from_the_future', 'x')")
        connection.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        let latest = Migration.bundled.last!.version
        await #expect(throws: SessionStoreError.schemaTooNew(databaseVersion: 999, supportedVersion: latest)) {
            try await SessionRepository(path: path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        // The folder is left as it was: no -wal or -shm beside the file.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["db.sqlite"])
    }

    @Test func anEditedMigrationIsRefused() async throws {
        let path = directory.file("db.sqlite")
        _ = try await SessionRepository(path: path)
        let connection = try Connection(location: .file(path))
        try connection.execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
        connection.close()
        await #expect(throws: SessionStoreError.migrationModified(version: 1, name: Migration.bundled[0].name)) {
            try await SessionRepository(path: path)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["db.sqlite"])
    }

    @Test func pendingMigrationsApplyInOrderEachOnce() async throws {
        let connection = try Connection(location: .inMemory, options: Configuration().connectionOptions)
        let bundled = Migration.bundled.map(\.version)
        let next = bundled.last! + 1
        let extra = Migration(fileName: String(format: "%04d", next) + "_add_notes.sql", sql: """
            CREATE TABLE notes (id INTEGER PRIMARY KEY) STRICT;
            INSERT INTO schema_migrations (version, name) VALUES (\(next), 'add_notes');
            """)
        let migrator = Migrator(migrations: Migration.bundled + [extra])
        #expect(try migrator.status(of: connection).pending.map(\.version) == bundled + [next])
        #expect(try migrator.migrate(connection).map(\.version) == bundled + [next])
        #expect(try migrator.migrate(connection).isEmpty)
        #expect(try migrator.status(of: connection).isUpToDate)
        // The older build refuses what the newer one migrated.
        #expect(throws: SessionStoreError.schemaTooNew(databaseVersion: next, supportedVersion: bundled.last!)) {
            try Migrator().status(of: connection)
        }
    }

    @Test func aFailingMigrationLeavesTheEarlierOnesApplied() async throws {
        let connection = try Connection(location: .inMemory, options: Configuration().connectionOptions)
        let next = Migration.bundled.last!.version + 1
        let broken = Migration(
            fileName: String(format: "%04d", next) + "_broken.sql", sql: "CREATE TABLE half (id INTEGER); SELECT no_such_function();")
        #expect(throws: SQLiteError.self) {
            try Migrator(migrations: Migration.bundled + [broken]).migrate(connection)
        }
        #expect(try Migrator().status(of: connection).isUpToDate)
        #expect(try connection.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half'").first { $0.int64(0) } == 0)
    }

    /// Every row of every table of the store, as text: the search indexes as the tables FTS5 keeps them in.
    func rows(_ connection: Connection) throws -> [String] {
        let tables = try connection.prepare(
            """
            SELECT name FROM sqlite_schema
            WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations' AND sql NOT LIKE 'CREATE VIRTUAL %'
            ORDER BY name
            """
        ).map { $0.string(0) }
        return try tables.flatMap { table in
            try connection.prepare("SELECT * FROM \(table) ORDER BY 1, 2").map { row in
                table + ": " + (0..<row.count).map { "\(row.value($0))" }.joined(separator: "|")
            }
        }
    }

    /// A store with forks (links to shared bodies), a child session and a revert, closed again.
    func populatedStore() async throws -> String {
        let path = directory.file("populated.sqlite")
        let repository = try await SessionRepository(path: path, configuration: Fixtures.configuration())
        let original = try await repository.createSession(workspaceId: "w", title: "original")
        for index in 1...5 {
            _ = try await repository.addMessage(workspaceId: "w", sessionId: original.id, message: Fixtures.text(.user, "message \(index)"))
        }
        let fork = try await repository.forkSession(workspaceId: "w", sessionId: original.id)
        _ = try await repository.addMessage(workspaceId: "w", sessionId: fork.id, message: Fixtures.text(.assistant, "only in the fork"))
        _ = try await repository.createSession(workspaceId: "w", title: "child", parentId: fork.id)
        _ = try await repository.revert(workspaceId: "w", sessionId: original.id)
        await repository.close()
        return path
    }

    /// SQLite's table-rebuild recipe applied to `sessions`, as a later migration that changes a column would:
    /// a new table, the rows copied, the old table dropped, the new one renamed, its indexes and triggers, the
    /// views (which read it, or read views that do) and their triggers made again.
    func rebuildSessions(_ connection: Connection, version: Int) throws -> Migration {
        let objects = try connection.prepare(
            "SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = 'sessions' AND sql IS NOT NULL ORDER BY type = 'table' DESC"
        ).map { (type: $0.string(0), name: $0.string(1), sql: $0.string(2)) }
        let views = try connection.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'view' ORDER BY rowid")
            .map { (name: $0.string(0), sql: $0.string(1)) }
        let viewTriggers = try connection.prepare(
            """
            SELECT t.sql FROM sqlite_schema t JOIN sqlite_schema v ON v.name = t.tbl_name AND v.type = 'view'
            WHERE t.type = 'trigger' ORDER BY t.rowid
            """
        ).map { $0.string(0) + ";" }
        let table = objects[0].sql.replacingOccurrences(of: "CREATE TABLE sessions", with: "CREATE TABLE sessions_new")
        let script = views.map { "DROP VIEW \($0.name);" }
            + [table + ";", "INSERT INTO sessions_new SELECT * FROM sessions;", "DROP TABLE sessions;",
               "ALTER TABLE sessions_new RENAME TO sessions;"]
            + objects.dropFirst().map { $0.sql + ";" } + views.map { $0.sql + ";" } + viewTriggers
            + ["INSERT INTO schema_migrations (version, name) VALUES (\(version), 'rebuild_sessions');"]
        return Migration(fileName: String(format: "%04d", version) + "_rebuild_sessions.sql", sql: script.joined(separator: "\n"))
    }

    @Test func aMigrationThatRebuildsSessionsKeepsEveryRowOfEveryTable() async throws {
        let path = try await populatedStore()
        let connection = try Connection(location: .file(path), options: Configuration().connectionOptions)
        let before = try rows(connection)
        #expect(before.contains { $0.hasPrefix("session_links: ") })
        let rebuild = try rebuildSessions(connection, version: Migration.bundled.last!.version + 1)

        #expect(try Migrator(migrations: Migration.bundled + [rebuild]).migrate(connection) == [rebuild])
        #expect(try rows(connection) == before)
        #expect(try connection.prepare("PRAGMA foreign_keys").first { $0.int64(0) } == 1)
        #expect(try StoreCheck.run(connection, migrator: Migrator(migrations: Migration.bundled + [rebuild])).isEmpty)
    }

    @Test func aMigrationThatLeavesARowPointingNowhereIsRolledBack() async throws {
        let path = try await populatedStore()
        let connection = try Connection(location: .file(path), options: Configuration().connectionOptions)
        let before = try rows(connection)
        let version = Migration.bundled.last!.version + 1
        let dangling = Migration(fileName: String(format: "%04d", version) + "_dangling.sql", sql: """
            INSERT INTO session_links (session_id, position, message_id) SELECT 'no-such-session', 1, id FROM messages LIMIT 1;
            INSERT INTO schema_migrations (version, name) VALUES (\(version), 'dangling');
            """)
        #expect(throws: SessionStoreError.migrationBrokeForeignKeys(version: version, name: "dangling", table: "session_links")) {
            try Migrator(migrations: Migration.bundled + [dangling]).migrate(connection)
        }
        #expect(try rows(connection) == before)
        #expect(try Migrator().status(of: connection).isUpToDate)
        #expect(try connection.prepare("PRAGMA foreign_keys").first { $0.int64(0) } == 1)
    }

    @Test func theMigrationsUpgradeAPopulatedVersion1StoreInPlace() async throws {
        // The legacy sample imported by this build, then copied into a store that has schema version 1 only.
        let current = directory.file("current.sqlite")
        let importer = try await SessionRepository(path: current)
        _ = try await LegacyImporter().run(directory: Paths.fixtures.appendingPathComponent("legacy-sample").path, into: importer)
        var answers: [String: [SessionMessage]] = [:]
        var sessions: [Session] = []
        for workspace in try await importer.listWorkspaces() {
            for session in try await importer.listSessions(workspaceId: workspace.workspaceId) {
                sessions.append(session)
                answers[session.id] = try await importer.getSessionMessages(workspaceId: workspace.workspaceId, sessionId: session.id)
            }
        }
        await importer.close()
        #expect(sessions.count == 10)

        let path = directory.file("v1.sqlite")
        let connection = try Connection(location: .file(path), options: Configuration().connectionOptions)
        try Migrator(migrations: [Migration.bundled[0]]).migrate(connection)
        try connection.execute("ATTACH DATABASE ?1 AS current", [.text(current)])
        try connection.executeScript("""
            INSERT INTO sessions SELECT id, workspace_id, title, NULL, created_at, updated_at, model_provider_id, model_id,
                agent, revert_message_id, revert_reason FROM current.sessions;
            UPDATE sessions SET parent_id = (SELECT c.parent_id FROM current.sessions c WHERE c.id = sessions.id);
            INSERT INTO messages SELECT id, workspace_id, session_id, role, content, parts, tool_calls, tool_call_id, status,
                created_at, updated_at FROM current.messages;
            INSERT INTO session_messages SELECT * FROM current.session_messages;
            """)
        try connection.execute("DETACH DATABASE current")
        #expect(try Migrator().status(of: connection).pending.map(\.version) == Array(2...Migration.bundled.last!.version))
        let before = try rows(connection)
        connection.close()

        let upgraded = try await SessionRepository(path: path)
        #expect(try await upgraded.check().isEmpty)
        for session in sessions {
            #expect(try await upgraded.getSession(workspaceId: session.workspaceId, sessionId: session.id) == session)
            #expect(try await upgraded.getSessionMessages(workspaceId: session.workspaceId, sessionId: session.id) == answers[session.id])
        }
        // Version 3 indexed the messages already stored: each is found by the longest word of its content.
        var searched = 0
        for session in sessions {
            for message in answers[session.id] ?? [] {
                guard let word = message.content?.split(whereSeparator: { !$0.isLetter }).filter({ $0.count <= 40 })
                    .max(by: { $0.count < $1.count }) else { continue }
                let hits = try await upgraded.searchMessages(workspaceId: session.workspaceId, query: String(word), page: .first(1000))
                #expect(hits.items.contains { $0.messageId == message.id }, "\(word)")
                searched += 1
            }
        }
        #expect(searched > 10)
        await upgraded.close()
        // Every row of version 1 is there, column for column; the new columns are empty.
        let after = try Connection(location: .file(path), options: ConnectionOptions(access: .readOnly))
        #expect(try Migrator().status(of: after).isUpToDate)
        let v1Columns = """
            SELECT 'sessions: ' || id || '|' || workspace_id || '|' || quote(title) || '|' || quote(parent_id) || '|' ||
                created_at || '|' || updated_at FROM sessions
            UNION ALL SELECT 'messages: ' || id || '|' || quote(content) || '|' || quote(parts) || '|' || updated_at FROM messages
            UNION ALL SELECT 'links: ' || session_id || '|' || position || '|' || message_id FROM session_messages
            ORDER BY 1
            """
        let beforeConnection = try Connection(location: .file(current), options: ConnectionOptions(access: .readOnly))
        #expect(try after.prepare(v1Columns).map { $0.string(0) } == beforeConnection.prepare(v1Columns).map { $0.string(0) })
        #expect(try after.prepare(
            "SELECT count(*) FROM sessions WHERE forked_from_session_id IS NOT NULL OR trashed_at IS NOT NULL"
        ).first { $0.int64(0) } == 0)
        #expect(try after.prepare("SELECT count(*) FROM messages WHERE input_tokens IS NOT NULL").first { $0.int64(0) } == 0)
        #expect(!before.isEmpty)
    }

    @Test func version5KeepsEveryRevertedTailWhereUnrevertFindsIt() async throws {
        // Reverted tails made by this build: one revert in the original, two in a fork of it (so a tail holds
        // bodies the original shows), and a session with none.
        let current = directory.file("current.sqlite")
        let repository = try await SessionRepository(path: current, configuration: Fixtures.configuration())
        let (original, bodies) = try await Fixtures.conversation(6, in: repository, workspace: "w")
        let fork = try await repository.forkSession(workspaceId: "w", sessionId: original.id)
        _ = try await repository.revert(workspaceId: "w", sessionId: original.id, messageId: bodies[3].id)
        _ = try await repository.revert(workspaceId: "w", sessionId: fork.id, messageId: bodies[4].id)
        _ = try await repository.revert(workspaceId: "w", sessionId: fork.id, messageId: bodies[1].id)
        let (plain, _) = try await Fixtures.conversation(2, in: repository, workspace: "w")
        var answers: [String: (Session?, [SessionMessage])] = [:]
        for session in [original, fork, plain] {
            answers[session.id] = (
                try await repository.getSession(workspaceId: "w", sessionId: session.id),
                try await repository.getSessionMessages(workspaceId: "w", sessionId: session.id))
        }
        await repository.close()

        // The same rows in a store of version 4, where the tails were a table of their own.
        let path = directory.file("v4.sqlite")
        let connection = try Connection(location: .file(path), options: Configuration().connectionOptions)
        try Migrator(migrations: Array(Migration.bundled.prefix(4))).migrate(connection)
        let sessionColumns = try connection.prepare("SELECT group_concat(name, ', ') FROM pragma_table_info('sessions')")
            .first { $0.string(0) } ?? ""
        try connection.execute("ATTACH DATABASE ?1 AS current", [.text(current)])
        try connection.executeScript("""
            INSERT INTO sessions (\(sessionColumns)) SELECT \(sessionColumns) FROM current.sessions;
            INSERT INTO messages SELECT * FROM current.messages;
            INSERT INTO session_messages SELECT * FROM current.session_messages;
            INSERT INTO reverted_links SELECT * FROM current.reverted_links;
            INSERT INTO changes SELECT * FROM current.changes;
            """)
        try connection.execute("DETACH DATABASE current")
        let links = """
            SELECT 'shown|' || session_id || '|' || position || '|' || message_id FROM session_messages
            UNION ALL SELECT 'reverted|' || session_id || '|' || position || '|' || message_id FROM reverted_links ORDER BY 1
            """
        let before = try connection.prepare(links).map { $0.string(0) }
        #expect(before.filter { $0.hasPrefix("reverted|") }.count == 2 + 4)
        connection.close()

        let upgraded = try await SessionRepository(path: path, configuration: Fixtures.configuration())
        #expect(try await upgraded.check().isEmpty)
        for (id, answer) in answers {
            #expect(try await upgraded.getSession(workspaceId: "w", sessionId: id) == answer.0)
            #expect(try await upgraded.getSessionMessages(workspaceId: "w", sessionId: id) == answer.1)
        }
        let after = try await upgraded.write { connection in
            try connection.prepare(links).map { $0.string(0) }
        }
        #expect(after == before, "the views read as the tables did")
        #expect(try await upgraded.unrevert(workspaceId: "w", sessionId: original.id).messageIds == bodies.map(\.id))
        #expect(try await upgraded.unrevert(workspaceId: "w", sessionId: fork.id).messageIds == bodies.map(\.id))
        #expect(try await upgraded.check().isEmpty)
        await upgraded.close()
    }
}
