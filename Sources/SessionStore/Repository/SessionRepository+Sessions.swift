import SessionStoreSQLite

extension SessionRepository {
    /// The workspace's sessions, most recently updated first (ties: the later id first); `[]` for an empty
    /// workspace.
    public func listSessions(workspaceId: String) async throws -> [Session] {
        try await configuration.logged("listSessions", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            return try await database.read { connection in
                try StoredRows.sessions(workspaceId: workspaceId, connection)
            }
        }
    }

    /// The session with its message ids, or nil when the workspace has none with this id.
    public func getSession(workspaceId: String, sessionId: String) async throws -> Session? {
        try await configuration.logged("getSession", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            return try await database.read { connection in
                try StoredRows.session(sessionId, workspaceId: workspaceId, connection)
            }
        }
    }

    /// Creates an empty session with a new ULID, titled "New Session" unless `title` is given.
    ///
    /// - Throws: ``SessionStoreError/parentNotFound(workspaceId:parentId:)`` when `parentId` names no session
    ///   of the workspace.
    public func createSession(
        workspaceId: String, title: String? = nil, parentId: String? = nil, model: ModelSelection? = nil, agent: String? = nil
    ) async throws -> Session {
        try await configuration.logged("createSession", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            let now = configuration.now()
            let session = Session(
                id: ULID.make(now: now), workspaceId: workspaceId, title: title ?? "New Session", parentId: parentId,
                createdAt: now, updatedAt: now, model: model, agent: agent)
            try StoredRows.checkSession(session, limits: limits)
            return try await write { connection in
                try StoredRows.checkParent(parentId, workspaceId: workspaceId, connection)
                try Self.insert(session, connection)
                try self.record(.sessionCreated, workspaceId: workspaceId, sessionId: session.id, at: now, connection)
                return session
            }
        }
    }

    /// Applies `change` to the session's title, parent, model, agent and revert marker, and stamps `updatedAt`;
    /// returns the updated session, or nil when the workspace has none with this id.
    ///
    /// ```swift
    /// try await repository.updateSession(workspaceId: w, sessionId: s) { $0.title = "Parser rewrite" }
    /// ```
    ///
    /// - Throws: ``SessionStoreError/parentNotFound(workspaceId:parentId:)`` when the change sets a parent that
    ///   is no live session of the workspace (a parent left as it was stays, even in the trash), and
    ///   ``SessionStoreError/parentCycle(sessionId:parentId:)`` when it sets the session itself or one of its
    ///   descendants; nothing changes then.
    public func updateSession(
        workspaceId: String, sessionId: String, _ change: @escaping @Sendable (inout SessionChanges) -> Void
    ) async throws -> Session? {
        try await configuration.logged("updateSession", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            let now = configuration.now()
            return try await write { [limits] connection in
                guard var session = try StoredRows.session(sessionId, workspaceId: workspaceId, connection) else { return nil }
                let parentBefore = session.parentId
                var changes = SessionChanges(of: session)
                change(&changes)
                changes.apply(to: &session)
                session.updatedAt = now
                try StoredRows.checkSession(session, limits: limits)
                // A parent kept is no new choice: one in the trash stays, as the trash keeps sessions whole.
                if session.parentId != parentBefore {
                    try StoredRows.checkParent(session.parentId, workspaceId: workspaceId, connection)
                    try StoredRows.checkNoCycle(session.parentId, of: sessionId, connection)
                }
                // The fork point (?12, ?13) never changes: written as read.
                try connection.execute(
                    """
                    UPDATE sessions SET title = ?3, parent_id = ?4, updated_at = ?6, model_provider_id = ?7, model_id = ?8,
                        agent = ?9, revert_message_id = ?10, revert_reason = ?11, forked_from_session_id = ?12,
                        forked_from_message_id = ?13
                    WHERE id = ?1 AND workspace_id = ?2 AND created_at = ?5
                    """,
                    StoredRows.sessionArguments(session))
                // Clearing the marker abandons the revert it marked: a reverted tail never outlives its marker.
                if session.revert == nil {
                    try StoredRows.discardTail(of: sessionId, connection)
                }
                try self.record(.sessionUpdated, workspaceId: workspaceId, sessionId: sessionId, at: now, connection)
                return session
            }
        }
    }

    /// Deletes the session for good, with its links and its reverted tail; returns false when the workspace has no
    /// such session (a trashed one included: ``emptyTrash(workspaceId:olderThan:)`` deletes those).
    ///
    /// Messages still shown by another session, or held in another's reverted tail, survive; the others are
    /// deleted with their last link. Sessions whose parent this was become root sessions; forks keep their fork
    /// point.
    public func deleteSession(workspaceId: String, sessionId: String) async throws -> Bool {
        try await configuration.logged("deleteSession", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            let now = configuration.now()
            return try await write { connection in
                try connection.execute(
                    "DELETE FROM sessions WHERE id = ?1 AND workspace_id = ?2 AND trashed_at IS NULL",
                    [.text(sessionId), .text(workspaceId)])
                guard connection.changes > 0 else { return false }
                try self.record(.sessionDeleted, workspaceId: workspaceId, sessionId: sessionId, at: now, connection)
                return true
            }
        }
    }

    /// Inserts the session's row with the next search number, which the schema's trigger for rows written by hand
    /// would find with a second statement.
    static func insert(_ session: Session, _ connection: Connection) throws {
        try connection.execute(
            """
            INSERT INTO sessions (\(StoredRows.sessionColumns), search_rowid)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, (SELECT coalesce(max(search_rowid), 0) + 1 FROM sessions))
            """,
            StoredRows.sessionArguments(session))
    }
}
