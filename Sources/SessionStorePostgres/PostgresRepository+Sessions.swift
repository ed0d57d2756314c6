import PostgresNIO
import SessionStore

extension PostgresRepository {
    static let sessionColumns = """
        s.id, s.workspace_id, s.title, s.parent_id, s.created_at, s.updated_at, s.model_provider_id, s.model_id, s.agent,
        s.revert_message_id, s.revert_reason, s.forked_from_session_id, s.forked_from_message_id,
        coalesce((SELECT array_agg(l.message_id ORDER BY l.position) FROM session_messages l WHERE l.session_id = s.id), '{}')
        """

    /// The workspace's live sessions, most recently updated first (ties: the later id first); `[]` for an empty
    /// workspace.
    public func listSessions(workspaceId: String) async throws -> [Session] {
        try await configuration.logged("listSessions", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            return try await read { [self] connection in
                try await sessions(
                    connection.query(
                        """
                        SELECT \(unescaped: Self.sessionColumns) FROM sessions s
                        WHERE s.workspace_id = \(workspaceId) AND s.trashed_at IS NULL ORDER BY s.updated_at DESC, s.id DESC
                        """, logger: logger))
            }
        }
    }

    /// The session with its message ids, or nil when the workspace has none with this id.
    public func getSession(workspaceId: String, sessionId: String) async throws -> Session? {
        try await configuration.logged("getSession", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            return try await read { [self] in try await liveSession(sessionId, workspaceId: workspaceId, $0) }
        }
    }

