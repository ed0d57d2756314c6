import SessionStore
import Testing

/// A reply streamed into a message, on every backend.
@Suite struct StreamConformanceTests {
    @Test(arguments: Backend.available)
    func readersSeeWhatWasFlushedAndFinishMakesTheMessageWhole(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let session = try await store.createSession(workspaceId: "ws-1")
        let stream = try await store.openMessageStream(
            workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .assistant),
            options: MessageStream.Options(flushInterval: .seconds(60), flushBytes: 1 << 20))
        try stream.append("Hello, ")
        try stream.append("wor")
        try await stream.flush()
        let reading = try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id)
        #expect(reading.map(\.content) == ["Hello, wor"] && reading.first?.status == .streaming)
        try stream.append("ld")
        try await stream.flush()
        try stream.append("!")
        let finished = try await stream.finish(status: .completed, usage: Usage(outputTokens: 4))
        #expect(finished.content == "Hello, world!" && finished.status == .completed && finished.usage?.outputTokens == 4)
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id) == [finished])
        #expect(throws: SessionStoreError.streamEnded(messageId: finished.id)) { try stream.append("late") }
        #expect(try await store.getSessionUsage(workspaceId: "ws-1", sessionId: session.id)?.outputTokens == 4)
        await store.close()
    }

    @Test(arguments: Backend.available)
    func aStreamIntoAGoneMessageFailsWithMessageNotFound(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let session = try await store.createSession(workspaceId: "ws-1")
        let stream = try await store.openMessageStream(workspaceId: "ws-1", sessionId: session.id)
        #expect(try await store.deleteSession(workspaceId: "ws-1", sessionId: session.id))
        try stream.append("into nothing")
        await #expect(throws: SessionStoreError.messageNotFound(workspaceId: "ws-1", messageId: stream.message.id)) {
            try await stream.flush()
        }
        await store.close()
    }
}
