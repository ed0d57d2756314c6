import SessionStore
import Testing

/// The change feed, on every backend: numbered without gaps, resumable, and fed by other processes too.
@Suite struct ChangeFeedConformanceTests {
    /// The first `count` changes `stream` yields, or fewer if it ends or `timeout` passes.
    static func first(_ count: Int, of stream: AsyncThrowingStream<Change, any Error>, timeout: Duration = .seconds(120)) async throws -> [Change] {
        try await withThrowingTaskGroup(of: [Change].self) { group in
            group.addTask {
                var changes: [Change] = []
                for try await change in stream {
                    changes.append(change)
                    if changes.count == count { break }
                }
                return changes
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return []
            }
            defer { group.cancelAll() }
            return try await group.next() ?? []
        }
    }

    @Test(arguments: Backend.available)
    func aFollowerSeesEveryChangeInOrderAndResumesAfterTheLastItSaw(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        #expect(try await store.latestChangeSequence(workspaceId: "ws-1") == 0)
        let session = try await store.createSession(workspaceId: "ws-1")
        let message = try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "a"))
        _ = try await store.createSession(workspaceId: "ws-2")
        let seen = try await Self.first(2, of: store.changes(workspaceId: "ws-1"))
        #expect(seen.map(\.sequence) == [1, 2])
        #expect(seen.map(\.kind) == [.sessionCreated, .messageAdded])
        #expect(seen.last?.messageId == message.id && seen.allSatisfy { $0.sessionId == session.id && $0.workspaceId == "ws-1" })
        #expect(try await store.latestChangeSequence(workspaceId: "ws-1") == 2)

        // Resumed after 1: the second change, then one committed while it waits.
        let stream = store.changes(workspaceId: "ws-1", after: 1)
        async let resumed = Self.first(2, of: stream)
        try await Task.sleep(for: .milliseconds(100))
        _ = try await store.updateSession(workspaceId: "ws-1", sessionId: session.id) { $0.title = "renamed" }
        #expect(try await resumed.map(\.sequence) == [2, 3])
        #expect(try await resumed.last?.kind == .sessionUpdated)
        await store.close()
    }

    /// A follower waiting for changes of a store that closes would wait for ever: nothing can commit through it.
    @Test(arguments: Backend.available)
    func closingTheStoreEndsItsFollowersWithTheErrorOfCallsAfterClose(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        _ = try await store.createSession(workspaceId: "ws-1")
        let stream = store.changes(workspaceId: "ws-1", after: 1)
        let follower = Task { for try await _ in stream {} }
        // The follower has read the feed and waits.
        try await Task.sleep(for: .milliseconds(100))
        await store.close()
        let deadline = Task {
            try await Task.sleep(for: .seconds(10))
            follower.cancel()
        }
        let ended = await follower.result
        deadline.cancel()
        #expect { try ended.get() } throws: { backend.saysClosed($0) }
        await #expect { _ = try await store.latestChangeSequence(workspaceId: "ws-1") } throws: { backend.saysClosed($0) }
        await #expect { for try await _ in store.changes(workspaceId: "ws-1", after: 1) {} } throws: { backend.saysClosed($0) }
    }

    @Test(arguments: Backend.available)
    func anotherProcesssChangesReachAFollower(backend: Backend) async throws {
        let opened = try await backend.open()
        let session = try await opened.store.createSession(workspaceId: "ws-1")
        let stream = opened.store.changes(workspaceId: "ws-1", after: 1)
        async let seen = Self.first(3, of: stream)
        let other = try await opened.another()
        for index in 0..<3 {
            _ = try await other.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "\(index)"))
        }
        #expect(try await seen.map(\.sequence) == [2, 3, 4])
        await other.close()
        await opened.store.close()
    }

    /// A number past the newest change comes from elsewhere (a store restored from an older copy): following on
    /// from it would skip, in silence, every change up to it.
    @Test(arguments: Backend.available)
    func aNumberTheFeedNeverHandedOutIsRefusedNotWaitedOn(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        for _ in 0..<3 { _ = try await store.createSession(workspaceId: "ws-1") }
        for sequence: Int64 in [4, 1_000, .max, -1, .min] {
            await #expect(throws: SessionStoreError.unknownChangeSequence(sequence: sequence, latest: 3)) {
                _ = try await Self.first(1, of: store.changes(workspaceId: "ws-1", after: sequence), timeout: .seconds(5))
            }
        }
        await #expect(throws: SessionStoreError.unknownChangeSequence(sequence: 1, latest: 0)) {
            _ = try await Self.first(1, of: store.changes(workspaceId: "ws-empty", after: 1), timeout: .seconds(5))
        }
        // At the newest change, the feed waits for the next one.
        let stream = store.changes(workspaceId: "ws-1", after: 3)
        async let next = Self.first(1, of: stream)
        try await Task.sleep(for: .milliseconds(100))
        _ = try await store.createSession(workspaceId: "ws-1")
        #expect(try await next.map(\.sequence) == [4])
        await store.close()
    }
}
