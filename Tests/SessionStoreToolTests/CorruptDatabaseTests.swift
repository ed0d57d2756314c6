import Foundation
import SessionStore
import Testing
import TestSupport

/// Databases damaged on disk: every verb that only reads ends with a typed error or a report, never a crash, and
/// leaves the file's bytes as they were.
@Suite struct CorruptDatabaseTests {
    enum Damage: String, CaseIterable {
        case headerOverwritten, truncated, randomPage, hostileJSON
    }

    /// The sample imported, then damaged as `damage` says; returns the database's path.
    func damagedStore(_ damage: Damage, in directory: TemporaryDirectory) async throws -> String {
        let path = directory.file("store.sqlite")
        try await Tool.succeed("import", Legacy.sample.path, "--db", path)
        if damage == .hostileJSON {
            let connection = try Connection(location: .file(path), options: Configuration().connectionOptions)
            try connection.execute("PRAGMA ignore_check_constraints = ON")
            try connection.execute(
                "UPDATE messages SET parts = ?1 WHERE rowid IN (SELECT rowid FROM messages LIMIT 3)",
                [.text(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))])
            connection.close()
            return path
        }
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var random = SplitMix64(seed: 15)
        switch damage {
        case .headerOverwritten: for index in 0..<100 { bytes[index] = UInt8.random(in: 0...255, using: &random) }
        case .truncated: bytes.removeSubrange((bytes.count / 2)...)
        case .randomPage: for index in (4096 * 3)..<(4096 * 4) { bytes[index] = UInt8.random(in: 0...255, using: &random) }
        case .hostileJSON: break
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: Damage.allCases)
    func verbsThatReadNeverCrashAndLeaveTheBytes(damage: Damage) async throws {
        let directory = try TemporaryDirectory()
        let path = try await damagedStore(damage, in: directory)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        for verb in [
            ["check"], ["stats"], ["list"], ["list", "--workspace", "ws-7-0"], ["export", directory.file("out")],
            ["backup", directory.file("copy-\(UUID().uuidString).sqlite")],
        ] {
            let result = try await runProcess(Tool.executable, verb + ["--db", path], timeout: .seconds(60))
            #expect([0, 1].contains(result.status), "\(damage) \(verb): exited \(result.status): \(result.standardError)")
            #expect(result.standardError.split(separator: "\n").count <= 1, "\(damage) \(verb): \(result.standardError)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "\(damage) \(verb) changed the file")
        }
        // `check` says what is wrong with every damaged store.
        let check = try await runProcess(Tool.executable, ["check", "--db", path])
        #expect(check.status != 0, "\(damage): check passed")
    }

    @Test(arguments: Damage.allCases)
    func theLibraryAnswersATypedErrorAtOpenOrOnUse(damage: Damage) async throws {
        let directory = try TemporaryDirectory()
        let path = try await damagedStore(damage, in: directory)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            let store = try await SessionRepository(path: path, configuration: Configuration(access: .readOnly))
            for workspace in try await store.listWorkspaces() {
                for session in try await store.listSessions(workspaceId: workspace.workspaceId) {
                    _ = try await store.getSessionMessages(workspaceId: workspace.workspaceId, sessionId: session.id)
                }
            }
            await store.close()
            Issue.record("\(damage): every read succeeded")
        } catch is SQLiteError {
        } catch is SessionStoreError {
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    /// The rules after `integrity_check` read the damaged pages, and `integrity_check` itself can stop part-way:
    /// `check` once failed with "database disk image is malformed" alone.
    @Test func checkListsWhatIntegrityCheckFindsInAFileWhoseRowsAreDamaged() async throws {
        let directory = try TemporaryDirectory()
        let database = directory.file("store.sqlite")
        try await Tool.succeed("import", Legacy.sample.path, "--db", database)
        let connection = try Connection(location: .file(database), options: Configuration().connectionOptions)
        let root = try #require(try connection.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'messages'").first { $0.int64(0) })
        connection.close()
        // The end of a b-tree page holds its cells: here, the messages table's pointers to its leaves.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: database))
        let pageEnd = Int(root) * 4096
        bytes.replaceSubrange(pageEnd - 1500..<pageEnd, with: Data(repeating: 7, count: 1500))
        try bytes.write(to: URL(fileURLWithPath: database))

        let (result, output) = try await Tool.json(CheckOutput.self, "check", "--db", database)
        #expect(result.status != 0)
        #expect(!output.ok)
        #expect(!output.violations.isEmpty)
        #expect(output.violations.allSatisfy { $0.rule == "integrity" })
        #expect(output.violations.contains { $0.detail.contains("page \(root)") })

        let export = try await Tool.run("export", directory.file("exported"), "--db", database)
        #expect(export.status != 0)
        #expect(export.standardError.contains("the file is damaged; `session-store check` lists where"))
        #expect(export.standardError.split(separator: "\n").count == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == bytes)
    }
}
