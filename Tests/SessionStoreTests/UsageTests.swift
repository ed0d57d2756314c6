import Testing

@testable import SessionStore

/// Usage summed over what a session shows now.
@Suite struct UsageTests {
    let workspace = "ws-1"

    @Test func sumsFollowAddsUpdatesRevertsUnrevertsAndForks() async throws {
        let repository = try await Fixtures.inMemory()
        let session = try await repository.createSession(workspaceId: workspace)
        #expect(try await repository.getSessionUsage(workspaceId: workspace, sessionId: session.id) == Usage())
        func add(_ usage: Usage?) async throws -> SessionMessage {
            try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: NewMessage(role: .assistant, usage: usage))
        }
        func total(_ id: String) async throws -> Usage? {
            try await repository.getSessionUsage(workspaceId: workspace, sessionId: id)
        }
        let first = try await add(Usage(inputTokens: 100, outputTokens: 10, reasoningTokens: 5, cacheReadTokens: 50, cacheWriteTokens: 20, cost: 0.5))
        _ = try await add(nil)
        let third = try await add(Usage(inputTokens: 200, outputTokens: 20, cost: 0.25))
        #expect(try await total(session.id) == Usage(
            inputTokens: 300, outputTokens: 30, reasoningTokens: 5, cacheReadTokens: 50, cacheWriteTokens: 20, cost: 0.75))
        #expect(try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id).map(\.usage)
            == [first.usage, nil, third.usage])

        _ = try await repository.updateMessage(workspaceId: workspace, messageId: third.id) { $0.usage?.outputTokens = 25 }
        #expect(try await total(session.id)?.outputTokens == 35)

        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: session.id, messageId: first.id)
        #expect(try await total(fork.id)?.inputTokens == 100, "a fork counts what it shows")
        _ = try await repository.revert(workspaceId: workspace, sessionId: session.id, messageId: first.id)
        #expect(try await total(session.id)?.inputTokens == 100, "a reverted tail does not count")
        _ = try await repository.unrevert(workspaceId: workspace, sessionId: session.id)
        #expect(try await total(session.id)?.inputTokens == 300)
        #expect(try await total(fork.id)?.inputTokens == 100, "shared history counts in every branch")
    }
}
