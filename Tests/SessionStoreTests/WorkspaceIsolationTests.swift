import Testing

@testable import SessionStore

/// Every method given an id from another workspace behaves exactly as for an unknown id.
@Suite struct WorkspaceIsolationTests {
    let mine = "ws-mine"
    let theirs = "ws-theirs"

    @Test func idsOfAnotherWorkspaceAreUnknownIds() async throws {
        let repository = try await Fixtures.inMemory()
        let foreign = try await repository.createSession(workspaceId: theirs, title: "theirs")
        let foreignMessage = try await repository.addMessage(
            workspaceId: theirs, sessionId: foreign.id, message: Fixtures.text(.user, "secret"))
        let own = try await repository.createSession(workspaceId: mine)

        #expect(try await repository.getSession(workspaceId: mine, sessionId: foreign.id) == nil)
        #expect(try await repository.listSessions(workspaceId: mine).map(\.id) == [own.id])
        #expect(try await repository.getSessionMessages(workspaceId: mine, sessionId: foreign.id) == [])
        #expect(try await repository.updateSession(workspaceId: mine, sessionId: foreign.id) { $0.title = "mine now" } == nil)
        #expect(try await repository.updateMessage(workspaceId: mine, messageId: foreignMessage.id) { $0.content = "x" } == nil)
        #expect(try await repository.deleteSession(workspaceId: mine, sessionId: foreign.id) == false)
        await #expect(throws: SessionStoreError.sessionNotFound(workspaceId: mine, sessionId: foreign.id)) {
            try await repository.forkSession(workspaceId: mine, sessionId: foreign.id)
        }
        await #expect(throws: SessionStoreError.sessionNotFound(workspaceId: mine, sessionId: foreign.id)) {
            try await repository.revert(workspaceId: mine, sessionId: foreign.id)
        }
        await #expect(throws: SessionStoreError.sessionNotFound(workspaceId: mine, sessionId: foreign.id)) {
            try await repository.addMessage(workspaceId: mine, sessionId: foreign.id, message: Fixtures.text(.user, "x"))
        }
        await #expect(throws: SessionStoreError.parentNotFound(workspaceId: mine, parentId: foreign.id)) {
            try await repository.createSession(workspaceId: mine, parentId: foreign.id)
        }
        await #expect(throws: SessionStoreError.parentNotFound(workspaceId: mine, parentId: foreign.id)) {
            try await repository.updateSession(workspaceId: mine, sessionId: own.id) { [id = foreign.id] in $0.parentId = id }
        }
        await #expect(throws: SessionStoreError.messageNotInSession(sessionId: own.id, messageId: foreignMessage.id)) {
            try await repository.revert(workspaceId: mine, sessionId: own.id, messageId: foreignMessage.id)
        }
        #expect(try await repository.getActiveSessionCount(workspaceId: mine) == 1)

        // The other workspace saw none of it.
        let stillTheirs = try await repository.getSession(workspaceId: theirs, sessionId: foreign.id)
        #expect(stillTheirs?.title == "theirs")
        #expect(stillTheirs?.messageIds == [foreignMessage.id])
        #expect(try await repository.getSessionMessages(workspaceId: theirs, sessionId: foreign.id) == [foreignMessage])
    }
}
