import Foundation
import Testing
import TestSupport

@testable import SessionStore

/// `addMessage` with a caller's id: a retried request is harmless, a conflicting one changes nothing.
@Suite struct IdempotentAppendTests {
    let workspace = "ws-1"
    let directory: TemporaryDirectory
    let path: String
    let repository: SessionRepository

    init() async throws {
        directory = try TemporaryDirectory()
        path = directory.file("db.sqlite")
        repository = try await SessionRepository(path: path)
    }

    static let request = NewMessage(
        id: "request-42", role: .assistant, content: "answer",
        parts: [MessagePart(type: .text, content: "answer")], toolCalls: [ToolCall(id: "c", function: .init(name: "ls", arguments: "{}"))],
        toolCallId: nil, status: .completed, usage: Usage(inputTokens: 10))

    @Test func theSameRequestRetriedFromEightTasksStoresOneMessage() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let results = try await withThrowingTaskGroup(of: [SessionMessage].self) { group in
            for _ in 0..<8 {
                group.addTask { [repository, workspace] in
                    var stored: [SessionMessage] = []
                    for _ in 0..<100 {
                        stored.append(try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Self.request))
                    }
                    return stored
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(results.count == 800)
        #expect(Set(results).count == 1)
        #expect(results.first?.id == "request-42")
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: session.id)?.messageIds == ["request-42"])
        #expect(try Fixtures.count("session_messages", in: path) == 1)
        #expect(try Fixtures.count("messages", in: path) == 1)
    }

    @Test func aRetryReturnsTheStoredMessageAndChangesNothing() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let first = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Self.request)
        let stamped = try #require(try await repository.getSession(workspaceId: workspace, sessionId: session.id))
        var retry = Self.request
        retry.status = .streaming
        retry.usage = nil
        #expect(try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: retry) == first)
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: session.id) == stamped)
    }

    @Test func anIdTakenByAnotherPayloadSessionOrWorkspaceIsAConflict() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let other = try await repository.createSession(workspaceId: workspace)
        let elsewhere = try await repository.createSession(workspaceId: "ws-2")
        _ = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Self.request)
        let before = try snapshot()

        var otherContent = Self.request
        otherContent.content = "a different answer"
        var otherRole = Self.request
        otherRole.role = .user
        var otherParts = Self.request
        otherParts.parts = nil
        for (sessionId, workspaceId, message) in [
            (session.id, workspace, otherContent), (session.id, workspace, otherRole), (session.id, workspace, otherParts),
            (other.id, workspace, Self.request), (elsewhere.id, "ws-2", Self.request),
        ] {
            await #expect(throws: SessionStoreError.messageIdConflict(messageId: "request-42")) {
                try await repository.addMessage(workspaceId: workspaceId, sessionId: sessionId, message: message)
            }
        }
        #expect(try snapshot() == before)
        await #expect(throws: SessionStoreError.invalidIdentifier(field: "message id", reason: "it is empty")) {
            var empty = Self.request
            empty.id = ""
            return try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: empty)
        }
    }

    func snapshot() throws -> [String] {
        let connection = try Connection(location: .file(path), options: ConnectionOptions(access: .readOnly))
        return try ["sessions", "messages", "session_messages"].flatMap { table in
            try connection.prepare("SELECT * FROM \(table) ORDER BY 1, 2").map { row in
                (0..<row.count).map { "\(row.value($0))" }.joined(separator: "|")
            }
        }
    }
}
