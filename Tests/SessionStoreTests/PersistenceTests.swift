import Foundation
import SessionStoreSQLite
import Testing
import TestSupport

@testable import SessionStore

@Suite struct PersistenceTests {
    let workspace = "ws-1"
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    @Test func dataSurvivesClosingAndReopening() async throws {
        let path = directory.file("db.sqlite")
        let first = try await SessionRepository(path: path)
        let session = try await first.createSession(workspaceId: workspace, title: "durable")
        let message = try await first.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "kept"))
        let fork = try await first.forkSession(workspaceId: workspace, sessionId: session.id)
        await first.close()

        let second = try await SessionRepository(path: path)
        #expect(try await second.listSessions(workspaceId: workspace).map(\.id).sorted() == [session.id, fork.id].sorted())
        #expect(try await second.getSessionMessages(workspaceId: workspace, sessionId: fork.id) == [message])
        // New ids still sort after the old ones.
        let later = try await second.createSession(workspaceId: workspace)
        #expect(later.id > fork.id)
    }

    /// Whether `error` says the store's file is no longer the one it opened.
    private static func isMoved(_ error: any Error) -> Bool {
        (error as? SQLiteError)?.extendedResultCode == .readOnlyDatabaseMoved
    }

    @Test(arguments: ["replaced", "deleted"])
    func aStoreWhoseFileWasReplacedOrDeletedRefusesEveryCallInsteadOfUsingTheOldFile(what: String) async throws {
        let path = directory.file("db.sqlite")
        let repository = try await SessionRepository(path: path)
        let session = try await repository.createSession(workspaceId: workspace, title: "before")
        let backup = directory.file("backup.sqlite")
        try await repository.backup(to: backup)
        _ = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "after the backup"))
        if what == "replaced" {
            #expect(rename(backup, path) == 0)
        } else {
            #expect(unlink(path) == 0)
        }

        // From any task (a group commit), from the writer's executor (a transaction of its own), and a read.
        await #expect { _ = try await repository.addMessage(workspaceId: self.workspace, sessionId: session.id, message: Fixtures.text(.user, "lost")) }
            throws: { Self.isMoved($0) }
        await #expect {
            try await repository.database.withWriterExecutor {
                _ = try await repository.addMessage(workspaceId: self.workspace, sessionId: session.id, message: Fixtures.text(.user, "lost"))
            }
        } throws: { Self.isMoved($0) }
        await #expect { _ = try await repository.getSessionMessages(workspaceId: self.workspace, sessionId: session.id) }
            throws: { Self.isMoved($0) }
        await repository.close()
    }

    @Test(arguments: [(ConnectionOptions.SecureDelete.on, false), (.fast, true)])
    func whatADeletedMessageLeavesInTheFileFollowsSecureDelete(mode: ConnectionOptions.SecureDelete, leavesBytes: Bool) async throws {
        let path = directory.file("db.sqlite")
        let secret = String(repeating: "secret-\(UUID().uuidString) ", count: 500)
        let repository = try await SessionRepository(path: path, configuration: Configuration(secureDelete: mode))
        let session = try await repository.createSession(workspaceId: workspace)
        _ = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, secret))
        #expect(try await repository.deleteSession(workspaceId: workspace, sessionId: session.id))
        await repository.close()

        let file = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect((file.range(of: Data(secret.prefix(100).utf8)) != nil) == leavesBytes)
    }

    @Test func theDataDirectoryConstructorUsesSessionsSqlite() async throws {
        let dataDirectory = directory.file("data/nested")
        let repository = try await SessionRepository(dataDirectory: dataDirectory)
        _ = try await repository.createSession(workspaceId: workspace)
        #expect(try Fixtures.count("sessions", in: dataDirectory + "/sessions.sqlite") == 1)
    }

    @Test func callsAfterCloseAreRefused() async throws {
        let repository = try await SessionRepository(path: directory.file("db.sqlite"))
        await repository.close()
        let error = await #expect(throws: SQLiteError.self) {
            try await repository.listSessions(workspaceId: workspace)
        }
        #expect(error?.resultCode == .misuse)
    }

    @Test func aFileThatIsNotADatabaseIsRefusedAndLeftAlone() async throws {
        let path = directory.file("sessions.json")
        let bytes = Data(#"{"sessions": {}, "messages": {}}"#.utf8)
        try bytes.write(to: URL(fileURLWithPath: path))
        let error = await #expect(throws: SQLiteError.self) {
            try await SessionRepository(path: path)
        }
        #expect(error?.resultCode == .notADatabase)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test func aCorruptDatabaseIsReportedAndLeftAlone() async throws {
        let path = directory.file("db.sqlite")
        let repository = try await SessionRepository(path: path)
        let session = try await repository.createSession(workspaceId: workspace)
        for index in 0..<50 {
            _ = try await repository.addMessage(
                workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, String(repeating: "\(index)", count: 400)))
        }
        await repository.close()
        // Checkpointed on close; now scribble over the pages after the header page.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.count > 8192)
        bytes.replaceSubrange(4096..<8192, with: Data(repeating: 0xA5, count: 4096))
        try bytes.write(to: URL(fileURLWithPath: path))

        // Page 2 holds schema_migrations, which opening reads: the damage is found at open.
        let error = await #expect(throws: SQLiteError.self) {
            try await SessionRepository(path: path)
        }
        #expect(error?.resultCode == .corrupt)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test func aCopiedExecutableAloneInAnEmptyFolderCreatesAWorkingDatabase() async throws {
        let built = Paths.products.appendingPathComponent("session-store-demo")
        try #require(FileManager.default.isExecutableFile(atPath: built.path), "build the demo first: swift build")
        let alone = URL(fileURLWithPath: directory.file("alone"))
        try FileManager.default.createDirectory(at: alone, withIntermediateDirectories: true)
        let copy = alone.appendingPathComponent("session-store-demo")
        // Copied by cp, not in this process: a test spawning a child meanwhile would inherit the copy's open file,
        // and running the copy would then fail with ETXTBSY (seen in CI: exit status 126).
        let copied = try await runProcess(URL(fileURLWithPath: "/bin/cp"), [built.path, copy.path])
        try #require(copied.status == 0, "\(copied.standardError)")

        let result = try await runProcess(copy, ["demo.sqlite"], in: alone)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Fix the login bug (fork)"))
        let database = alone.appendingPathComponent("demo.sqlite").path
        #expect(try Fixtures.count("sessions", in: database) == 2)
        #expect(try Fixtures.count("schema_migrations", in: database) == Int64(Migration.bundled.count))
    }
}
