import Foundation
import Testing

@testable import SessionStore

@Suite struct MessageTests {
    let workspace = "ws-1"

    static let toolCall = ToolCall(id: "call_1", function: .init(name: "read_file", arguments: #"{"path": "a.swift"}"#))

    @Test func addMessageStoresEveryFieldAndAppends() async throws {
        let repository = try await Fixtures.inMemory()
        let session = try await repository.createSession(workspaceId: workspace)
        let first = try await repository.addMessage(
            workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "na\u{EF}ve 🚀 \u{0} end"))
        let second = try await repository.addMessage(
            workspaceId: workspace, sessionId: session.id,
            message: NewMessage(
                role: .assistant, content: "",
                parts: [
                    MessagePart(type: .thinking, content: "hmm"), MessagePart(type: .toolCall, toolCall: Self.toolCall),
                ],
                toolCalls: [Self.toolCall], status: .streaming))
        let third = try await repository.addMessage(
            workspaceId: workspace, sessionId: session.id,
            message: NewMessage(
                role: .tool, content: "ok",
                parts: [MessagePart(type: .toolResult, toolResult: ToolResult(toolCallId: "call_1", content: "ok", isError: false))],
                toolCallId: "call_1"))

        #expect(ULID.isValid(first.id) && first.sessionId == session.id && first.createdAt == first.updatedAt)
        #expect(try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id) == [first, second, third])
        let stored = try await repository.getSession(workspaceId: workspace, sessionId: session.id)
        #expect(stored?.messageIds == [first.id, second.id, third.id])
        #expect(stored?.updatedAt == third.createdAt)
    }

    @Test func addMessageToAnUnknownSessionIsAnError() async throws {
        let repository = try await Fixtures.inMemory()
        await #expect(throws: SessionStoreError.sessionNotFound(workspaceId: workspace, sessionId: "missing")) {
            try await repository.addMessage(workspaceId: workspace, sessionId: "missing", message: Fixtures.text(.user, "x"))
        }
    }

    @Test func getSessionMessagesOfAnUnknownSessionIsEmpty() async throws {
        let repository = try await Fixtures.inMemory()
        #expect(try await repository.getSessionMessages(workspaceId: workspace, sessionId: "missing") == [])
    }

    @Test func updateMessageChangesTheEditableFieldsOnly() async throws {
        let repository = try await Fixtures.inMemory()
        let session = try await repository.createSession(workspaceId: workspace)
        let message = try await repository.addMessage(
            workspaceId: workspace, sessionId: session.id, message: NewMessage(role: .assistant, status: .pending))

        for delta in ["Hel", "lo"] {
            _ = try await repository.updateMessage(workspaceId: workspace, messageId: message.id) { changes in
                changes.content = (changes.content ?? "") + delta
                changes.status = .streaming
            }
        }
        let final = try await repository.updateMessage(workspaceId: workspace, messageId: message.id) { changes in
            changes.status = .completed
            changes.toolCalls = [Self.toolCall]
            changes.parts = [MessagePart(type: .text, content: "Hello")]
            changes.toolCallId = "call_0"
        }
        let stored = try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id)
        #expect(stored == [final])
        #expect(final?.content == "Hello")
        #expect(final?.status == .completed)
        #expect(final?.toolCalls == [Self.toolCall])
        #expect(final?.toolCallId == "call_0")
        #expect(final?.id == message.id && final?.sessionId == session.id && final?.role == .assistant)
        #expect(final?.createdAt == message.createdAt)
        #expect(final!.updatedAt > message.updatedAt)
    }

    @Test func updateMessageOfAnUnknownIdIsNil() async throws {
        let repository = try await Fixtures.inMemory()
        #expect(try await repository.updateMessage(workspaceId: workspace, messageId: "missing") { $0.content = "x" } == nil)
    }

    @Test func concurrentStreamingUpdatesLoseNoDelta() async throws {
        let repository = try await Fixtures.inMemory()
        let session = try await repository.createSession(workspaceId: workspace)
        let message = try await repository.addMessage(
            workspaceId: workspace, sessionId: session.id, message: NewMessage(role: .assistant, content: ""))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    _ = try await repository.updateMessage(workspaceId: workspace, messageId: message.id) {
                        $0.content! += "x"
                    }
                }
            }
            try await group.waitForAll()
        }
        let stored = try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id)
        #expect(stored.first?.content == String(repeating: "x", count: 50))
    }
}
