import Testing

@testable import SessionStore

/// Expects every method of the manager API to treat `sessionId` (and `messageId`, which only it shows) as
/// unknown in `workspaceId`: what another workspace's ids and trashed sessions must look like.
func expectUnknown(
    _ repository: SessionRepository, workspaceId: String, sessionId: String, messageId: String, liveSessionId: String,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let notFound = SessionStoreError.sessionNotFound(workspaceId: workspaceId, sessionId: sessionId)
    #expect(try await repository.getSession(workspaceId: workspaceId, sessionId: sessionId) == nil, sourceLocation: sourceLocation)
    #expect(!(try await repository.listSessions(workspaceId: workspaceId).map(\.id).contains(sessionId)), sourceLocation: sourceLocation)
    #expect(try await repository.getSessionMessages(workspaceId: workspaceId, sessionId: sessionId) == [], sourceLocation: sourceLocation)
    #expect(try await repository.getSessionTree(workspaceId: workspaceId, sessionId: sessionId) == nil, sourceLocation: sourceLocation)
    #expect(try await repository.getSessionUsage(workspaceId: workspaceId, sessionId: sessionId) == nil, sourceLocation: sourceLocation)
    #expect(try await repository.updateSession(workspaceId: workspaceId, sessionId: sessionId) { $0.title = "x" } == nil,
        sourceLocation: sourceLocation)
    #expect(try await repository.updateMessage(workspaceId: workspaceId, messageId: messageId) { $0.content = "x" } == nil,
        sourceLocation: sourceLocation)
    #expect(try await repository.deleteSession(workspaceId: workspaceId, sessionId: sessionId) == false, sourceLocation: sourceLocation)
    #expect(try await repository.trashSession(workspaceId: workspaceId, sessionId: sessionId) == false, sourceLocation: sourceLocation)
    await #expect(throws: notFound, sourceLocation: sourceLocation) {
        try await repository.forkSession(workspaceId: workspaceId, sessionId: sessionId)
    }
    await #expect(throws: notFound, sourceLocation: sourceLocation) {
        try await repository.forkSession(workspaceId: workspaceId, sessionId: sessionId, messageId: messageId)
    }
    await #expect(throws: notFound, sourceLocation: sourceLocation) {
        try await repository.revert(workspaceId: workspaceId, sessionId: sessionId)
    }
    await #expect(throws: notFound, sourceLocation: sourceLocation) {
        try await repository.unrevert(workspaceId: workspaceId, sessionId: sessionId)
    }
    await #expect(throws: notFound, sourceLocation: sourceLocation) {
        try await repository.addMessage(workspaceId: workspaceId, sessionId: sessionId, message: Fixtures.text(.user, "x"))
    }
    await #expect(throws: SessionStoreError.parentNotFound(workspaceId: workspaceId, parentId: sessionId), sourceLocation: sourceLocation) {
        try await repository.createSession(workspaceId: workspaceId, parentId: sessionId)
    }
    await #expect(throws: SessionStoreError.parentNotFound(workspaceId: workspaceId, parentId: sessionId), sourceLocation: sourceLocation) {
        try await repository.updateSession(workspaceId: workspaceId, sessionId: liveSessionId) { $0.parentId = sessionId }
    }
    await #expect(
        throws: SessionStoreError.messageNotInSession(sessionId: liveSessionId, messageId: messageId), sourceLocation: sourceLocation
    ) {
        try await repository.revert(workspaceId: workspaceId, sessionId: liveSessionId, messageId: messageId)
    }
}
