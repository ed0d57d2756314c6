import Foundation
import SessionStore
import Testing

/// Forks, reverts that can be undone, and the trash, on every backend.
@Suite struct BranchConformanceTests {
    /// A session of `count` messages "1", "2", …
    static func session(_ store: any SessionStoring, count: Int, title: String? = "Plan") async throws -> (Session, [SessionMessage]) {
        let session = try await store.createSession(workspaceId: "ws-1", title: title)
        var messages: [SessionMessage] = []
        for index in 1...count {
            messages.append(
                try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "\(index)")))
        }
        return (session, messages)
    }

    @Test(arguments: Backend.available)
    func aForkAtAMessageShowsTheHistoryUpToItAndSharesItsBodies(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let (original, messages) = try await Self.session(store, count: 3)
        let fork = try await store.forkSession(workspaceId: "ws-1", sessionId: original.id, messageId: messages[1].id)
        #expect(fork.messageIds == [messages[0].id, messages[1].id])
        #expect(fork.forkedFrom == ForkPoint(sessionId: original.id, messageId: messages[1].id))
        #expect(fork.title == "Plan (fork)" && fork.parentId == original.id)
        #expect(try await store.getSession(workspaceId: "ws-1", sessionId: fork.id) == fork)
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: fork.id) == Array(messages[0...1]))
        let whole = try await store.forkSession(workspaceId: "ws-1", sessionId: fork.id)
        #expect(whole.messageIds == fork.messageIds && whole.parentId == original.id && whole.title == "Plan (fork) (fork)")
        await #expect(throws: SessionStoreError.messageNotInSession(sessionId: fork.id, messageId: messages[2].id)) {
            try await store.forkSession(workspaceId: "ws-1", sessionId: fork.id, messageId: messages[2].id)
        }
        await #expect(throws: SessionStoreError.sessionNotFound(workspaceId: "ws-2", sessionId: original.id)) {
            try await store.forkSession(workspaceId: "ws-2", sessionId: original.id)
        }
        await store.close()
    }

    @Test(arguments: Backend.available)
    func theTreeOfForksIsTheSameFromAnyOfItsSessions(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let (root, messages) = try await Self.session(store, count: 2)
        let first = try await store.forkSession(workspaceId: "ws-1", sessionId: root.id, messageId: messages[0].id)
        try await Task.sleep(for: .milliseconds(2))
        let second = try await store.forkSession(workspaceId: "ws-1", sessionId: root.id)
        let grandchild = try await store.forkSession(workspaceId: "ws-1", sessionId: first.id)
        let tree = try #require(try await store.getSessionTree(workspaceId: "ws-1", sessionId: grandchild.id))
        #expect(tree.id == root.id && tree.messageCount == 2 && tree.forkedFrom == nil)
        #expect(tree.children.map(\.id) == [first.id, second.id])
        #expect(tree.children.first?.children.map(\.id) == [grandchild.id])
        #expect(tree.children.first?.messageCount == 1 && tree.children.first?.forkedFrom == first.forkedFrom)
        #expect(try await store.getSessionTree(workspaceId: "ws-1", sessionId: second.id) == tree)
        #expect(try await store.getSessionTree(workspaceId: "ws-2", sessionId: root.id) == nil)
        try await store.clearWorkspace(workspaceId: "ws-1")
        #expect(try await store.getSessionTree(workspaceId: "ws-1", sessionId: root.id) == tree)
        await store.close()
    }

    @Test(arguments: Backend.available)
    func aRevertInAForkNeverTakesAMessageTheOriginalShowsAndUnrevertBringsItBack(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let (original, messages) = try await Self.session(store, count: 3)
        let fork = try await store.forkSession(workspaceId: "ws-1", sessionId: original.id)
        let reverted = try await store.revert(workspaceId: "ws-1", sessionId: fork.id, messageId: messages[0].id)
        #expect(reverted.messageIds == [messages[0].id])
        #expect(reverted.revert == RevertMarker(messageID: messages[1].id))
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: original.id) == messages)
        #expect(try await store.getSession(workspaceId: "ws-1", sessionId: fork.id) == reverted)
        let restored = try await store.unrevert(workspaceId: "ws-1", sessionId: fork.id)
        #expect(restored.messageIds == messages.map(\.id) && restored.revert == nil)
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: fork.id) == messages)
        #expect(try await store.unrevert(workspaceId: "ws-1", sessionId: fork.id).messageIds == messages.map(\.id))
        await #expect(throws: SessionStoreError.messageNotInSession(sessionId: fork.id, messageId: "missing")) {
            try await store.revert(workspaceId: "ws-1", sessionId: fork.id, messageId: "missing")
        }
        await store.close()
    }

    @Test(arguments: Backend.available)
    func revertsPileUpInOrderAndANewMessageDiscardsTheTail(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let (session, messages) = try await Self.session(store, count: 4)
        _ = try await store.revert(workspaceId: "ws-1", sessionId: session.id)
        let twice = try await store.revert(workspaceId: "ws-1", sessionId: session.id)
        #expect(twice.messageIds == messages[0...1].map(\.id) && twice.revert == RevertMarker(messageID: messages[2].id))
        #expect(try await store.unrevert(workspaceId: "ws-1", sessionId: session.id).messageIds == messages.map(\.id))
        _ = try await store.revert(workspaceId: "ws-1", sessionId: session.id, messageId: messages[1].id)
        let added = try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "new path"))
        let after = try #require(try await store.getSession(workspaceId: "ws-1", sessionId: session.id))
        #expect(after.messageIds == [messages[0].id, messages[1].id, added.id] && after.revert == nil)
        #expect(try await store.unrevert(workspaceId: "ws-1", sessionId: session.id).messageIds == after.messageIds)
        await store.close()
    }

    @Test(arguments: Backend.available)
    func aTrashedSessionIsUnknownUntilRestoredAndEmptyingTheTrashDeletesIt(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let (session, messages) = try await Self.session(store, count: 2)
        let kept = try await store.createSession(workspaceId: "ws-1", title: "kept")
        #expect(try await store.trashSession(workspaceId: "ws-1", sessionId: session.id))
        #expect(try await store.trashSession(workspaceId: "ws-1", sessionId: session.id) == false)
        #expect(try await store.getSession(workspaceId: "ws-1", sessionId: session.id) == nil)
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id).isEmpty)
        #expect(try await store.listSessions(workspaceId: "ws-1").map(\.id) == [kept.id])
        #expect(try await store.getActiveSessionCount(workspaceId: "ws-1") == 1)
        await #expect(throws: SessionStoreError.sessionNotFound(workspaceId: "ws-1", sessionId: session.id)) {
            try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user))
        }
        #expect(try await store.updateMessage(workspaceId: "ws-1", messageId: messages[0].id) { $0.content = "x" } == nil)
        let trash = try await store.listTrash(workspaceId: "ws-1")
        #expect(trash.map(\.session.id) == [session.id] && trash.first?.session.messageIds == messages.map(\.id))
        #expect(try await store.restoreSession(workspaceId: "ws-2", sessionId: session.id) == nil)
        let restored = try #require(try await store.restoreSession(workspaceId: "ws-1", sessionId: session.id))
        #expect(restored.messageIds == messages.map(\.id))
        #expect(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id) == messages)
        #expect(try await store.restoreSession(workspaceId: "ws-1", sessionId: session.id) == nil)

        #expect(try await store.trashSession(workspaceId: "ws-1", sessionId: session.id))
        #expect(try await store.emptyTrash(workspaceId: "ws-1", olderThan: Date(timeIntervalSince1970: -1e300)) == 0)
        #expect(try await store.emptyTrash(workspaceId: "ws-1", olderThan: Date(timeIntervalSince1970: 0)) == 0)
        // Past what milliseconds since 1970 can count: everything trashed is older.
        #expect(try await store.emptyTrash(workspaceId: "ws-1", olderThan: Date(timeIntervalSince1970: 1e300)) == 1)
        #expect(try await store.listTrash(workspaceId: "ws-1").isEmpty)
        #expect(try await store.restoreSession(workspaceId: "ws-1", sessionId: session.id) == nil)
        #expect(try await store.listSessions(workspaceId: "ws-1").map(\.id) == [kept.id])
        await store.close()
    }

    /// A session whose parent is in the trash keeps that parent, as the trash keeps the parent whole; an update
    /// that leaves the parent alone is no new choice of it, and once refused a rename.
    @Test(arguments: Backend.available)
    func aSessionWhoseParentIsInTheTrashCanBeUpdatedAndKeepsItsParent(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let parent = try await store.createSession(workspaceId: "ws-1", title: "Parent")
        let child = try await store.createSession(workspaceId: "ws-1", title: "Child", parentId: parent.id)
        #expect(try await store.trashSession(workspaceId: "ws-1", sessionId: parent.id))

        let renamed = try await store.updateSession(workspaceId: "ws-1", sessionId: child.id) { $0.title = "Renamed" }
        #expect(renamed?.title == "Renamed" && renamed?.parentId == parent.id)
        // Choosing a parent in the trash is choosing an unknown session.
        let other = try await store.createSession(workspaceId: "ws-1")
        await #expect(throws: SessionStoreError.parentNotFound(workspaceId: "ws-1", parentId: parent.id)) {
            try await store.updateSession(workspaceId: "ws-1", sessionId: other.id) { $0.parentId = parent.id }
        }
        #expect(try await store.restoreSession(workspaceId: "ws-1", sessionId: parent.id) != nil)
        #expect(try await store.getSession(workspaceId: "ws-1", sessionId: child.id)?.parentId == parent.id)
        await store.close()
    }
}
