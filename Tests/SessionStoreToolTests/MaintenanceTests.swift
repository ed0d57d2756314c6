import Foundation
import SessionStoreSQLite
import SessionStore
import Testing
import TestSupport

@Suite struct MaintenanceTests {
    let directory: TemporaryDirectory
    let database: String

    init() throws {
        directory = try TemporaryDirectory()
        database = directory.file("sessions.sqlite")
    }

    func writableConnection() throws -> Connection {
        try Connection(location: .file(database), options: Configuration().connectionOptions)
    }

    @Test func exportRefusesToOverwriteWithoutForce() async throws {
        try await Tool.succeed("import", Legacy.sample.path, "--db", database)
        let exported = directory.file("exported")
        try await Tool.succeed("export", exported, "--db", database)
        let file = exported + "/ws-7-0/sessions.json"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: file))

        let refused = try await Tool.run("export", exported, "--db", database)
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("exists; pass --force"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == Data("keep me".utf8))

        try await Tool.succeed("export", exported, "--db", database, "--force")
        #expect(try LegacyWorkspace(jsonData: Data(contentsOf: URL(fileURLWithPath: file))).sessions.count == 5)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: exported + "/ws-7-0")
        #expect(leftovers == ["sessions.json"])
    }

    @Test(arguments: ["../escape", "a/b", ".", "..", "a\u{0}b"])
    func exportSkipsAWorkspaceIdThatIsNoSafeFolderNameAndWritesTheOthers(unsafe: String) async throws {
        let connection = try writableConnection()
        try Migrator().migrate(connection)
        for workspace in ["ws-fine", unsafe] {
            try connection.execute(
                "INSERT INTO sessions (id, workspace_id, created_at, updated_at) VALUES (?1, ?2, 1, 1)",
                [.text("s-\(workspace.utf8.count)-\(workspace == unsafe)"), .text(workspace)])
        }
        connection.close()
        let exported = directory.file("exported")
        let result = try await Tool.run("export", exported, "--db", database)
        #expect(result.status != 0)
        #expect(result.standardError.contains("export incomplete: 1 workspace skipped"))
        #expect(result.standardOutput.contains("skipped workspace \(unsafe.debugDescription): the id is not safe as a folder name"))
        #expect(FileManager.default.fileExists(atPath: exported + "/ws-fine/sessions.json"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: exported) == ["ws-fine"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix("sessions.sqlite") } == ["exported"])
    }

    @Test func exportIntoAPathThroughAFileSaysWhichPathIsAFile() async throws {
        try await Tool.succeed("import", Legacy.sample.path, "--db", database)
        let file = directory.file("notes.txt")
        try Data("keep".utf8).write(to: URL(fileURLWithPath: file))
        for destination in [file, file + "/exported"] {
            let result = try await Tool.run("export", destination, "--db", database)
            #expect(result.status != 0)
            #expect(result.standardError == "session-store: cannot write \(file): it is a file, not a directory\n")
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep")
    }

    @Test func exportNeverWritesThroughASymbolicLinkInTheDestination() async throws {
        try await Tool.succeed("import", Legacy.sample.path, "--db", database)
        let exported = directory.file("exported")
        let elsewhere = directory.file("elsewhere")
        try FileManager.default.createDirectory(atPath: exported, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: elsewhere + "/file", withIntermediateDirectories: true)
        // A workspace folder that is a link, and a workspace file that is a dangling link.
        try FileManager.default.createSymbolicLink(atPath: exported + "/ws-7-0", withDestinationPath: elsewhere)
        try FileManager.default.createDirectory(atPath: exported + "/01JDQ000700000000000000001", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: exported + "/01JDQ000700000000000000001/sessions.json", withDestinationPath: elsewhere + "/file/sessions.json")

        let (result, output) = try await Tool.json(ExportOutput.self, "export", exported, "--db", database, "--force")
        #expect(result.status != 0)
        #expect(Set(output.skipped.map(\.workspaceId)) == ["ws-7-0", "01JDQ000700000000000000001"])
        #expect(output.skipped.allSatisfy { $0.reason.contains("symbolic link") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere) == ["file"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere + "/file").isEmpty)
    }

    @Test func migrateCreatesUpgradesAndReports() async throws {
        let (pendingResult, pending) = try await Tool.json(StatusListing.self, "migrate", "--db", database, "--status")
        #expect(pendingResult.status == 0, "\(pendingResult.standardError)")
        #expect(pending.applied.isEmpty && pending.pending.map(\.version) == Migration.bundled.map(\.version))
        #expect(!FileManager.default.fileExists(atPath: database))

        let migrated = try await Tool.succeed("migrate", "--db", database)
        #expect(migrated.standardOutput.contains("applied 0001_create_sessions"))
        #expect(try await Tool.run("migrate", "--db", database).standardOutput.contains("is up to date"))
        let (_, status) = try await Tool.json(StatusListing.self, "migrate", "--db", database, "--status")
        #expect(status.pending.isEmpty)
        #expect(status.applied.map(\.checksum) == Migration.bundled.map(\.checksum))

        try writableConnection().execute("INSERT INTO schema_migrations (version, name, checksum) VALUES (99, 'future', 'x')")
        let refused = try await Tool.run("migrate", "--db", database)
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("newer than this build supports"))
    }

    @Test func checkNamesEachViolation() async throws {
        try await Tool.succeed("import", Legacy.sample.path, "--db", database)
        let healthy = try await Tool.succeed("check", "--db", database)
        #expect(healthy.standardOutput.hasPrefix("ok:"))

        // Break the invariants the way a hand edit in the shell could (through the view `session_messages` too).
        let connection = try writableConnection()
        try connection.execute("PRAGMA foreign_keys = OFF")
        try connection.execute(
            "INSERT INTO messages (id, workspace_id, session_id, role, created_at, updated_at) VALUES ('lonely', 'ws-7-0', 's', 'user', 0, 0)")
        try connection.execute("UPDATE session_messages SET position = position + 10 WHERE position = 2")
        try connection.execute("INSERT INTO session_messages VALUES ('01M8861N5K1DB96S2Z487FWAP6', 50, 'ghost')")
        try connection.execute("UPDATE sessions SET reverted_from = 1000 WHERE id = '01M8861N5K1DB96S2Z487FWAP6'")
        try connection.execute("DROP TRIGGER messages_search_on_insert_by_hand")
        try connection.execute(
            "INSERT INTO messages (id, workspace_id, session_id, role, created_at, updated_at) VALUES ('unindexed', 'ws-7-0', 's', 'user', 0, 0)")
        try connection.execute("DELETE FROM changes WHERE workspace_id = 'ws-7-0' AND sequence = 2")
        try connection.execute("INSERT INTO message_chunks (message_id, sequence, text) VALUES ('lonely', 1, 'unseen')")
        try connection.execute("UPDATE sessions SET forked_from_session_id = id WHERE id = '01M8861N5K1DB96S2Z487FWAP6'")
        // Two sessions each the other's parent, as 0.5.0 let updateSession write; their children are not on it.
        try connection.execute("UPDATE sessions SET parent_id = '01M8861N5SZ9V3H6MVXS4DVARD' WHERE id = '01M8861N5K1DB96S2Z487FWAP6'")
        try connection.execute("UPDATE sessions SET parent_id = '01M8861N5K1DB96S2Z487FWAP6' WHERE id = '01M8861N5SZ9V3H6MVXS4DVARD'")
        connection.close()

        let (result, output) = try await Tool.json(CheckOutput.self, "check", "--db", database)
        let violations = output.violations
        #expect(result.status != 0)
        #expect(!output.ok)
        let rules = Set(violations.map(\.rule))
        #expect(rules.isSuperset(of: ["foreign_key", "position_gap", "orphan_message", "dangling_link", "search_index", "change_gap"]))
        #expect(violations.contains { $0.rule == "reverted_tail" && $0.detail.contains("01M8861N5K1DB96S2Z487FWAP6") })
        #expect(violations.contains { $0.rule == "search_index" && $0.detail.contains("1 of them unnumbered") })
        #expect(violations.contains { $0.rule == "change_gap" && $0.detail.contains("ws-7-0") })
        #expect(violations.contains { $0.rule == "hidden_chunk" && $0.detail.contains("lonely") })
        #expect(violations.contains { $0.rule == "orphan_message" && $0.detail.contains("lonely") })
        #expect(violations.contains { $0.rule == "dangling_link" && $0.detail.contains("ghost") })
        #expect(
            violations.filter { $0.rule == "fork_cycle" }.map(\.detail)
                == ["session 01M8861N5K1DB96S2Z487FWAP6 is forked, through its fork points, from itself"])
        #expect(
            violations.filter { $0.rule == "parent_cycle" }.map(\.detail) == [
                "session 01M8861N5K1DB96S2Z487FWAP6 is, through its parents, its own ancestor",
                "session 01M8861N5SZ9V3H6MVXS4DVARD is, through its parents, its own ancestor",
            ])
        #expect(result.standardError.contains("violations in"))
    }

    @Test func checkRefusesAFileThatIsNotADatabaseInOneLine() async throws {
        try Data(repeating: 7, count: 5000).write(to: URL(fileURLWithPath: database))
        let result = try await Tool.run("check", "--db", database)
        #expect(result.status != 0)
        #expect(result.standardError.contains("file is not a database"))
        #expect(result.standardError.split(separator: "\n").count == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == Data(repeating: 7, count: 5000))
    }

    @Test func verbsThatReadNeverCreateADatabase() async throws {
        for verb in [["check"], ["stats"], ["list"], ["export", directory.file("out")]] {
            let result = try await runProcess(Tool.executable, verb + ["--db", database])
            #expect(result.status != 0)
            #expect(result.standardError == "session-store: no database at \(database)\n")
        }
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test func listAndExportRefuseADatabaseThatNeedsMigrating() async throws {
        // A database made by the shell from an older schema: here, one that has no migration recorded at all.
        let connection = try writableConnection()
        try connection.execute("CREATE TABLE unrelated (n INTEGER)")
        connection.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        for verb in [["list", "--workspace", "w"], ["export", directory.file("out")]] {
            let result = try await runProcess(Tool.executable, verb + ["--db", database])
            #expect(result.status != 0)
            #expect(result.standardError.hasPrefix("session-store: \(database) needs `session-store migrate` first"))
            #expect(result.standardError.split(separator: "\n").count == 1)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
    }

    @Test func statsAndListDescribeTheStore() async throws {
        try await Tool.succeed("import", Legacy.sample.path, "--db", database)
        let (_, statistics) = try await Tool.json(StoreStatistics.self, "stats", "--db", database)
        #expect(statistics.workspaces == 2 && statistics.sessions == 10 && statistics.messages == 25)
        #expect(statistics.sharedMessages == (try count(
            "SELECT count(*) FROM (SELECT message_id FROM session_messages GROUP BY message_id HAVING count(*) > 1)", in: database)))
        #expect(statistics.sharedMessages > 0)
        #expect(statistics.databaseBytes > 0)

        let (_, workspaces) = try await Tool.json(Listing.Workspaces.self, "list", "--db", database)
        #expect(Set(workspaces.workspaces.map(\.workspaceId)) == ["ws-7-0", "01JDQ000700000000000000001"])
        let (_, sessions) = try await Tool.json(Listing.Sessions.self, "list", "--db", database, "--workspace", "ws-7-0")
        #expect(sessions.workspaceId == "ws-7-0" && sessions.sessions.count == 5)
        let longest = sessions.sessions.max { $0.messages < $1.messages }!
        let (_, messages) = try await Tool.json(
            Listing.Messages.self, "list", "--db", database, "--workspace", "ws-7-0", "--session", longest.id)
        let repository = try await SessionRepository(path: database)
        let stored = try await repository.getSessionMessages(workspaceId: "ws-7-0", sessionId: longest.id)
        await repository.close()
        #expect(messages.messages.map(\.id) == stored.map(\.id))
        #expect(messages.messages.map(\.position) == Array(1...stored.count))
        let human = try await Tool.run("list", "--db", database, "--workspace", "ws-7-0", "--session", longest.id)
        #expect(human.standardOutput.hasPrefix("position  role"))
    }

    @Test func backupCopiesALiveDatabaseThatPassesCheck() async throws {
        let repository = try await SessionRepository(path: database)
        let session = try await repository.createSession(workspaceId: "live")
        for index in 0..<200 {
            _ = try await repository.addMessage(
                workspaceId: "live", sessionId: session.id, message: NewMessage(role: .user, content: "message \(index)"))
        }
        // Writes go on while the backup runs, from this process, on the same file.
        let writer = Task {
            for index in 0..<200 {
                _ = try await repository.addMessage(
                    workspaceId: "live", sessionId: session.id, message: NewMessage(role: .assistant, content: "during \(index)"))
            }
        }
        let copy = directory.file("backup.sqlite")
        let result = try await Tool.run("backup", copy, "--db", database)
        try await writer.value
        #expect(result.status == 0, "\(result.standardError)")
        try await Tool.succeed("check", "--db", copy)
        let copied = try count("SELECT count(*) FROM session_messages", in: copy)
        #expect(copied >= 200 && copied <= 400)
        #expect(try count("SELECT count(*) FROM messages", in: copy) == copied)

        let again = try await Tool.run("backup", copy, "--db", database)
        #expect(again.status != 0)
        #expect(again.standardError.contains("never overwrites"))
        await repository.close()
    }

    @Test func aBackupIntoAFolderThatIsMissingOrOntoAFolderIsAOneLineError() async throws {
        try await Tool.succeed("migrate", "--db", database)
        let missing = directory.file("nowhere")
        let intoMissing = try await Tool.run("backup", missing + "/backup.sqlite", "--db", database)
        #expect(intoMissing.status != 0)
        #expect(intoMissing.standardError == "session-store: cannot create the backup \(missing)/backup.sqlite: no folder \(missing) (SQLite error 14)\n")
        #expect(!FileManager.default.fileExists(atPath: missing))

        let folder = directory.file("folder")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let ontoFolder = try await Tool.run("backup", folder, "--db", database)
        #expect(ontoFolder.status != 0)
        #expect(ontoFolder.standardError == "session-store: \(folder) exists; a backup never overwrites it\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [])
    }

    @Test func aBackupCutShortLeavesNoFileThatLooksLikeOne() async throws {
        let repository = try await SessionRepository(path: database)
        let session = try await repository.createSession(workspaceId: "w")
        for index in 0..<1000 {
            _ = try await repository.addMessage(
                workspaceId: "w", sessionId: session.id,
                message: NewMessage(role: .user, content: "\(index) " + String(repeating: "words ", count: 400)))
        }
        await repository.close()
        let copy = directory.file("backup.sqlite")
        // The kernel stops the tool (SIGXFSZ) once it writes past 256 blocks: about a tenth of the copy.
        let cut = try await runProcess(
            URL(fileURLWithPath: "/bin/sh"), ["-c", #"ulimit -f 256; exec "$0" backup "$1" --db "$2""#, Tool.executable.path, copy, database])
        #expect(cut.status != 0)
        #expect(!FileManager.default.fileExists(atPath: copy), "a partial copy under the backup's name")

        try await Tool.succeed("backup", copy, "--db", database)
        try await Tool.succeed("check", "--db", copy)
        #expect(try count("SELECT count(*) FROM messages", in: copy) == 1000)
    }

    @Test func theSqlite3ShellSeesEveryCommittedMessageWhileTheLibraryHoldsTheDatabase() async throws {
        let repository = try await SessionRepository(path: database)
        let session = try await repository.createSession(workspaceId: "w")
        let shell = URL(fileURLWithPath: "/usr/bin/sqlite3")
        for round in 1...5 {
            for index in 0..<10 {
                _ = try await repository.addMessage(
                    workspaceId: "w", sessionId: session.id, message: NewMessage(role: .user, content: "\(round).\(index)"))
            }
            let result = try await runProcess(shell, [database, "SELECT count(*) FROM conversation WHERE session_id = '\(session.id)'"])
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput == "\(round * 10)\n")
        }
        await repository.close()
    }

    /// What the README says of deleting by hand: with foreign keys on, the shell's delete takes the session's links
    /// and lone bodies with it; with the shell's default (off) it leaves links behind, which `check` names.
    @Test(arguments: [true, false])
    func aSessionDeletedInTheSqlite3ShellIsWholeOnlyWithForeignKeysOn(foreignKeys: Bool) async throws {
        let repository = try await SessionRepository(path: database)
        let kept = try await repository.createSession(workspaceId: "w")
        let session = try await repository.createSession(workspaceId: "w")
        for content in ["one", "two"] {
            _ = try await repository.addMessage(workspaceId: "w", sessionId: session.id, message: NewMessage(role: .user, content: content))
        }
        await repository.close()

        let delete = "DELETE FROM sessions WHERE id = '\(session.id)'"
        let edit = try await runProcess(
            URL(fileURLWithPath: "/usr/bin/sqlite3"), [database, foreignKeys ? "PRAGMA foreign_keys = ON; \(delete)" : delete])
        #expect(edit.status == 0, "\(edit.standardError)")
        let check = try await Tool.run("check", "--db", database)
        if foreignKeys {
            #expect(check.status == 0, "\(check.standardOutput)")
            #expect(try count("SELECT count(*) FROM messages", in: database) == 0)
            #expect(try count("SELECT count(*) FROM session_links", in: database) == 0)
        } else {
            #expect(check.status != 0)
            #expect(check.standardOutput.contains("dangling_link: link \(session.id) #1"))
        }
        #expect(try count("SELECT count(*) FROM sessions WHERE id = '\(kept.id)'", in: database) == 1)
    }
}

struct StatusListing: Decodable {
    struct Entry: Decodable {
        let version: Int
        let name: String
        let checksum: String?
    }

    let applied: [Entry]
    let pending: [Entry]
}
