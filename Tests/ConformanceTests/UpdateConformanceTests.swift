import SessionStore
import Testing

/// Updates, deletes, counts and usage, on every backend.
@Suite struct UpdateConformanceTests {
    @Test(arguments: Backend.available)
    func anUpdateChangesWhatItSetsAndStampsTheSession(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let parent = try await store.createSession(workspaceId: "ws-1")
        let session = try await store.createSession(workspaceId: "ws-1", title: "draft")
        let updated = try #require(
            try await store.updateSession(workspaceId: "ws-1", sessionId: session.id) {
                $0.title = "Parser rewrite"
                $0.parentId = parent.id
                $0.model = ModelSelection(providerId: "openai", modelId: "gpt")
                $0.revert = RevertMarker(messageID: "m1", reason: "wrong path")
            })
        #expect(updated.title == "Parser rewrite" && updated.parentId == parent.id && updated.model?.modelId == "gpt")
        #expect(updated.revert == RevertMarker(messageID: "m1", reason: "wrong path"))
        #expect(updated.updatedAt >= session.updatedAt)
        #expect(try await store.getSession(workspaceId: "ws-1", sessionId: session.id) == updated)
        #expect(try await store.updateSession(workspaceId: "ws-1", sessionId: "missing") { $0.title = "x" } == nil)
        #expect(try await store.updateSession(workspaceId: "ws-2", sessionId: session.id) { $0.title = "x" } == nil)
        await #expect(throws: SessionStoreError.parentCycle(sessionId: session.id, parentId: session.id)) {
            try await store.updateSession(workspaceId: "ws-1", sessionId: session.id) { $0.parentId = session.id }
        }
        #expect(try await store.getSession(workspaceId: "ws-1", sessionId: session.id) == updated)
        await store.close()
    }

    @Test(arguments: Backend.available)
    func aDeletedSessionIsGoneAndItsChildrenBecomeRoots(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let parent = try await store.createSession(workspaceId: "ws-1")
        let child = try await store.createSession(workspaceId: "ws-1", parentId: parent.id)
        _ = try await store.addMessage(workspaceId: "ws-1", sessionId: parent.id, message: NewMessage(role: .user, content: "x"))
        #expect(try await store.getActiveSessionCount(workspaceId: "ws-1") == 2)
        #expect(try await store.deleteSession(workspaceId: "ws-2", sessionId: parent.id) == false)
        #expect(try await store.deleteSession(workspaceId: "ws-1", sessionId: parent.id))
        #expect(try await store.deleteSession(workspaceId: "ws-1", sessionId: parent.id) == false)
        #expect(try await store.getSession(workspaceId: "ws-1", sessionId: parent.id) == nil)
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: parent.id).isEmpty)
        #expect(try await store.getSession(workspaceId: "ws-1", sessionId: child.id)?.parentId == nil)
        #expect(try await store.getActiveSessionCount(workspaceId: "ws-1") == 1)
        #expect(try await store.getActiveSessionCount(workspaceId: "ws-2") == 0)
        await store.close()
    }

    @Test(arguments: Backend.available)
    func concurrentUpdatesOfOneMessageLoseNoDelta(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let session = try await store.createSession(workspaceId: "ws-1")
        let message = try await store.addMessage(
            workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .assistant, content: "", status: .streaming))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    _ = try await store.updateMessage(workspaceId: "ws-1", messageId: message.id) { $0.content = ($0.content ?? "") + "x" }
                }
            }
            try await group.waitForAll()
        }
        let done = try #require(
            try await store.updateMessage(workspaceId: "ws-1", messageId: message.id) {
                $0.status = .completed
                $0.usage = Usage(inputTokens: 3, outputTokens: 4, cost: 0.5)
            })
        #expect(done.content == String(repeating: "x", count: 20) && done.status == .completed)
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id) == [done])
        #expect(try await store.updateMessage(workspaceId: "ws-2", messageId: message.id) { $0.content = "stolen" } == nil)
        #expect(try await store.updateMessage(workspaceId: "ws-1", messageId: "missing") { $0.content = "x" } == nil)
        await #expect(throws: SessionStoreError.valueTooLarge(field: "message", byteCount: 16 << 20 + 1, limit: 16 << 20)) {
            try await store.updateMessage(workspaceId: "ws-1", messageId: message.id) {
                $0.content = String(repeating: "y", count: 16 << 20 + 1)
            }
        }
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id) == [done])
        await store.close()
    }

    @Test(arguments: Backend.available)
    func usageIsSummedOverTheMessagesShown(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let session = try await store.createSession(workspaceId: "ws-1")
        #expect(try await store.getSessionUsage(workspaceId: "ws-1", sessionId: session.id) == Usage())
        for (input, cost) in [(10, 0.25), (5, 0.5)] {
            _ = try await store.addMessage(
                workspaceId: "ws-1", sessionId: session.id,
                message: NewMessage(role: .assistant, content: "a", usage: Usage(inputTokens: input, outputTokens: 1, cacheReadTokens: 2, cost: cost)))
        }
        _ = try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "no usage"))
        #expect(
            try await store.getSessionUsage(workspaceId: "ws-1", sessionId: session.id)
                == Usage(inputTokens: 15, outputTokens: 2, cacheReadTokens: 4, cost: 0.75))
        #expect(try await store.getSessionUsage(workspaceId: "ws-1", sessionId: "missing") == nil)
        #expect(try await store.getSessionUsage(workspaceId: "ws-2", sessionId: session.id) == nil)
        await store.close()
    }

    @Test(arguments: Backend.available)
    func usageOutOfRangeIsRefusedAndTheLargestSumsExactly(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let session = try await store.createSession(workspaceId: "ws-1")
        let largest = Usage(
            inputTokens: Usage.maximumTokens, outputTokens: Usage.maximumTokens, reasoningTokens: Usage.maximumTokens,
            cacheReadTokens: Usage.maximumTokens, cacheWriteTokens: Usage.maximumTokens, cost: Usage.maximumCost)
        let kept = try await store.addMessage(
            workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .assistant, content: "a", usage: largest))
        let streamed = try await store.openMessageStream(
            workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .assistant))
        let refused: [(Usage, String)] = [
            (Usage(inputTokens: -1), "inputTokens is -1, not 0 to \(Usage.maximumTokens)"),
            (Usage(cacheWriteTokens: Usage.maximumTokens + 1), "cacheWriteTokens is \(Usage.maximumTokens + 1), not 0 to \(Usage.maximumTokens)"),
            (Usage(outputTokens: .max), "outputTokens is \(Int.max), not 0 to \(Usage.maximumTokens)"),
            (Usage(cost: .infinity), "cost is inf, not a finite number from -1000000000000000 to 1000000000000000"),
            (Usage(cost: .nan), "cost is nan, not a finite number from -1000000000000000 to 1000000000000000"),
            (Usage(cost: -2 * Usage.maximumCost), "cost is -2000000000000000.0, not a finite number from -1000000000000000 to 1000000000000000"),
        ]
        for (usage, reason) in refused {
            await #expect(throws: SessionStoreError.invalidUsage(reason: reason)) {
                try await store.addMessage(
                    workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .assistant, content: "b", usage: usage))
            }
            await #expect(throws: SessionStoreError.invalidUsage(reason: reason)) {
                try await store.updateMessage(workspaceId: "ws-1", messageId: kept.id) { $0.usage = usage }
            }
            await #expect(throws: SessionStoreError.invalidUsage(reason: reason)) {
                try await streamed.finish(status: .completed, usage: usage)
            }
        }
        let finished = try await streamed.finish(status: .completed, usage: largest)
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id) == [kept, finished])
        let twice = 2 * Usage.maximumTokens
        #expect(
            try await store.getSessionUsage(workspaceId: "ws-1", sessionId: session.id)
                == Usage(
                    inputTokens: twice, outputTokens: twice, reasoningTokens: twice, cacheReadTokens: twice,
                    cacheWriteTokens: twice, cost: 2 * Usage.maximumCost))
        await store.close()
    }
}
