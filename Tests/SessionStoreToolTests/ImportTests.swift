import Foundation
import SessionStore
import Testing
import TestSupport

@Suite struct ImportTests {
    let directory: TemporaryDirectory
    let database: String

    init() throws {
        directory = try TemporaryDirectory()
        database = directory.file("sessions.sqlite")
    }

    func jsonValue(_ data: Data) throws -> NSObject {
        try JSONSerialization.jsonObject(with: data) as! NSObject
    }

    @Test func theSampleImportsWholeAndExportsBackToTheSameJSON() async throws {
        let before = try Legacy.fingerprint(Legacy.sample)
        let (result, report) = try await Tool.json(ImportReport.self, "import", Legacy.sample.path, "--db", database)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(report.workspaces.map(\.sessionsImported).reduce(0, +) == 10)
        #expect(report.workspaces.map(\.messagesImported).reduce(0, +) == 25)
        // The only repair the sample needs: ids of messages a revert in a fork deleted.
        #expect(Set(report.allAnomalies.map(\.kind)) == [.danglingMessageId])
        #expect(try Legacy.fingerprint(Legacy.sample) == before)

        let exported = directory.file("exported")
        try await Tool.succeed("export", exported, "--db", database)
        for (relative, original) in before {
            var expected = try JSONSerialization.jsonObject(with: original) as! [String: Any]
            let messages = expected["messages"] as! [String: Any]
            var sessions = expected["sessions"] as! [String: [String: Any]]
            for (id, var session) in sessions {
                session["messageIds"] = (session["messageIds"] as! [String]).filter { messages[$0] != nil }
                sessions[id] = session
            }
            expected["sessions"] = sessions
            let written = try Data(contentsOf: URL(fileURLWithPath: exported).appendingPathComponent(relative))
            #expect(try jsonValue(written) == expected as NSDictionary, "\(relative)")
        }
    }

    @Test func rerunningAnImportChangesNothing() async throws {
        try await Tool.succeed("import", Legacy.sample.path, "--db", database)
        let first = try snapshot(database)
        let (result, report) = try await Tool.json(ImportReport.self, "import", Legacy.sample.path, "--db", database)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(report.workspaces.map(\.sessionsImported).reduce(0, +) == 0)
        #expect(report.workspaces.map(\.sessionsAlreadyPresent).reduce(0, +) == 10)
        #expect(try snapshot(database) == first)
    }

    @Test func aDryRunReportsWithoutWriting() async throws {
        let (result, report) = try await Tool.json(ImportReport.self, "import", Legacy.sample.path, "--db", database, "--dry-run")
        #expect(result.status == 0, "\(result.standardError)")
        #expect(report.dryRun)
        #expect(report.workspaces.map(\.sessionsImported).reduce(0, +) == 10)
        #expect(!FileManager.default.fileExists(atPath: database))

        try await Tool.succeed("import", Legacy.sample.path, "--db", database)
        let imported = try snapshot(database)
        let (_, again) = try await Tool.json(ImportReport.self, "import", Legacy.damaged.path, "--db", database, "--dry-run")
        #expect(again.workspaces.contains { $0.workspaceId == "ws-oddities" && $0.sessionsImported > 0 })
        #expect(try snapshot(database) == imported)
    }

