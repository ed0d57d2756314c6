import Foundation
import SessionStore

/// The calls a random history makes, with the manager API's names and meanings: a backend's store answers them
/// through ``LibraryHistoryStore``, the HTTP server through its routes.
public protocol HistoryStore: Sendable {
    func createSession(workspaceId: String, title: String, parentId: String?) async throws -> Session
    func addMessage(workspaceId: String, sessionId: String, content: String) async throws -> SessionMessage
    /// The session with its title and parent set, and its revert marker cleared when `clearingRevert`.
    func updateSession(workspaceId: String, sessionId: String, title: String, parentId: String?, clearingRevert: Bool) async throws -> Session?
    func forkSession(workspaceId: String, sessionId: String, messageId: String?) async throws -> Session
    func revert(workspaceId: String, sessionId: String, messageId: String?) async throws -> Session
    func unrevert(workspaceId: String, sessionId: String) async throws -> Session
    /// The message with its content replaced; nil when the store finds no such message to update.
    func updateMessage(workspaceId: String, messageId: String, content: String) async throws -> SessionMessage?
    func deleteSession(workspaceId: String, sessionId: String) async throws -> Bool
    func trashSession(workspaceId: String, sessionId: String) async throws -> Bool
    func restoreSession(workspaceId: String, sessionId: String) async throws -> Session?
    /// Deletes everything in the workspace's trash; returns how many sessions.
    func emptyTrash(workspaceId: String) async throws -> Int
    func listSessions(workspaceId: String) async throws -> [Session]
    func getActiveSessionCount(workspaceId: String) async throws -> Int
    func listTrash(workspaceId: String) async throws -> [TrashedSession]
    func getSession(workspaceId: String, sessionId: String) async throws -> Session?
    func getSessionMessages(workspaceId: String, sessionId: String) async throws -> [SessionMessage]
    func getSessionMessages(workspaceId: String, sessionId: String, page: PageRequest) async throws -> Page<SessionMessage>
    func searchMessages(workspaceId: String, query: String) async throws -> [MessageSearchHit]
}

/// A store's refusal of a call, by the code of ``SessionStoreError/code`` (which the HTTP server answers too).
public protocol HistoryRefusal: Error {
    var refusalCode: String { get }
}

extension SessionStoreError: HistoryRefusal {
    public var refusalCode: String { code }
}

/// A store of the library, called directly.
public struct LibraryHistoryStore: HistoryStore {
    public let store: any SessionStoring

    public init(_ store: any SessionStoring) {
        self.store = store
    }

    public func createSession(workspaceId: String, title: String, parentId: String?) async throws -> Session {
        try await store.createSession(workspaceId: workspaceId, title: title, parentId: parentId)
    }

    public func addMessage(workspaceId: String, sessionId: String, content: String) async throws -> SessionMessage {
        try await store.addMessage(workspaceId: workspaceId, sessionId: sessionId, message: NewMessage(role: .user, content: content))
    }

    public func updateSession(
        workspaceId: String, sessionId: String, title: String, parentId: String?, clearingRevert: Bool
    ) async throws -> Session? {
        try await store.updateSession(workspaceId: workspaceId, sessionId: sessionId) { changes in
            changes.title = title
            changes.parentId = parentId
            if clearingRevert {
                changes.revert = nil
            }
        }
    }

    public func forkSession(workspaceId: String, sessionId: String, messageId: String?) async throws -> Session {
        try await store.forkSession(workspaceId: workspaceId, sessionId: sessionId, messageId: messageId)
    }

    public func revert(workspaceId: String, sessionId: String, messageId: String?) async throws -> Session {
        try await store.revert(workspaceId: workspaceId, sessionId: sessionId, messageId: messageId)
    }

    public func unrevert(workspaceId: String, sessionId: String) async throws -> Session {
        try await store.unrevert(workspaceId: workspaceId, sessionId: sessionId)
    }

    public func updateMessage(workspaceId: String, messageId: String, content: String) async throws -> SessionMessage? {
        try await store.updateMessage(workspaceId: workspaceId, messageId: messageId) { $0.content = content }
    }

    public func deleteSession(workspaceId: String, sessionId: String) async throws -> Bool {
        try await store.deleteSession(workspaceId: workspaceId, sessionId: sessionId)
    }

    public func trashSession(workspaceId: String, sessionId: String) async throws -> Bool {
        try await store.trashSession(workspaceId: workspaceId, sessionId: sessionId)
    }

    public func restoreSession(workspaceId: String, sessionId: String) async throws -> Session? {
        try await store.restoreSession(workspaceId: workspaceId, sessionId: sessionId)
    }

    public func emptyTrash(workspaceId: String) async throws -> Int {
        try await store.emptyTrash(workspaceId: workspaceId, olderThan: .distantFuture)
    }

    public func listSessions(workspaceId: String) async throws -> [Session] {
        try await store.listSessions(workspaceId: workspaceId)
    }

    public func getActiveSessionCount(workspaceId: String) async throws -> Int {
        try await store.getActiveSessionCount(workspaceId: workspaceId)
    }

    public func listTrash(workspaceId: String) async throws -> [TrashedSession] {
        try await store.listTrash(workspaceId: workspaceId)
    }

    public func getSession(workspaceId: String, sessionId: String) async throws -> Session? {
        try await store.getSession(workspaceId: workspaceId, sessionId: sessionId)
    }

    public func getSessionMessages(workspaceId: String, sessionId: String) async throws -> [SessionMessage] {
        try await store.getSessionMessages(workspaceId: workspaceId, sessionId: sessionId)
    }

    public func getSessionMessages(workspaceId: String, sessionId: String, page: PageRequest) async throws -> Page<SessionMessage> {
        try await store.getSessionMessages(workspaceId: workspaceId, sessionId: sessionId, page: page)
    }

    public func searchMessages(workspaceId: String, query: String) async throws -> [MessageSearchHit] {
        try await store.searchMessages(workspaceId: workspaceId, query: query).items
    }
}
