import Foundation
import SessionStore
import Testing
import TestSupport

/// The tool as an operator meets it on a fresh machine: every message says what was wrong and what to do.
@Suite struct CommandLineTests {
    let directory: TemporaryDirectory
    let database: String

    init() throws {
        directory = try TemporaryDirectory()
        database = directory.file("sessions.sqlite")
    }

    /// The object a `--json` run printed.
    func object(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))
        return try #require(value as? [String: Any], "not one JSON object: \(result.standardOutput)", sourceLocation: sourceLocation)
    }

    func expectOneLineFailure(_ result: ProcessResult, saying text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status != 0, sourceLocation: sourceLocation)
        #expect(result.standardError.hasPrefix("session-store: "), "\(result.standardError)", sourceLocation: sourceLocation)
        #expect(result.standardError.contains(text), "\(result.standardError)", sourceLocation: sourceLocation)
        #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)", sourceLocation: sourceLocation)
    }

    @Test func verbsThatReadSayThatADatabaseWithoutTheSchemaNeedsMigrate() async throws {
        _ = try await runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", "sqlite3 \"$1\" 'CREATE TABLE t (x)'", "sh", database])
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        for verb in [["check"], ["stats"], ["list"], ["backup", directory.file("copy.sqlite")]] {
            expectOneLineFailure(try await runProcess(Tool.executable, verb + ["--db", database]), saying: "needs `session-store migrate`")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
        #expect(!FileManager.default.fileExists(atPath: directory.file("copy.sqlite")))
    }

    @Test func verbsThatReadSayThatAnEmptyFileIsEmptyAndLeaveIt() async throws {
        #expect(FileManager.default.createFile(atPath: database, contents: Data()))
        for verb in [["check"], ["stats"], ["list"], ["export", directory.file("out")], ["backup", directory.file("copy.sqlite")]] {
            expectOneLineFailure(try await runProcess(Tool.executable, verb + ["--db", database]), saying: "is empty (0 bytes)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["sessions.sqlite"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)).isEmpty)
    }

    @Test func serveRefusesNoReadersOrTooManyBeforeOpeningAnything() async throws {
        let none = try await runProcess(Tool.executable, ["serve", "--db", database, "--readers", "0", "--port", "0"])
        expectOneLineFailure(none, saying: "--readers must be 1 to 256, not 0")
        // Each reader holds a connection and its files: 100,000 ran out of descriptors, reported as a file that
        // cannot be opened.
        let many = try await runProcess(Tool.executable, ["serve", "--db", database, "--readers", "100000", "--port", "0"])
        expectOneLineFailure(many, saying: "--readers must be 1 to 256, not 100000")
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    /// `serve` once crashed in ArgumentParser when reporting any failure: its JSON option was never parsed.
    @Test func serveSaysInOneLineThatTheDatabaseIsMissing() async throws {
        expectOneLineFailure(
            try await runProcess(Tool.executable, ["serve", "--db", database, "--port", "0"]),
            saying: "no database at \(database); `session-store migrate --db \(database)` creates one")
        let json = try await runProcess(Tool.executable, ["serve", "--db", database, "--port", "0", "--json"])
        #expect((try object(json)["error"] as? [String: Any])?["code"] as? String == "noDatabase")
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    /// SQLite takes `:memory:` and names that start with `file:` for names of its own, not of files: the store
    /// then went to memory (refused, once the journal was not WAL, after leaving an empty file of that name) or to
    /// another file than the one named.
    @Test(arguments: [":memory:", "file:store.sqlite", "file:store.sqlite?mode=memory"])
    func aDatabaseNamedAsSQLiteNamesItsOwnIsTheFileOfThatName(name: String) async throws {
        let folder = URL(fileURLWithPath: directory.path)
        let imported = try await runProcess(Tool.executable, ["import", Legacy.sample.path, "--db", name], in: folder)
        #expect(imported.status == 0, "\(imported.standardError)")
        let listed = try await runProcess(Tool.executable, ["list", "--workspace", "ws-7-0", "--db", name, "--json"], in: folder)
        #expect(listed.status == 0, "\(listed.standardError)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(files.filter { !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") } == [name])
        let repository = try await SessionRepository(path: directory.file(name))
        #expect(try await repository.listSessions(workspaceId: "ws-7-0").count == 5)
        await repository.close()
    }

    @Test func aDirectoryGivenAsTheDatabaseIsNamedAsOne() async throws {
        let folder = directory.file("folder")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let legacy = Legacy.sample.path
        for verb in [["check"], ["stats"], ["list"], ["migrate"], ["migrate", "--status"], ["import", legacy], ["export", directory.file("out")]] {
            expectOneLineFailure(try await runProcess(Tool.executable, verb + ["--db", folder]), saying: "is a directory")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func anUnknownWorkspaceOrSessionIsAFailure() async throws {
        try await Tool.succeed("import", Legacy.sample.path, "--db", database)
        expectOneLineFailure(try await Tool.run("list", "--db", database, "--workspace", "nope"), saying: "no workspace nope")
        expectOneLineFailure(
            try await Tool.run("list", "--db", database, "--workspace", "ws-7-0", "--session", "NOPE"),
            saying: "no session NOPE in workspace ws-7-0")
    }

    @Test func versionIsTheChangelogsLatestRelease() async throws {
        let result = try await Tool.succeed("--version")
        let changelog = try String(contentsOf: Paths.repositoryRoot.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
        let latest = try #require(changelog.firstMatch(of: /## (\d+\.\d+\.\d+)/)?.1)
        #expect(result.standardOutput == "session-store \(latest)\n")
    }

    @Test(arguments: [("imprt", "import"), ("chek", "check"), ("migrat", "migrate"), ("exprot", "export")])
    func aMistypedVerbGetsASuggestion(typed: String, meant: String) async throws {
        let result = try await Tool.run(typed, "x", "--db", database)
        expectOneLineFailure(result, saying: "unknown verb '\(typed)'; did you mean '\(meant)'?")
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test func everyVerbPrintsOneObjectUnderJSONAndTimesInISO8601() async throws {
        let legacy = Legacy.sample.path
        let runs: [[String]] = [
            ["migrate", "--db", database, "--status"], ["import", legacy, "--db", database, "--dry-run"],
            ["import", legacy, "--db", database], ["migrate", "--db", database], ["migrate", "--db", database, "--status"],
            ["check", "--db", database], ["stats", "--db", database], ["list", "--db", database],
            ["list", "--db", database, "--workspace", "ws-7-0"], ["export", directory.file("out"), "--db", database],
            ["backup", directory.file("copy.sqlite"), "--db", database],
        ]
        var printed: [String: [String: Any]] = [:]
        for arguments in runs {
            let result = try await runProcess(Tool.executable, arguments + ["--json"])
            printed[arguments.joined(separator: " ")] = try object(result)
        }
        let workspaces = try #require(printed["list --db \(database)"]?["workspaces"] as? [[String: Any]])
        #expect(workspaces.allSatisfy { ($0["lastActivity"] as? String).flatMap(ISO8601DateFormatter().date(from:)) != nil })
        let status = try #require(printed["migrate --db \(database) --status"]?["applied"] as? [[String: Any]])
        #expect(status.allSatisfy { ($0["appliedAt"] as? String).flatMap(ISO8601DateFormatter().date(from:)) != nil })
        let totals = try #require(printed["import \(legacy) --db \(database)"]?["totals"] as? [String: Any])
        #expect(totals["sessionsImported"] as? Int == 10 && totals["messagesImported"] as? Int == 25)
        let dryTotals = try #require(printed["import \(legacy) --db \(database) --dry-run"]?["totals"] as? [String: Any])
        #expect(dryTotals["messagesImported"] as? Int == 25)
        #expect(printed["backup \(directory.file("copy.sqlite")) --db \(database)"]?["pages"] as? Int ?? 0 > 0)
    }

    @Test func aFailureUnderJSONIsAnErrorObjectOnStandardOutput() async throws {
        try await Tool.succeed("import", Legacy.sample.path, "--db", database)
        for (arguments, code) in [
            (["list", "--db", database, "--workspace", "ws-7-0", "--session", "NOPE"], "sessionNotFound"),
            (["check", "--db", directory.file("missing.sqlite")], "noDatabase"),
            (["backup", database, "--db", database], "backupDestinationExists"),
        ] {
            let result = try await runProcess(Tool.executable, arguments + ["--json"])
            #expect(result.status != 0)
            let error = try #require(try object(result)["error"] as? [String: String])
            #expect(error["code"] == code)
            #expect(result.standardError == "session-store: \(error["message"] ?? "")\n")
        }
    }

    @Test func aDryRunSaysWhatItWouldImport() async throws {
        let result = try await Tool.succeed("import", Legacy.sample.path, "--db", database, "--dry-run")
        #expect(result.standardOutput.contains("Dry run, nothing written"))
        #expect(result.standardOutput.contains("would import 10 sessions and 25 messages from 2 workspaces"))
        #expect(!result.standardOutput.contains("Imported"))
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test func countsOfOneAreSingular() async throws {
        let legacy = directory.file("legacy")
        let workspace = legacy + "/w"
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        let one = #"{"sessions": {"s": {"id": "s", "workspaceId": "w", "title": "t", "createdAt": 1, "updatedAt": 1, "messageIds": ["m"]}}, "#
            + #""messages": {"m": {"id": "m", "sessionId": "s", "role": "user", "content": "hi", "createdAt": 1, "updatedAt": 1}}}"#
        try one.write(toFile: workspace + "/sessions.json", atomically: true, encoding: .utf8)
        let imported = try await Tool.succeed("import", legacy, "--db", database)
        #expect(imported.standardOutput.contains("w: imported 1 session, 1 message\n"), "\(imported.standardOutput)")
        #expect(imported.standardOutput.contains("imported 1 session and 1 message from 1 workspace;"))
        let exported = try await Tool.succeed("export", directory.file("out"), "--db", database)
        #expect(exported.standardOutput.contains(": 1 session, 1 message\n"))
        #expect(exported.standardOutput.hasSuffix("exported 1 workspace to \(directory.file("out"))\n"))
    }

    @Test func anOversizedFileIsNamedOnce() async throws {
        let result = try await Tool.run("import", Legacy.sample.path, "--db", database, "--max-file-bytes", "100")
        #expect(result.status != 0)
        let lines = result.standardOutput.split(separator: "\n").filter { $0.contains("over the limit of 100 bytes") }
        #expect(lines.count == 2)
        for line in lines {
            #expect(line.ranges(of: "/sessions.json").count == 1, "\(line)")
        }
    }

    @Test(arguments: ["-5", "0"])
    func aFileSizeLimitBelowOneIsRefused(limit: String) async throws {
        let result = try await Tool.run("import", Legacy.sample.path, "--db", database, "--max-file-bytes=\(limit)")
        #expect(result.status != 0)
        #expect(result.standardError.contains("--max-file-bytes must be at least 1"))
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test func listingsAreAlignedColumnsAndLongTextIsCutWithAnEllipsis() async throws {
        let repository = try await SessionRepository(path: database)
        let long = try await repository.createSession(workspaceId: "w", title: String(repeating: "t", count: 300))
        _ = try await repository.createSession(workspaceId: "w", title: "short")
        _ = try await repository.addMessage(
            workspaceId: "w", sessionId: long.id, message: NewMessage(role: .assistant, content: String(repeating: "c", count: 300)))
        _ = try await repository.addMessage(workspaceId: "w", sessionId: long.id, message: NewMessage(role: .user, content: "hi"))
        await repository.close()

        for arguments in [["list"], ["list", "--workspace", "w"], ["list", "--workspace", "w", "--session", long.id]] {
            let lines = try await Tool.succeed(arguments + ["--db", database]).standardOutput.split(separator: "\n").map(String.init)
            #expect(lines.count >= 2)
            // No cell runs into the next column: the byte before each column's start is a space on every line.
            let header = Array(lines[0])
            let starts = header.indices.filter { $0 >= 2 && header[$0 - 2] == " " && header[$0 - 1] == " " && header[$0] != " " }
            #expect(!starts.isEmpty)
            for line in lines.dropFirst().map(Array.init) {
                for start in starts where line.count > start {
                    #expect(line[start - 1] == " ", "\(arguments): \(String(line))")
                }
                #expect(line.count <= 200, "\(String(line))")
            }
            #expect(arguments.count == 1 || lines.contains { $0.hasSuffix("…") })
        }
    }
}