    @Test func theDamagedDirectoryImportsWhatItCanAndReportsEveryAnomaly() async throws {
        let before = try Legacy.fingerprint(Legacy.damaged)
        let (result, report) = try await Tool.json(ImportReport.self, "import", Legacy.damaged.path, "--db", database)
        #expect(result.status != 0)
        #expect(result.standardError.hasPrefix("session-store: import incomplete"))
        #expect(result.standardError.split(separator: "\n").count == 1)
        #expect(try Legacy.fingerprint(Legacy.damaged) == before)

        func anomaly(_ kind: ImportAnomaly.Kind, file suffix: String) -> ImportAnomaly? {
            report.allAnomalies.first { $0.kind == kind && $0.file.hasSuffix(suffix) }
        }
        #expect(anomaly(.ignoredEntry, file: "README.txt") != nil)
        #expect(anomaly(.ignoredEntry, file: "ws-no-file") != nil)
        #expect(anomaly(.unreadableFile, file: "ws-empty/sessions.json")?.detail.contains("empty (0 bytes)") == true)
        #expect(anomaly(.unreadableFile, file: "ws-nul/sessions.json")?.detail.contains("NUL byte at offset 0") == true)
        #expect(anomaly(.unreadableFile, file: "ws-truncated/sessions.json")?.detail.contains("line 87") == true)

        // The healthy workspace arrived whole; the copied folder's sessions were not imported twice.
        let healthy = report.workspaces.first { $0.workspaceId == "ws-7-0" }
        #expect(healthy?.sessionsImported == 5 && healthy?.messagesImported == 13)
        let copy = report.workspaces.first { $0.workspaceId == "ws-7-0-copy" }
        #expect(copy?.sessionsSkipped == 5)
        #expect(copy?.anomalies.filter { $0.kind == .sessionInOtherWorkspace }.count == 5)
        #expect(try count("SELECT count(*) FROM sessions WHERE workspace_id = 'ws-7-0'", in: database) == 5)
        #expect(try count("SELECT count(*) FROM sessions WHERE workspace_id IN ('ws-7-0-copy', 'ws-truncated', 'ws-empty', 'ws-nul')", in: database) == 0)
        try await Tool.succeed("check", "--db", database)
    }

