import SessionStoreSQLite

extension SessionRepository {
    /// The workspace's sessions, most recently updated first (ties: the later id first); `[]` for an empty
    /// workspace.
    public func listSessions(workspaceId: String) async throws -> [Session] {
        try await logged("listSessions", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            return try await database.read { connection in
                try StoredRows.sessions(workspaceId: workspaceId, connection)
            }
        }
    }

    /// The session with its message ids, or nil when the workspace has none with this id.
    public func getSession(workspaceId: String, sessionId: String) async throws -> Session? {
        try await logged("getSession", workspaceId: workspaceId, sessionId: sessionId) {
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
        try await logged("createSession", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            let now = configuration.now()
            let session = Session(
                id: ULID.make(now: now), workspaceId: workspaceId, title: title ?? "New Session", parentId: parentId,
                createdAt: now, updatedAt: now, model: model, agent: agent)
            try StoredRows.checkSession(session, limits: limits)
            return try await database.write { connection in
                try StoredRows.checkParent(parentId, of: session.id, workspaceId: workspaceId, connection)
                try Self.insert(session, connection)
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
    public func updateSession(
        workspaceId: String, sessionId: String, _ change: @escaping @Sendable (inout SessionChanges) -> Void
    ) async throws -> Session? {
        try await logged("updateSession", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            let now = configuration.now()
            return try await database.write { [limits] connection in
                guard var session = try StoredRows.session(sessionId, workspaceId: workspaceId, connection) else { return nil }
                var changes = SessionChanges(of: session)
                change(&changes)
                changes.apply(to: &session)
                session.updatedAt = now
                try StoredRows.checkSession(session, limits: limits)
                try StoredRows.checkParent(session.parentId, of: sessionId, workspaceId: workspaceId, connection)
                try connection.execute(
                    """
                    UPDATE sessions SET title = ?3, parent_id = ?4, updated_at = ?6, model_provider_id = ?7, model_id = ?8,
                        agent = ?9, revert_message_id = ?10, revert_reason = ?11
                    WHERE id = ?1 AND workspace_id = ?2 AND created_at = ?5
                    """,
                    StoredRows.sessionArguments(session))
                return session
            }
        }
    }

    /// Deletes the session and its links; returns false when the workspace has no such session.
    ///
    /// Messages still shown by another session survive; the others are deleted with their last link. Sessions
    /// whose parent this was become root sessions.
    public func deleteSession(workspaceId: String, sessionId: String) async throws -> Bool {
        try await logged("deleteSession", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            return try await database.write { connection in
                try connection.execute("DELETE FROM sessions WHERE id = ?1 AND workspace_id = ?2", [.text(sessionId), .text(workspaceId)])
                return connection.changes > 0
            }
        }
    }

    /// Creates a new session showing the same messages as the original, which are shared, not copied.
    ///
    /// The fork is titled "<title> (fork)" ("Forked Session" for an untitled original), its parent is the
    /// original's parent or else the original, and it keeps the original's model and agent.
    ///
    /// - Throws: ``SessionStoreError/sessionNotFound(workspaceId:sessionId:)``.
    public func forkSession(workspaceId: String, sessionId: String) async throws -> Session {
        try await logged("forkSession", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            let now = configuration.now()
            let forkId = ULID.make(now: now)
            return try await database.write { connection in
                guard let original = try StoredRows.session(sessionId, workspaceId: workspaceId, connection) else {
                    throw SessionStoreError.sessionNotFound(workspaceId: workspaceId, sessionId: sessionId)
                }
                let title = original.title.flatMap { $0.isEmpty ? nil : "\($0) (fork)" } ?? "Forked Session"
                let fork = Session(
                    id: forkId, workspaceId: workspaceId, title: title, parentId: original.parentId ?? original.id,
                    createdAt: now, updatedAt: now, messageIds: original.messageIds, model: original.model, agent: original.agent)
                try Self.insert(fork, connection)
                try connection.execute(
                    """
                    INSERT INTO session_messages (session_id, position, message_id)
                    SELECT ?1, position, message_id FROM session_messages WHERE session_id = ?2
                    """,
                    [.text(fork.id), .text(original.id)])
                return fork
            }
        }
    }

    /// Removes the session's last message (no `messageId`), or every message after `messageId` (which stays),
    /// and stamps `updatedAt`. Other sessions showing these messages keep them.
    ///
    /// - Throws: ``SessionStoreError/sessionNotFound(workspaceId:sessionId:)``, or
    ///   ``SessionStoreError/messageNotInSession(sessionId:messageId:)`` when the session does not show
    ///   `messageId`; nothing changes then.
    public func revert(workspaceId: String, sessionId: String, messageId: String? = nil) async throws -> Session {
        try await logged("revert", workspaceId: workspaceId, sessionId: sessionId, messageId: messageId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            if let messageId {
                try limits.checkIdentifier(messageId, "messageId")
            }
            let now = configuration.now()
            return try await database.write { connection in
                guard var session = try StoredRows.session(sessionId, workspaceId: workspaceId, connection) else {
                    throw SessionStoreError.sessionNotFound(workspaceId: workspaceId, sessionId: sessionId)
                }
                let keptCount: Int
                if let messageId {
                    guard let index = session.messageIds.firstIndex(of: messageId) else {
                        throw SessionStoreError.messageNotInSession(sessionId: sessionId, messageId: messageId)
                    }
                    keptCount = index + 1
                } else {
                    keptCount = max(session.messageIds.count - 1, 0)
                }
                try connection.execute(
                    "DELETE FROM session_messages WHERE session_id = ?1 AND position > ?2",
                    [.text(sessionId), .integer(Int64(keptCount))])
                try connection.execute(
                    "UPDATE sessions SET updated_at = ?2 WHERE id = ?1", [.text(sessionId), .integer(now)])
                session.messageIds.removeSubrange(keptCount...)
                session.updatedAt = now
                return session
            }
        }
    }

    static func insert(_ session: Session, _ connection: Connection) throws {
        try connection.execute(
            """
            INSERT INTO sessions (\(StoredRows.sessionColumns))
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            """,
            StoredRows.sessionArguments(session))
    }
}
