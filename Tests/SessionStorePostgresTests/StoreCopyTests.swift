import Foundation
import PostgresTestSupport
import SessionStore
import SessionStorePostgres
import Testing
import TestSupport

/// `StoreCopy` on every table, both ways, and all-or-nothing when interrupted.
@Suite(.enabled(if: PostgresTestServer.isAvailable)) struct StoreCopyTests {
    /// A SQLite store with a row in every table: forks, a reverted tail, a stream left open with chunks, the
    /// trash, and their changes.
    static func populatedStore(_ path: String) async throws {
        let store = try await SessionRepository(path: path)
        let root = try await store.createSession(workspaceId: "ws-1", title: "Root")
        let child = try await store.createSession(workspaceId: "ws-1", title: "Child", parentId: root.id)
        var ids: [String] = []
        for index in 0..<30 {
            ids.append(try await store.addMessage(
                workspaceId: "ws-1", sessionId: index % 3 == 0 ? child.id : root.id,
                message: NewMessage(
                    role: .user, content: "message \(index) é 🚀", parts: [MessagePart(type: .text, content: "part \(index)")],
                    usage: Usage(inputTokens: index, cost: Double(index) / 3))).id)
        }
        let fork = try await store.forkSession(workspaceId: "ws-1", sessionId: root.id)
        _ = try await store.revert(workspaceId: "ws-1", sessionId: fork.id, messageId: ids[4])
        let stream = try await store.openMessageStream(workspaceId: "ws-1", sessionId: child.id)
        try stream.append("half a reply")
        try await stream.flush()
        _ = try await store.trashSession(workspaceId: "ws-2", sessionId: try await store.createSession(workspaceId: "ws-2").id)
        await store.close()
    }

    @Test func bothWaysEveryTableArrivesAsItWas() async throws {
        let directory = try TemporaryDirectory()
        let source = directory.file("source.sqlite")
        try await Self.populatedStore(source)
        let url = try await PostgresTestServer.freshDatabase()
        let copied = try await StoreCopy.copy(from: source, to: url, batchSize: 4)
        #expect(copied["messages"] == 31 && copied["message_chunks"] == 1 && (copied["reverted_links"] ?? 0) > 0)
        #expect(try await StoreCopy.compare(source, url).allSatisfy(\.matches))
        let back = directory.file("back.sqlite")
        try await StoreCopy.copy(from: url, to: back, batchSize: 5)
        #expect(try await StoreCopy.compare(source, back).allSatisfy(\.matches))

        // The copies work as stores: the PostgreSQL one numbers its next change after the copied ones.
        let postgres = try await PostgresRepository(url: url)
        let latest = try await postgres.latestChangeSequence(workspaceId: "ws-1")
        let session = try #require(try await postgres.listSessions(workspaceId: "ws-1").first)
        _ = try await postgres.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "after"))
        #expect(try await postgres.latestChangeSequence(workspaceId: "ws-1") == latest + 1)
        #expect(try await postgres.searchMessages(workspaceId: "ws-1", query: "reply").items.count == 1)
        await postgres.close()
        let sqlite = try await SessionRepository(path: back)
        #expect(try await sqlite.searchMessages(workspaceId: "ws-1", query: "message").items.count == 20)
        #expect(try await sqlite.check().isEmpty)
        await sqlite.close()
    }

    @Test func aBatchOverPostgreSQLsParameterLimitIsCopiedWhole() async throws {
        let directory = try TemporaryDirectory()
        let source = directory.file("source.sqlite")
        let store = try await SessionRepository(path: source)
        let session = try await store.createSession(workspaceId: "ws-1")
        try await store.withWriterExecutor {
            for index in 0..<4_000 {
                _ = try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "\(index)"))
            }
        }
        await store.close()
        // 4,000 messages in one batch bind more values than a statement takes (65,535).
        let url = try await PostgresTestServer.freshDatabase()
        let copied = try await StoreCopy.copy(from: source, to: url, batchSize: 10_000)
        #expect(copied["messages"] == 4_000 && copied["session_messages"] == 4_000)
        #expect(try await StoreCopy.compare(source, url).allSatisfy(\.matches))
    }

    /// SQLite keeps a NUL in text, PostgreSQL cannot: the copy stops before writing anything and names the row.
    @Test func aNULThatPostgreSQLCannotStoreIsNamedByRowAndColumnAndNothingIsCopied() async throws {
        let directory = try TemporaryDirectory()
        let source = directory.file("source.sqlite")
        let store = try await SessionRepository(path: source)
        let session = try await store.createSession(workspaceId: "ws-1")
        _ = try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .tool, content: "clean"))
        let binary = try await store.addMessage(
            workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .tool, content: "exit\u{0}code"))
        await store.close()
        let url = try await PostgresTestServer.freshDatabase()
        await #expect(
            throws: SessionStoreError.unsupportedCharacter(
                reason: "PostgreSQL cannot store a NUL character (U+0000) in text: messages row \(binary.id) has one in content")
        ) {
            try await StoreCopy.copy(from: source, to: url)
        }
        #expect(try await StoreCopy.compare(url, url).allSatisfy { $0.first.rows == 0 })
    }

    /// In JSON PostgreSQL refuses a NUL's escape, not a backslash before `u0000`, which the text only shows.
    @Test func aNULInAMessagesPartsIsNamedAndTheLettersOfItsEscapeAreNot() async throws {
        let directory = try TemporaryDirectory()
        let source = directory.file("source.sqlite")
        let store = try await SessionRepository(path: source)
        let session = try await store.createSession(workspaceId: "ws-1")
        let shown = NewMessage(role: .assistant, parts: [MessagePart(type: .text, content: #"C writes a NUL as \u0000"#)])
        _ = try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: shown)
        let url = try await PostgresTestServer.freshDatabase()
        try await StoreCopy.copy(from: source, to: url)
        #expect(try await StoreCopy.compare(source, url).allSatisfy(\.matches))

        let binary = try await store.addMessage(
            workspaceId: "ws-1", sessionId: session.id,
            message: NewMessage(role: .tool, parts: [MessagePart(type: .text, content: "exit\u{0}code")]))
        await store.close()
        let another = try await PostgresTestServer.freshDatabase()
        await #expect(
            throws: SessionStoreError.unsupportedCharacter(
                reason: "PostgreSQL cannot store a NUL character (U+0000) in text: messages row \(binary.id) has one in parts")
        ) {
            try await StoreCopy.copy(from: source, to: another)
        }
        #expect(try await StoreCopy.compare(another, another).allSatisfy { $0.first.rows == 0 })
    }

    @Test func anInterruptedCopyLeavesTheDestinationEmptyAndRunsAgain() async throws {
        let directory = try TemporaryDirectory()
        let source = directory.file("source.sqlite")
        try await Self.populatedStore(source)
        let url = try await PostgresTestServer.freshDatabase()
        let copy = Task {
            try await StoreCopy.copy(from: source, to: url, batchSize: 2) { progress in
                if progress.table == "messages" && progress.copied >= 10 {
                    withUnsafeCurrentTask { $0?.cancel() }
                }
            }
        }
        await #expect(throws: (any Error).self) { try await copy.value }
        #expect(try await StoreCopy.compare(url, url).allSatisfy { $0.first.rows == 0 })
        try await StoreCopy.copy(from: source, to: url)
        #expect(try await StoreCopy.compare(source, url).allSatisfy(\.matches))
    }
}