    @Test func oddities() async throws {
        let legacy = try Legacy.directory(Legacy.damaged, ["ws-oddities"], in: directory)
        let (result, report) = try await Tool.json(ImportReport.self, "import", legacy, "--db", database)
        let kinds = report.allAnomalies.map(\.kind)
        #expect(kinds.contains(.orphanMessage))
        #expect(kinds.contains(.missingParent))
        #expect(result.status != 0, "an orphan left out is data left out")
        let cleared = report.allAnomalies.first { $0.kind == .missingParent }!
        #expect(try count("SELECT count(*) FROM sessions WHERE id = '\(cleared.id!)' AND parent_id IS NULL", in: database) == 1)
        #expect(try count("SELECT count(*) FROM messages WHERE id = '01M8862N5Z0RPHAN0000000000'", in: database) == 0)
        try await Tool.succeed("check", "--db", database)

        let (recovered, recoveredReport) = try await Tool.json(ImportReport.self, "import", legacy, "--db", database, "--recover-orphans")
        #expect(recovered.status == 0, "\(recovered.standardOutput)")
        #expect(recoveredReport.workspaces[0].messagesRecovered == 1)
        #expect(try count(
            """
            SELECT count(*) FROM sessions s JOIN session_messages l ON l.session_id = s.id
            WHERE s.title = 'Recovered messages' AND l.message_id = '01M8862N5Z0RPHAN0000000000'
            """, in: database) == 1)
        // A third run finds everything in place.
        let (_, third) = try await Tool.json(ImportReport.self, "import", legacy, "--db", database, "--recover-orphans")
        #expect(third.workspaces[0].sessionsImported == 0)
    }

    @Test func symbolicLinksAndOversizedFilesAreSkippedAndReported() async throws {
        let legacy = try Legacy.directory(Legacy.sample, ["ws-7-0"], in: directory)
        let outside = try Legacy.directory(Legacy.sample, ["01JDQ000700000000000000001"], in: directory)
        try FileManager.default.createSymbolicLink(
            atPath: legacy + "/linked-workspace", withDestinationPath: outside + "/01JDQ000700000000000000001")
        try FileManager.default.createDirectory(atPath: legacy + "/linked-file", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(
            atPath: legacy + "/linked-file/sessions.json", withDestinationPath: outside + "/01JDQ000700000000000000001/sessions.json")

        let (result, report) = try await Tool.json(ImportReport.self, "import", legacy, "--db", database)
        #expect(result.status != 0)
        #expect(report.anomalies.contains { $0.file.hasSuffix("linked-workspace") && $0.detail.contains("symbolic link") })
        #expect(report.anomalies.contains { $0.file.hasSuffix("linked-file/sessions.json") && $0.detail.contains("symbolic link") })
        #expect(report.workspaces.map(\.workspaceId) == ["ws-7-0"])

        let (limited, limitedReport) = try await Tool.json(
            ImportReport.self, "import", legacy, "--db", directory.file("other.sqlite"), "--max-file-bytes", "100")
        #expect(limited.status != 0)
        #expect(limitedReport.anomalies.contains { $0.file.hasSuffix("ws-7-0/sessions.json") && $0.detail.contains("over the limit of 100 bytes") })
    }

    @Test func aMissingDirectoryIsAOneLineError() async throws {
        let result = try await Tool.run("import", directory.file("nowhere"), "--db", database)
        #expect(result.status != 0)
        #expect(result.standardError == "session-store: no directory at \(directory.file("nowhere"))\n")
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test func aFileGivenForTheDataDirectoryIsAOneLineError() async throws {
        let file = directory.file("sessions.json")
        try Data("{}".utf8).write(to: URL(fileURLWithPath: file))
        let result = try await Tool.run("import", file, "--db", database)
        #expect(result.status != 0)
        #expect(result.standardError == "session-store: \(file) is not a directory\n")
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test func aWorkspaceFolderGivenForTheDataDirectoryIsReportedAsDataLeftOut() async throws {
        let legacy = try Legacy.directory(Legacy.sample, ["ws-7-0"], in: directory)
        let result = try await Tool.run("import", legacy + "/ws-7-0", "--db", database, "--json")
        #expect(result.status == 1, "nothing imported is not a success: \(result.standardError)")
        let report = try JSONDecoder().decode(ImportReport.self, from: Data(result.standardOutput.utf8))
        let anomaly = report.anomalies.first { $0.file.hasSuffix("ws-7-0/sessions.json") }
        #expect(anomaly?.kind == .unreadableFile)
        #expect(anomaly?.detail.contains("give import the folder above it") == true, "\(String(describing: anomaly))")
        #expect(report.workspaces.isEmpty)
    }

    @Test func aSessionsFileThatIsAFIFOIsSkippedWithoutWaiting() async throws {
        let legacy = try Legacy.directory(Legacy.sample, ["ws-7-0"], in: directory)
        try FileManager.default.createDirectory(atPath: legacy + "/ws-fifo", withIntermediateDirectories: false)
        #expect(mkfifo(legacy + "/ws-fifo/sessions.json", 0o600) == 0)
        let started = ContinuousClock.now
        let result = try await runProcess(Tool.executable, ["import", legacy, "--db", database, "--json"], timeout: .seconds(30))
        #expect(ContinuousClock.now - started < .seconds(30), "import waited on the FIFO")
        #expect(result.status == 1, "\(result.standardError)")
        let report = try JSONDecoder().decode(ImportReport.self, from: Data(result.standardOutput.utf8))
        #expect(report.anomalies.contains { $0.file.hasSuffix("ws-fifo/sessions.json") && $0.detail.contains("not a regular file") })
        #expect(report.workspaces.map(\.workspaceId) == ["ws-7-0"])
    }
}

@Suite struct HandMadeLegacyTests {
    @Test func aSessionIdStoredUnderTwoKeysIsImportedOnce() async throws {
        let directory = try TemporaryDirectory()
        let workspace = directory.file("legacy/ws-dup")
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        let json = """
            {"sessions": {
               "a": {"id": "s1", "workspaceId": "ws-dup", "title": "one", "parentId": null, "createdAt": 1, "updatedAt": 1, "messageIds": ["m1"]},
               "s1": {"id": "s1", "workspaceId": "ws-dup", "title": "two", "parentId": null, "createdAt": 1, "updatedAt": 1, "messageIds": []}},
             "messages": {"m1": {"id": "m1", "sessionId": "s1", "role": "user", "content": "hi", "createdAt": 1, "updatedAt": 1}}}
            """
        try Data(json.utf8).write(to: URL(fileURLWithPath: workspace + "/sessions.json"))
        let database = directory.file("db.sqlite")
        let (result, report) = try await Tool.json(ImportReport.self, "import", directory.file("legacy"), "--db", database)
        #expect(result.status != 0, "a skipped session is data left out")
        #expect(report.workspaces.first?.sessionsImported == 1)
        #expect(report.allAnomalies.contains { $0.kind == .invalidEntry && $0.detail.contains("a second session with id s1") })
        #expect(try count("SELECT count(*) FROM session_messages WHERE session_id = 's1'", in: database) == 1)
    }
}