    /// Creates an empty session with a new ULID, titled "New Session" unless `title` is given.
    ///
    /// - Throws: `SessionStoreError.parentNotFound` when `parentId` names no live session of the workspace.
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
            return try await transaction { [self] connection in
                if let parentId {
                    try await checkParent(parentId, workspaceId: workspaceId, connection)
                }
                try await connection.query(
                    """
                    INSERT INTO sessions (id, workspace_id, title, parent_id, created_at, updated_at, model_provider_id,
                                          model_id, agent)
                    VALUES (\(session.id), \(workspaceId), \(session.title), \(parentId), \(now), \(now),
                            \(model?.providerId), \(model?.modelId), \(agent))
                    """, logger: logger)
                try await recordChange(.sessionCreated, workspaceId: workspaceId, sessionId: session.id, at: now, connection)
                return session
            }
        }
    }

    /// Applies `change` to the session's title, parent, model, agent and revert marker, and stamps `updatedAt`;
    /// returns the updated session, or nil when the workspace has none with this id. Clearing the revert marker
    /// discards the reverted tail it marked.
    ///
    /// - Throws: `SessionStoreError.parentNotFound` when the change sets a parent that is no live session of the
    ///   workspace, `.parentCycle` when it sets the session itself or one of its descendants.
    public func updateSession(
        workspaceId: String, sessionId: String, _ change: @escaping @Sendable (inout SessionChanges) -> Void
    ) async throws -> Session? {
        try await configuration.logged("updateSession", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            let now = configuration.now()
            return try await transaction { [self] connection in
                // Two transactions that each set one parent can close a circle neither sees alone: the workspace's
                // updates take turns. First, before any row lock, so that no two of them wait for each other.
                _ = try await connection.query(
                    "SELECT pg_advisory_xact_lock(hashtextextended('session-store updates of ' || \(workspaceId), 0))",
                    logger: logger
                ).collect()
                guard var session = try await lockedSession(sessionId, workspaceId: workspaceId, connection) else { return nil }
                let parentBefore = session.parentId
                var changes = SessionChanges(of: session)
                change(&changes)
                changes.apply(to: &session)
                session.updatedAt = now
                try StoredRows.checkSession(session, limits: limits)
                // A parent kept is no new choice: one in the trash stays, as the trash keeps sessions whole.
                if let parentId = session.parentId, parentId != parentBefore {
                    try await checkParent(parentId, workspaceId: workspaceId, connection)
                    try await checkNoCycle(parentId, of: sessionId, connection)
                }
                try await connection.query(
                    """
                    UPDATE sessions SET title = \(session.title), parent_id = \(session.parentId), updated_at = \(now),
                        model_provider_id = \(session.model?.providerId), model_id = \(session.model?.modelId),
                        agent = \(session.agent), revert_message_id = \(session.revert?.messageID),
                        revert_reason = \(session.revert?.reason)
                    WHERE id = \(sessionId)
                    """, logger: logger)
                if session.revert == nil {
                    try await discardTail(of: sessionId, connection)
                }
                try await recordChange(.sessionUpdated, workspaceId: workspaceId, sessionId: sessionId, at: now, connection)
                return session
            }
        }
    }

    /// Deletes the session for good, with its links and its reverted tail; returns false when the workspace has no
    /// such live session. Messages another session shows or holds in its reverted tail survive; sessions whose
    /// parent this was become root sessions.
    public func deleteSession(workspaceId: String, sessionId: String) async throws -> Bool {
        try await configuration.logged("deleteSession", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            let now = configuration.now()
            return try await transaction { [self] connection in
                // Children first, in id order, as a fork takes them (the child, then its parent): the delete clears
                // their parent, and taking the parent before them deadlocks with a fork or append of a child.
                _ = try await connection.query(
                    "SELECT 1 FROM sessions WHERE parent_id = \(sessionId) ORDER BY id FOR UPDATE", logger: logger
                ).collect()
                let deleted = try await connection.query(
                    "DELETE FROM sessions WHERE id = \(sessionId) AND workspace_id = \(workspaceId) AND trashed_at IS NULL RETURNING 1",
                    logger: logger)
                guard try await deleted.collect().count == 1 else { return false }
                try await recordChange(.sessionDeleted, workspaceId: workspaceId, sessionId: sessionId, at: now, connection)
                return true
            }
        }
    }

    /// As in the old store, releases what is cached for the workspace; deletes nothing. This store caches no
    /// per-workspace state, so this only checks the id.
    public func clearWorkspace(workspaceId: String) async throws {
        try await configuration.logged("clearWorkspace", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
        }
    }

    /// How many live sessions the workspace has.
    public func getActiveSessionCount(workspaceId: String) async throws -> Int {
        try await configuration.logged("getActiveSessionCount", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            return try await read { [self] connection in
                var count = 0
                for try await found in try await connection.query(
                    "SELECT count(*) FROM sessions WHERE workspace_id = \(workspaceId) AND trashed_at IS NULL", logger: logger
                ).decode(Int.self) { count = found }
                return count
            }
        }
    }

    /// The live session, its row locked until the transaction ends: the writes that change its links take it.
    func lockedSession(_ sessionId: String, workspaceId: String, _ connection: PostgresConnection) async throws -> Session? {
        // Locked first, read after: a statement that waited for the lock reads the rest with the snapshot it began
        // with, so links read with the lock would miss what the holder had just committed, and a revert, unrevert
        // or fork would cut at the wrong place.
        let locked = try await connection.query(
            "SELECT 1 FROM sessions WHERE id = \(sessionId) AND workspace_id = \(workspaceId) AND trashed_at IS NULL FOR UPDATE",
            logger: logger)
        guard try await locked.collect().count == 1 else { return nil }
        return try await liveSession(sessionId, workspaceId: workspaceId, connection)
    }

    /// The live session with its message ids, read without taking a lock. A transaction that has changed the
    /// session reads it back with this: `FOR UPDATE` would ask for more than its `UPDATE` took, and wait behind
    /// the share of the row that a fork of a child holds, which deadlocks.
    func liveSession(_ sessionId: String, workspaceId: String, _ connection: PostgresConnection) async throws -> Session? {
        try await sessions(
            connection.query(
                """
                SELECT \(unescaped: Self.sessionColumns) FROM sessions s
                WHERE s.id = \(sessionId) AND s.workspace_id = \(workspaceId) AND s.trashed_at IS NULL
                """, logger: logger)
        ).first
    }

    func sessions(_ rows: PostgresRowSequence) async throws -> [Session] {
        var sessions: [Session] = []
        for try await row in rows {
            sessions.append(try Self.session(row))
        }
        return sessions
    }

    /// A row of `sessionColumns` (columns past them are not read).
    static func session(_ row: PostgresRow) throws -> Session {
        let (id, workspaceId, title, parentId, createdAt, updatedAt, providerId, modelId, agent, revertId, revertReason, forkedFrom, forkedAt, messageIds) =
            try row.decode((String, String, String?, String?, Int64, Int64, String?, String?, String?, String?, String?, String?, String?, [String]).self)
        return Session(
            id: id, workspaceId: workspaceId, title: title, parentId: parentId, createdAt: createdAt, updatedAt: updatedAt,
            messageIds: messageIds, model: providerId.map { ModelSelection(providerId: $0, modelId: modelId ?? "") },
            agent: agent, revert: revertId.map { RevertMarker(messageID: $0, reason: revertReason) },
            forkedFrom: forkedFrom.map { ForkPoint(sessionId: $0, messageId: forkedAt) })
    }

    /// Throws unless `parentId` names a live session of the workspace, which it locks against deletion until the
    /// transaction ends.
    private func checkParent(_ parentId: String, workspaceId: String, _ connection: PostgresConnection) async throws {
        let parents = try await connection.query(
            """
            SELECT 1 FROM sessions
            WHERE id = \(parentId) AND workspace_id = \(workspaceId) AND trashed_at IS NULL FOR SHARE
            """, logger: logger)
        guard try await parents.collect().count == 1 else {
            throw SessionStoreError.parentNotFound(workspaceId: workspaceId, parentId: parentId)
        }
    }

    /// Throws when `parentId` is the session or one of its descendants; a new session has none.
    private func checkNoCycle(_ parentId: String, of sessionId: String, _ connection: PostgresConnection) async throws {
        // Through sessions in the trash too, which keep their children; UNION ends the walk on a circle already there.
        let descends = try await connection.query(
            """
            WITH RECURSIVE ancestors(id) AS (
                SELECT CAST(\(parentId) AS text) UNION
                SELECT sessions.parent_id FROM sessions JOIN ancestors ON sessions.id = ancestors.id
                WHERE sessions.parent_id IS NOT NULL
            )
            SELECT 1 FROM ancestors WHERE id = \(sessionId)
            """, logger: logger)
        guard try await descends.collect().isEmpty else {
            throw SessionStoreError.parentCycle(sessionId: sessionId, parentId: parentId)
        }
    }
}
