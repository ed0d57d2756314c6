import Foundation
import Testing
import TestSupport

@testable import SessionStore

/// A store on read-only media: a read-only repository reads it whole and never writes.
@Suite struct ReadOnlyStoreTests {
    /// Runs `chattr` on `path`; false where the file system has no immutable flag.
    func chattr(_ flag: String, _ path: String) async throws -> Bool {
        try await runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["chattr", flag, path]).status == 0
    }

    @Test func aReadOnlyRepositoryReadsAFolderNobodyCanWrite() async throws {
        let directory = try TemporaryDirectory()
        let folder = directory.file("media")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let path = folder + "/sessions.sqlite"
        let writer = try await SessionRepository(path: path)
        let session = try await writer.createSession(workspaceId: "w", title: "kept")
        _ = try await writer.addMessage(workspaceId: "w", sessionId: session.id, message: NewMessage(role: .user, content: "hi"))
        await writer.close()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["sessions.sqlite"])
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        // As root, only the immutable flag keeps SQLite from creating the -shm file (ext4, the CI machine's).
        try #require(try await chattr("+i", folder), "chattr +i is needed (e2fsprogs, an ext4 file system)")
        defer { _ = try? runChattrBlocking("-i", folder) }
        await #expect(throws: SQLiteError.self) { try await SessionRepository(path: path) }

        let reader = try await SessionRepository(path: path, configuration: Configuration(access: .readOnly))
        #expect(try await reader.listSessions(workspaceId: "w").map(\.title) == ["kept"])
        #expect(try await reader.getSessionMessages(workspaceId: "w", sessionId: session.id).map(\.content) == ["hi"])
        #expect(try await reader.check().isEmpty)
        #expect(try await reader.statistics().messages == 1)
        await #expect(throws: SQLiteError.self) { try await reader.createSession(workspaceId: "w") }
        await reader.close()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["sessions.sqlite"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
}

/// `chattr` from a `defer`, where no `await` is allowed.
private func runChattrBlocking(_ flag: String, _ path: String) throws -> Int32 {
    try ChildProcess(URL(fileURLWithPath: "/usr/bin/env"), ["chattr", flag, path], standardOutput: .discard, standardError: .discard)
        .wait()
}
