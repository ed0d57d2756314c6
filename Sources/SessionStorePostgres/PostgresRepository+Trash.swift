import Foundation
import PostgresNIO
import SessionStore

extension PostgresRepository {
    /// Moves the session to the trash: every call then treats it as unknown, until
    /// ``restoreSession(workspaceId:sessionId:)``; returns false when the workspace has no such live session.
    public func trashSession(workspaceId: String, sessionId: String) async throws -> Bool {
        try await configuration.logged("trashSession", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            let now = configuration.now()
            return try await transaction { [self] connection in
                let trashed = try await connection.query(
                    """
                    UPDATE sessions SET trashed_at = \(now)
                    WHERE id = \(sessionId) AND workspace_id = \(workspaceId) AND trashed_at IS NULL RETURNING 1
                    """, logger: logger)
                guard try await trashed.collect().count == 1 else { return false }
                try await recordChange(.sessionTrashed, workspaceId: workspaceId, sessionId: sessionId, at: now, connection)
                return true
            }
        }
    }

    /// Takes the session out of the trash as it was; nil when the workspace's trash has no such session.
    public func restoreSession(workspaceId: String, sessionId: String) async throws -> Session? {
        try await configuration.logged("restoreSession", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            let now = configuration.now()
            return try await transaction { [self] connection in
                let restored = try await connection.query(
                    """
                    UPDATE sessions SET trashed_at = NULL
                    WHERE id = \(sessionId) AND workspace_id = \(workspaceId) AND trashed_at IS NOT NULL RETURNING 1
                    """, logger: logger)
                guard try await restored.collect().count == 1 else { return nil }
                try await recordChange(.sessionRestored, workspaceId: workspaceId, sessionId: sessionId, at: now, connection)
                return try await liveSession(sessionId, workspaceId: workspaceId, connection)
            }
        }
    }

    /// The workspace's trashed sessions, most recently trashed first (ties: the later id first).
    public func listTrash(workspaceId: String) async throws -> [TrashedSession] {
        try await configuration.logged("listTrash", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            return try await read { [self] connection in
                var trash: [TrashedSession] = []
                for try await row in try await connection.query(
                    """
                    SELECT \(unescaped: Self.sessionColumns), s.trashed_at FROM sessions s
                    WHERE s.workspace_id = \(workspaceId) AND s.trashed_at IS NOT NULL ORDER BY s.trashed_at DESC, s.id DESC
                    """, logger: logger)
                {
                    trash.append(TrashedSession(session: try Self.session(row), trashedAt: try row.makeRandomAccess()[14].decode(Int64.self)))
                }
                return trash
            }
        }
    }

    /// Deletes for good the workspace's sessions trashed before `date`, as ``deleteSession(workspaceId:sessionId:)``
    /// would; returns how many.
    public func emptyTrash(workspaceId: String, olderThan date: Date) async throws -> Int {
        try await configuration.logged("emptyTrash", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            let cutoff = date.millisecondsSince1970
            let now = configuration.now()
            return try await transaction { [self] connection in
                // Children first, as deleteSession takes them.
                _ = try await connection.query(
                    """
                    SELECT 1 FROM sessions WHERE parent_id IN (
                        SELECT id FROM sessions WHERE workspace_id = \(workspaceId) AND trashed_at IS NOT NULL AND trashed_at < \(cutoff))
                    ORDER BY id FOR UPDATE
                    """, logger: logger
                ).collect()
                var deleted: [String] = []
                for try await id in try await connection.query(
                    """
                    DELETE FROM sessions WHERE workspace_id = \(workspaceId) AND trashed_at IS NOT NULL AND trashed_at < \(cutoff)
                    RETURNING id
                    """, logger: logger
                ).decode(String.self) { deleted.append(id) }
                for sessionId in deleted.sorted() {
                    try await recordChange(.sessionDeleted, workspaceId: workspaceId, sessionId: sessionId, at: now, connection)
                }
                return deleted.count
            }
        }
    }
}
