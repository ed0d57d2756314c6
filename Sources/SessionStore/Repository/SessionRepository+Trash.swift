import Foundation
import SessionStoreSQLite

extension SessionRepository {
    /// Puts the session in the trash: it stays stored, whole, but every other method treats it as unknown until
    /// ``restoreSession(workspaceId:sessionId:)`` brings it back. Returns false when the workspace has no such
    /// live session. Nothing in the trash is ever deleted but by ``emptyTrash(workspaceId:olderThan:)``.
    public func trashSession(workspaceId: String, sessionId: String) async throws -> Bool {
        try await configuration.logged("trashSession", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            let now = configuration.now()
            return try await write { connection in
                try connection.execute(
                    "UPDATE sessions SET trashed_at = ?3 WHERE id = ?1 AND workspace_id = ?2 AND trashed_at IS NULL",
                    [.text(sessionId), .text(workspaceId), .integer(now)])
                guard connection.changes > 0 else { return false }
                try self.record(.sessionTrashed, workspaceId: workspaceId, sessionId: sessionId, at: now, connection)
                return true
            }
        }
    }

    /// Takes the session out of the trash, as it was when it was trashed; nil when the workspace has no such
    /// session in the trash.
    public func restoreSession(workspaceId: String, sessionId: String) async throws -> Session? {
        try await configuration.logged("restoreSession", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            let now = configuration.now()
            return try await write { connection in
                try connection.execute(
                    "UPDATE sessions SET trashed_at = NULL WHERE id = ?1 AND workspace_id = ?2 AND trashed_at IS NOT NULL",
                    [.text(sessionId), .text(workspaceId)])
                guard connection.changes > 0 else { return nil }
                try self.record(.sessionRestored, workspaceId: workspaceId, sessionId: sessionId, at: now, connection)
                return try StoredRows.session(sessionId, workspaceId: workspaceId, connection)
            }
        }
    }

    /// The workspace's sessions in the trash, most recently trashed first (ties: the later id first).
    public func listTrash(workspaceId: String) async throws -> [TrashedSession] {
        try await configuration.logged("listTrash", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            return try await database.read { try StoredRows.trashedSessions(workspaceId: workspaceId, $0) }
        }
    }

    /// Deletes for good, as ``deleteSession(workspaceId:sessionId:)`` does, every session of the workspace that
    /// was put in the trash before `date`; returns how many.
    public func emptyTrash(workspaceId: String, olderThan date: Date) async throws -> Int {
        try await configuration.logged("emptyTrash", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            let cutoff = date.millisecondsSince1970
            let now = configuration.now()
            return try await write { connection in
                let deleted = try connection.cachedStatement(
                    "DELETE FROM sessions WHERE workspace_id = ?1 AND trashed_at IS NOT NULL AND trashed_at < ?2 RETURNING id"
                ).map([.text(workspaceId), .integer(cutoff)]) { $0.string(0) }
                for sessionId in deleted {
                    try self.record(.sessionDeleted, workspaceId: workspaceId, sessionId: sessionId, at: now, connection)
                }
                return deleted.count
            }
        }
    }
}
