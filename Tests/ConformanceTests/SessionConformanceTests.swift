import Foundation
import SessionStore
import Testing

/// DESIGN's semantics of sessions and messages, on every backend.
@Suite struct SessionConformanceTests {
    /// PostgreSQL's close once cut the connections of the calls in flight, which failed with `connectionLost`
    /// whether or not they had committed.
    @Test(arguments: Backend.available)
    func closingTheStoreLetsTheCallsInFlightFinishAndRefusesTheRest(backend: Backend) async throws {
        let opened = try await backend.open()
        let session = try await opened.store.createSession(workspaceId: "ws-1")
        let appends = (0..<20).map { index in
            Task { [store = opened.store] in
                try await store.addMessage(
                    workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "\(index)"))
            }
        }
        // Once one has come back, the others are on their way, some holding a connection.
        _ = await appends[0].result
        await opened.store.close()
        var stored: Set<String> = []
        for append in appends {
            switch await append.result {
            case .success(let message): stored.insert(message.id)
            case .failure(let error): #expect(backend.saysClosed(error), "\(error)")
            }
        }
        let again = try await opened.another()
        #expect(Set(try #require(try await again.getSession(workspaceId: "ws-1", sessionId: session.id)).messageIds) == stored)
        await again.close()
    }

    @Test(arguments: Backend.available)
    func aSessionAndItsMessagesReadBackAsWritten(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
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
                role: .assistant, parts: parts, toolCalls: [ToolCall(id: "c1", function: .init(name: "bash", arguments: "{}"))],
                status: .completed, usage: Usage(inputTokens: 10, outputTokens: 20, cost: 0.125)))
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id) == [first, second])
        let read = try #require(try await store.getSession(workspaceId: "ws-1", sessionId: session.id))
        #expect(read.messageIds == [first.id, second.id])
        #expect(read.title == "Fix login" && read.model == session.model && read.agent == "build" && read.parentId == nil)
        #expect(read.updatedAt >= session.updatedAt)
        let child = try await store.createSession(workspaceId: "ws-1", parentId: session.id)
        #expect(child.title == "New Session" && child.parentId == session.id)
        #expect(Set(try await store.listSessions(workspaceId: "ws-1").map(\.id)) == [session.id, child.id])
        #expect(try await store.listSessions(workspaceId: "ws-2").isEmpty)
        #expect(try await store.getSession(workspaceId: "ws-2", sessionId: session.id) == nil)
        #expect(try await store.getSessionMessages(workspaceId: "ws-2", sessionId: session.id).isEmpty)
        await store.close()
    }

    @Test(arguments: Backend.available)
    func sessionsAreListedMostRecentlyUpdatedFirst(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let older = try await store.createSession(workspaceId: "ws-1", title: "older")
        let newer = try await store.createSession(workspaceId: "ws-1", title: "newer")
        try await Task.sleep(for: .milliseconds(5))
        _ = try await store.addMessage(workspaceId: "ws-1", sessionId: older.id, message: NewMessage(role: .user, content: "bump"))
        #expect(try await store.listSessions(workspaceId: "ws-1").map(\.id) == [older.id, newer.id])
        await store.close()
    }

    @Test(arguments: Backend.available)
    func badCallsThrowTheSameErrorsAndChangeNothing(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
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
        await #expect(throws: SessionStoreError.parentNotFound(workspaceId: "ws-2", parentId: session.id)) {
            try await store.createSession(workspaceId: "ws-2", parentId: session.id)
        }
        let long = String(repeating: "w", count: 129)
        await #expect(throws: SessionStoreError.invalidIdentifier(field: "workspaceId", reason: "it is 129 bytes, over the limit of 128")) {
            try await store.createSession(workspaceId: long)
        }
        await #expect(throws: SessionStoreError.invalidIdentifier(field: "workspaceId", reason: "it is empty")) {
            try await store.listSessions(workspaceId: "")
        }
        await #expect(throws: SessionStoreError.valueTooLarge(field: "title", byteCount: 5000, limit: 4096)) {
            try await store.createSession(workspaceId: "ws-1", title: String(repeating: "t", count: 5000))
        }
        #expect(try await store.listSessions(workspaceId: "ws-1").map(\.id) == [session.id])
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id).isEmpty)
        await store.close()
    }

    /// A tool's output can hold a NUL. SQLite keeps it; PostgreSQL's text cannot, and the call says so.
    @Test(arguments: Backend.available)
    func aNulCharacterIsKeptOrRefusedWithATypedErrorNeverHalfWritten(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let session = try await store.createSession(workspaceId: "ws-1", title: "plain")
        let plain = try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "one"))
        let writes: [@Sendable () async throws -> Void] = [
            { _ = try await store.createSession(workspaceId: "ws-1", title: "a\u{0}b") },
            { _ = try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .tool, content: "c\u{0}d")) },
            {
                _ = try await store.addMessage(
                    workspaceId: "ws-1", sessionId: session.id,
                    message: NewMessage(role: .assistant, parts: [MessagePart(type: .text, content: "p\u{0}q")]))
            },
            { _ = try await store.updateMessage(workspaceId: "ws-1", messageId: plain.id) { $0.content = "one\u{0}" } },
        ]
        for write in writes {
            switch backend {
            case .sqlite:
                try await write()
            case .postgres:
                await #expect(throws: SessionStoreError.unsupportedCharacter(reason: "PostgreSQL cannot store a NUL character (U+0000) in text")) {
                    try await write()
                }
            }
        }
        let messages = try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id)
        switch backend {
        case .sqlite:
            #expect(messages.map(\.content) == ["one\u{0}", "c\u{0}d", nil])
            #expect(messages.last?.parts?.first?.content == "p\u{0}q")
            #expect(try await store.listSessions(workspaceId: "ws-1").map(\.title).contains("a\u{0}b"))
        case .postgres:
            #expect(messages == [plain])
            #expect(try await store.listSessions(workspaceId: "ws-1").map(\.id) == [session.id])
            #expect(try await store.latestChangeSequence(workspaceId: "ws-1") == 2)
        }
        await store.close()
    }

    @Test(arguments: Backend.available)
    func aRetriedAppendIsStoredOnceAndAnotherPayloadUnderItsIdIsAConflict(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let session = try await store.createSession(workspaceId: "ws-1")
        let other = try await store.createSession(workspaceId: "ws-1")
        let message = NewMessage(id: "request-1", role: .user, content: "once")
        let stored = try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: message)
        #expect(try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: message) == stored)
        await #expect(throws: SessionStoreError.messageIdConflict(messageId: "request-1")) {
            try await store.addMessage(
                workspaceId: "ws-1", sessionId: session.id, message: NewMessage(id: "request-1", role: .user, content: "twice"))
        }
        await #expect(throws: SessionStoreError.messageIdConflict(messageId: "request-1")) {
            try await store.addMessage(workspaceId: "ws-1", sessionId: other.id, message: message)
        }
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id) == [stored])
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: other.id).isEmpty)
        await store.close()
    }

    @Test(arguments: Backend.available)
    func appendsFromSeveralStoresAtOnceAreAllKeptInOneOrder(backend: Backend) async throws {
        let opened = try await backend.open()
        let session = try await opened.store.createSession(workspaceId: "ws-1")
        // Four stores on the same data, as four processes would have, each appending 25 messages 5 at a time.
        let added = try await withThrowingTaskGroup(of: [String].self) { group in
            for writer in 0..<4 {
                group.addTask {
                    let store = try await opened.another()
                    var ids: [String] = []
                    for batch in 0..<5 {
                        ids += try await withThrowingTaskGroup(of: String.self) { appends in
                            for index in 0..<5 {
                                appends.addTask {
                                    try await store.addMessage(
                                        workspaceId: "ws-1", sessionId: session.id,
                                        message: NewMessage(role: .user, content: "writer \(writer), \(batch).\(index)")).id
                                }
                            }
                            return try await appends.reduce(into: []) { $0.append($1) }
                        }
                    }
                    await store.close()
                    return ids
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let shown = try #require(try await opened.store.getSession(workspaceId: "ws-1", sessionId: session.id)).messageIds
        #expect(shown.count == 100 && Set(shown) == Set(added))
        #expect(try await opened.store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id).map(\.id) == shown)
        await opened.store.close()
    }
}
