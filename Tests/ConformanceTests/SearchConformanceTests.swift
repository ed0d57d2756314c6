import SessionStore
import Testing

/// Search, on every backend: what matches, its snippet, its sessions and its pages. (Each backend tokenizes and
/// ranks in its own way; these use plain words, on which they agree.)
@Suite struct SearchConformanceTests {
    @Test(arguments: Backend.available)
    func messagesWithEveryWordAreFoundWithTheirSessionsAndASnippet(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let session = try await store.createSession(workspaceId: "ws-1", title: "Login trouble")
        let expired = try await store.addMessage(
            workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "login fails with an expired cookie"))
        let jar = try await store.addMessage(
            workspaceId: "ws-1", sessionId: session.id,
            message: NewMessage(role: .assistant, parts: [MessagePart(type: .text, content: "look in the cookie jar")]))
        _ = try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "unrelated"))
        let fork = try await store.forkSession(workspaceId: "ws-1", sessionId: session.id, messageId: expired.id)

        let cookie = try await store.searchMessages(workspaceId: "ws-1", query: "cookie")
        #expect(Set(cookie.items.map(\.messageId)) == [expired.id, jar.id])
        let hit = try #require(cookie.items.first { $0.messageId == expired.id })
        #expect(hit.sessionIds == [session.id, fork.id].sorted() && hit.role == .user && hit.createdAt == expired.createdAt)
        #expect(hit.snippet.contains("**cookie**"), "\(hit.snippet)")
        #expect(try await store.searchMessages(workspaceId: "ws-1", query: "cook").items.count == 2)
        #expect(try await store.searchMessages(workspaceId: "ws-1", query: "login cookie").items.map(\.messageId) == [expired.id])
        let marked = try await store.searchMessages(workspaceId: "ws-1", query: "jar", page: .first(5), marks: SnippetMarks(open: "<b>", close: "</b>"))
        #expect(marked.items.first?.snippet.contains("<b>jar</b>") == true, "\(marked.items)")
        #expect(try await store.searchMessages(workspaceId: "ws-2", query: "cookie").items.isEmpty)
        #expect(try await store.trashSession(workspaceId: "ws-1", sessionId: session.id))
        #expect(try await store.searchMessages(workspaceId: "ws-1", query: "cookie").items.map(\.messageId) == [expired.id])
        #expect(try await store.searchMessages(workspaceId: "ws-1", query: "jar").items.isEmpty)
        for query in ["", "  ", "-- !!"] {
            await #expect(throws: SessionStoreError.invalidSearchQuery(reason: "it has no words to search for")) {
                try await store.searchMessages(workspaceId: "ws-1", query: query)
            }
        }
        await store.close()
    }

    @Test(arguments: Backend.available)
    func sessionsAreFoundByTitleAndStreamingRepliesByWhatWasFlushed(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let parser = try await store.createSession(workspaceId: "ws-1", title: "Parser rewrite")
        _ = try await store.createSession(workspaceId: "ws-1", title: "Release notes")
        let hits = try await store.searchSessions(workspaceId: "ws-1", query: "pars")
        #expect(hits.items.map(\.sessionId) == [parser.id] && hits.items.first?.title == "**Parser** rewrite")

        let stream = try await store.openMessageStream(workspaceId: "ws-1", sessionId: parser.id)
        try stream.append("the tokenizer splits on whitespace")
        try await stream.flush()
        #expect(try await store.searchMessages(workspaceId: "ws-1", query: "tokenizer").items.map(\.messageId) == [stream.message.id])
        try await stream.finish()
        #expect(try await store.searchMessages(workspaceId: "ws-1", query: "whitespace").items.map(\.messageId) == [stream.message.id])
        await store.close()
    }

    @Test(arguments: Backend.available)
    func pagesOfHitsShowEachHitOnce(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let session = try await store.createSession(workspaceId: "ws-1")
        var ids: Set<String> = []
        for index in 0..<5 {
            ids.insert(
                try await store.addMessage(
                    workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "needle number \(index)")).id)
        }
        var seen: [String] = []
        var page = try await store.searchMessages(workspaceId: "ws-1", query: "needle", page: .first(2))
        while true {
            seen += page.items.map(\.messageId)
            guard let after = page.after else { break }
            page = try await store.searchMessages(workspaceId: "ws-1", query: "needle", page: .after(after, limit: 2))
        }
        #expect(seen.count == 5 && Set(seen) == ids)
        let last = try await store.searchMessages(workspaceId: "ws-1", query: "needle", page: .last(2))
        #expect(last.items.map(\.messageId) == Array(seen.suffix(2)) && last.after == nil)
        let cursor = try #require(page.before)
        await #expect(throws: SessionStoreError.invalidCursor(cursor)) {
            try await store.searchMessages(workspaceId: "ws-1", query: "other words", page: .after(cursor, limit: 2))
        }
        await store.close()
    }
}
