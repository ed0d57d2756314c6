import SessionStore
import Testing

/// Pages and their cursors, on every backend.
@Suite struct PagingConformanceTests {
    @Test(arguments: Backend.available)
    func walkingAPagedSessionBothWaysShowsEachMessageOnceInOrder(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let (session, messages) = try await BranchConformanceTests.session(store, count: 25)
        var forward: [String] = []
        var page = try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id, page: .first(10))
        #expect(page.before == nil)
        while true {
            forward += page.items.map(\.id)
            guard let after = page.after else { break }
            page = try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id, page: .after(after, limit: 10))
        }
        #expect(forward == messages.map(\.id))
        var backward: [String] = []
        page = try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id, page: .last(10))
        #expect(page.after == nil && page.items == Array(messages[15...]))
        while true {
            backward = page.items.map(\.id) + backward
            guard let before = page.before else { break }
            page = try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id, page: .before(before, limit: 10))
        }
        #expect(backward == messages.map(\.id))
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: "missing", page: .last(10)).items.isEmpty)
        await store.close()
    }

    @Test(arguments: Backend.available)
    func aCursorOfAnotherListOrPlaceIsRefused(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let (session, messages) = try await BranchConformanceTests.session(store, count: 5)
        let first = try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id, page: .first(2))
        let cursor = try #require(first.after)
        _ = try await store.revert(workspaceId: "ws-1", sessionId: session.id, messageId: messages[0].id)
        await #expect(throws: SessionStoreError.staleCursor(cursor)) {
            try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id, page: .after(cursor, limit: 2))
        }
        let summaries = try await store.listSessionSummaries(workspaceId: "ws-1", page: .first(1))
        #expect(summaries.items.map(\.id) == [session.id])
        for wrong in ["not a cursor", "bTI6"] {
            await #expect(throws: SessionStoreError.invalidCursor(wrong)) {
                try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id, page: .after(wrong, limit: 2))
            }
        }
        for limit in [0, PageRequest.maximumLimit + 1] {
            await #expect(throws: SessionStoreError.invalidPageSize(limit)) {
                try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id, page: .first(limit))
            }
            await #expect(throws: SessionStoreError.invalidPageSize(limit)) {
                try await store.listSessionSummaries(workspaceId: "ws-1", page: .first(limit))
            }
        }
        await store.close()
    }

    @Test(arguments: Backend.available)
    func summariesArePagedNewestFirstWithTheirCounts(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        var sessions: [Session] = []
        for index in 0..<7 {
            let session = try await store.createSession(workspaceId: "ws-1", title: "s\(index)")
            for _ in 0..<index {
                _ = try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "m"))
            }
            sessions.append(try #require(try await store.getSession(workspaceId: "ws-1", sessionId: session.id)))
        }
        let expected = try await store.listSessions(workspaceId: "ws-1").map(\.id)
        var walked: [SessionSummary] = []
        var page = try await store.listSessionSummaries(workspaceId: "ws-1", page: .first(3))
        while true {
            walked += page.items
            guard let after = page.after else { break }
            page = try await store.listSessionSummaries(workspaceId: "ws-1", page: .after(after, limit: 3))
        }
        #expect(walked.map(\.id) == expected)
        #expect(walked.first { $0.id == sessions[6].id }?.messageCount == 6 && walked.first { $0.id == sessions[6].id }?.title == "s6")
        let back = try await store.listSessionSummaries(workspaceId: "ws-1", page: .before(try #require(page.before), limit: 3))
        #expect(back.items.map(\.id) == Array(expected[3..<6]))
        await store.close()
    }
}
