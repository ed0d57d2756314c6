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

        try await expectUnknown(repository, workspaceId: mine, sessionId: foreign.id, messageId: foreignMessage.id, liveSessionId: own.id)
        #expect(try await repository.restoreSession(workspaceId: mine, sessionId: foreign.id) == nil)
        #expect(try await repository.listTrash(workspaceId: mine).isEmpty)
        #expect(try await repository.getActiveSessionCount(workspaceId: mine) == 1)

        // The other workspace saw none of it.
        let stillTheirs = try await repository.getSession(workspaceId: theirs, sessionId: foreign.id)
        #expect(stillTheirs?.title == "theirs")
        #expect(stillTheirs?.messageIds == [foreignMessage.id])
        #expect(try await repository.getSessionMessages(workspaceId: theirs, sessionId: foreign.id) == [foreignMessage])
    }
}
