import Foundation
import PostgresNIO
import SessionStore
import SessionStorePostgres
import Testing

/// Sessions and messages on PostgreSQL mean what they mean on SQLite.
@Suite(.enabled(if: PostgresTestServer.isAvailable)) struct PostgresRepositoryTests {
    static func repository() async throws -> PostgresRepository {
        try await PostgresRepository(url: try await PostgresTestServer.freshDatabase())
    }

    @Test func aSessionAndItsMessagesReadBackAsWritten() async throws {
        let store = try await Self.repository()
        let session = try await store.createSession(
            workspaceId: "ws-1", title: "Fix login", model: ModelSelection(providerId: "anthropic", modelId: "claude"), agent: "build")
        let parts = [
            MessagePart(type: .text, content: "Line one\nline two"),
            MessagePart(type: .toolCall, toolCall: ToolCall(id: "c1", function: .init(name: "bash", arguments: #"{"cmd":"ls"}"#))),
            MessagePart(type: .toolResult, toolResult: ToolResult(toolCallId: "c1", content: "ok", isError: false)),
        ]
        let first = try await store.addMessage(
            workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "Why does login fail? é 🚀"))
        let second = try await store.addMessage(
            workspaceId: "ws-1", sessionId: session.id,
            message: NewMessage(
                role: .assistant, content: nil, parts: parts, toolCalls: [ToolCall(id: "c1", function: .init(name: "bash", arguments: "{}"))],
                status: .completed, usage: Usage(inputTokens: 10, outputTokens: 20, cost: 0.125)))
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id) == [first, second])
        let read = try #require(try await store.getSession(workspaceId: "ws-1", sessionId: session.id))
        #expect(read.messageIds == [first.id, second.id])
        #expect(read.title == "Fix login" && read.model == session.model && read.agent == "build")
        #expect(read.updatedAt >= session.updatedAt)
        #expect(try await store.listSessions(workspaceId: "ws-1").map(\.id) == [session.id])
        #expect(try await store.listSessions(workspaceId: "ws-2").isEmpty)
        #expect(try await store.getSession(workspaceId: "ws-2", sessionId: session.id) == nil)
        await store.close()
    }

    @Test func badCallsGetTheErrorsSQLiteGivesAndChangeNothing() async throws {
        let store = try await Self.repository()
        let session = try await store.createSession(workspaceId: "ws-1")
        await #expect(throws: SessionStoreError.sessionNotFound(workspaceId: "ws-1", sessionId: "missing")) {
            try await store.addMessage(workspaceId: "ws-1", sessionId: "missing", message: NewMessage(role: .user))
        }
        await #expect(throws: SessionStoreError.sessionNotFound(workspaceId: "ws-2", sessionId: session.id)) {
            try await store.addMessage(workspaceId: "ws-2", sessionId: session.id, message: NewMessage(role: .user))
        }
        await #expect(throws: SessionStoreError.parentNotFound(workspaceId: "ws-1", parentId: "missing")) {
            try await store.createSession(workspaceId: "ws-1", parentId: "missing")
        }
        await #expect(throws: SessionStoreError.self) {
            try await store.createSession(workspaceId: String(repeating: "w", count: 129))
        }
        #expect(try await store.listSessions(workspaceId: "ws-1").map(\.id) == [session.id])
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id).isEmpty)
        await store.close()
    }

    @Test func aRetriedAppendIsStoredOnceAndAnotherPayloadUnderItsIdIsAConflict() async throws {
        let store = try await Self.repository()
        let session = try await store.createSession(workspaceId: "ws-1")
        let message = NewMessage(id: "request-1", role: .user, content: "once")
        let stored = try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: message)
        #expect(try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: message) == stored)
        await #expect(throws: SessionStoreError.messageIdConflict(messageId: "request-1")) {
            try await store.addMessage(
                workspaceId: "ws-1", sessionId: session.id, message: NewMessage(id: "request-1", role: .user, content: "twice"))
        }
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id) == [stored])
        await store.close()
    }

    @Test func appendsFromSeveralClientsAtOnceTakeEveryPositionOnce() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let setup = try await PostgresRepository(url: url)
        let session = try await setup.createSession(workspaceId: "ws-1")
        // Four pools, as four server processes would have, each appending 50 messages 8 at a time.
        let added = try await withThrowingTaskGroup(of: [String].self) { group in
            for client in 0..<4 {
                group.addTask {
                    let store = try await PostgresRepository(url: url)
                    let ids = try await withThrowingTaskGroup(of: String.self) { appends in
                        for index in 0..<50 {
                            appends.addTask {
                                try await store.addMessage(
                                    workspaceId: "ws-1", sessionId: session.id,
                                    message: NewMessage(role: .user, content: "client \(client), message \(index)")).id
                            }
                        }
                        return try await appends.reduce(into: []) { $0.append($1) }
                    }
                    await store.close()
                    return ids
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let shown = try #require(try await setup.getSession(workspaceId: "ws-1", sessionId: session.id)).messageIds
        #expect(shown.count == 200)
        #expect(Set(shown) == Set(added))
        try await PostgresTestServer.withClient(url) { client in
            var positions: [Int] = []
            for try await position in try await client.query(
                "SELECT position FROM session_messages WHERE session_id = \(session.id) ORDER BY position"
            ).decode(Int.self) { positions.append(position) }
            #expect(positions == Array(1...200))
            var sequences: [Int64] = []
            for try await sequence in try await client.query(
                "SELECT sequence FROM changes WHERE workspace_id = 'ws-1' ORDER BY sequence"
            ).decode(Int64.self) { sequences.append(sequence) }
            #expect(sequences == Array(1...201))
        }
        await setup.close()
    }

    @Test func aURLThatIsNotPostgreSQLsOrAServerThatDoesNotAnswerIsATypedError() async throws {
        for url in [
            "http://127.0.0.1/db", "postgres://127.0.0.1/db", "postgres://user@127.0.0.1", "postgres://u@h/db?sslmode=maybe",
            "postgres://u@h/db?connect_timeout=soon",
        ] {
            await #expect(throws: PostgresStoreError.self, "\(url)") { try await PostgresRepository(url: url) }
        }
        // Port 1 on loopback: nothing listens there.
        let started = ContinuousClock.now
        await #expect {
            try await PostgresRepository(url: "postgres://postgres@127.0.0.1:1/postgres?connect_timeout=1")
        } throws: { error in
            if case PostgresStoreError.connectionLost = error { return true }
            return false
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
