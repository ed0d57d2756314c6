import Foundation
import PostgresTestSupport
import SessionStore
import SessionStorePostgres
import Testing
import TestSupport

/// `migrate` and `serve` on a PostgreSQL URL, as an operator runs them.
@Suite(.enabled(if: PostgresTestServer.isAvailable)) struct PostgresCommandTests {
    @Test func serveRefusesAnUnmigratedDatabaseUntilMigrateHasRun() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let refused = try await runProcess(Tool.executable, ["serve", "--db", url, "--port", "0"])
        #expect(refused.status != 0)
        #expect(refused.standardError == "session-store: the database needs `session-store migrate` first (pending: 0001_create_schema.sql, 0002_renumber_link_positions.sql)\n")

        let migrated = try await runProcess(Tool.executable, ["migrate", "--db", url])
        #expect(migrated.status == 0 && migrated.standardOutput == "applied 0001_create_schema.sql\napplied 0002_renumber_link_positions.sql\n", "\(migrated.standardError)")
        let status = try await runProcess(Tool.executable, ["migrate", "--db", url, "--status", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any])
        #expect((object["applied"] as? [[String: Any]])?.map { $0["name"] as? String } == ["create_schema", "renumber_link_positions"])
        #expect((object["pending"] as? [Any])?.isEmpty == true)
    }

    @Test func copyMovesTheImportedLegacyStoreToPostgreSQLAndBackUnchanged() async throws {
        let directory = try TemporaryDirectory()
        let source = directory.file("source.sqlite")
        let legacy = Paths.fixtures.appendingPathComponent("legacy-sample").path
        #expect(try await runProcess(Tool.executable, ["import", legacy, "--db", source]).status == 0)
        let url = try await PostgresTestServer.freshDatabase()
        let there = try await runProcess(Tool.executable, ["copy", "--from", source, "--to", url, "--verify", "--batch", "7"])
        #expect(there.status == 0, "\(there.standardError)")
        #expect(there.standardOutput.contains("verified messages: 25 rows, same content"), "\(there.standardOutput)")
        let back = directory.file("back.sqlite")
        let home = try await runProcess(Tool.executable, ["copy", "--from", url, "--to", back, "--verify", "--json"])
        #expect(home.status == 0, "\(home.standardError)")
        let verified = try #require(try JSONSerialization.jsonObject(with: Data(home.standardOutput.utf8)) as? [String: Any])
        #expect((verified["verified"] as? [[String: Any]])?.allSatisfy { $0["matches"] as? Bool == true } == true)
        // What users see is the same: the legacy export of the copy equals the original's, file for file.
        for (database, folder) in [(source, "export-source"), (back, "export-back")] {
            #expect(try await runProcess(Tool.executable, ["export", directory.file(folder), "--db", database]).status == 0)
        }
        let files = try FileManager.default.subpathsOfDirectory(atPath: directory.file("export-source")).sorted()
        let copiedFiles = try FileManager.default.subpathsOfDirectory(atPath: directory.file("export-back")).sorted()
        #expect(!files.isEmpty && files == copiedFiles)
        for file in files where file.hasSuffix(".json") {
            #expect(
                FileManager.default.contents(atPath: directory.file("export-source/\(file)"))
                    == FileManager.default.contents(atPath: directory.file("export-back/\(file)")), "\(file)")
        }
        #expect(try await runProcess(Tool.executable, ["check", "--db", back]).status == 0)
        let again = try await runProcess(Tool.executable, ["copy", "--from", source, "--to", url])
        #expect(again.status != 0 && again.standardError.contains("the destination is not empty (10 rows in sessions)"), "\(again.standardError)")
    }

    @Test func changesAndSearchReadPostgreSQLAndTheFileOnlyVerbsSaySo() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let store = try await PostgresRepository(url: url)
        let session = try await store.createSession(workspaceId: "w")
        let message = try await store.addMessage(
            workspaceId: "w", sessionId: session.id, message: NewMessage(role: .user, content: "the parser rewrite"))

        let changes = try await Tool.succeed("changes", "--workspace", "w", "--db", url)
        #expect(changes.standardOutput.split(separator: "\n").map { $0.split(separator: " ").prefix(4).joined(separator: " ") } == [
            "1 sessionCreated \(session.id) -", "2 messageAdded \(session.id) \(message.id)",
        ])
        let search = try await Tool.succeed("search", "parser", "--workspace", "w", "--json", "--db", url)
        let hits = try #require(try JSONSerialization.jsonObject(with: Data(search.standardOutput.utf8)) as? [String: [[String: Any]]])
        #expect(hits["hits"]?.map { $0["messageId"] as? String } == [message.id])

        let directory = try TemporaryDirectory()
        for verb in [["check"], ["stats"], ["list"], ["trash", "list"], ["export", directory.file("out")], ["backup", directory.file("b")]] {
            let refused = try await runProcess(Tool.executable, verb + ["--db", url])
            #expect(refused.status != 0, "\(verb)")
            #expect(
                refused.standardError
                    == "session-store: this verb works on a SQLite file, not on PostgreSQL (`session-store copy` makes a file of a PostgreSQL store)\n",
                "\(verb): \(refused.standardError)")
        }
        let imported = try await runProcess(Tool.executable, ["import", Paths.fixtures.appendingPathComponent("legacy-sample").path, "--db", url])
        #expect(imported.status != 0)
        #expect(imported.standardError.contains("import writes a SQLite file"), "\(imported.standardError)")
        // Nothing was written anywhere: no file named after the URL, the database as it was.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        #expect(try await store.latestChangeSequence(workspaceId: "w") == 2)
        #expect(try await store.listSessions(workspaceId: "w").map(\.id) == [session.id])
        await store.close()
    }

    @Test func aServerThatDoesNotAnswerIsOneLine() async throws {
        let result = try await runProcess(Tool.executable, ["migrate", "--db", "postgres://postgres@127.0.0.1:1/none?connect_timeout=1"])
        #expect(result.status != 0)
        #expect(result.standardError.hasPrefix("session-store: lost the connection to PostgreSQL: 127.0.0.1:1"), "\(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1)
    }
}
