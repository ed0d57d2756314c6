import SessionStoreSQLite

extension SessionRepository {
    /// Creates a new session showing the original's messages — all of them, or those up to and including
    /// `messageId` — which are shared, not copied, and records where it was cut (``Session/forkedFrom``).
    ///
    /// The fork is titled "<title> (fork)" ("Forked Session" for an untitled original), its parent is the
    /// original's parent or else the original, and it keeps the original's model and agent. The original's
    /// reverted tail, if any, is discarded first and not copied.
    ///
    /// - Throws: ``SessionStoreError/sessionNotFound(workspaceId:sessionId:)``, or
    ///   ``SessionStoreError/messageNotInSession(sessionId:messageId:)`` when the original does not show
    ///   `messageId`; nothing is created then.
    public func forkSession(workspaceId: String, sessionId: String, messageId: String? = nil) async throws -> Session {
        try await configuration.logged("forkSession", workspaceId: workspaceId, sessionId: sessionId, messageId: messageId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            if let messageId {
                try limits.checkIdentifier(messageId, "messageId")
            }
            let now = configuration.now()
            let forkId = ULID.make(now: now)
            return try await write { connection in
                guard let original = try StoredRows.session(sessionId, workspaceId: workspaceId, withMessageIds: messageId == nil, connection)
                else {
                    throw SessionStoreError.sessionNotFound(workspaceId: workspaceId, sessionId: sessionId)
                }
                var inherited = original.messageIds
                if let messageId {
                    // Found by the (session, message) index, and only the links up to it read: a fork near the
                    // start of a long session costs what a fork of a short one does.
                    guard let position = try connection.cachedStatement(
                        """
                        SELECT l.position FROM session_links l JOIN sessions s ON s.id = l.session_id
                        WHERE l.session_id = ?1 AND l.message_id = ?2 AND \(StoredRows.isShown)
                        """
                    ).first([.text(sessionId), .text(messageId)], { $0.int64(0) }) else {
                        throw SessionStoreError.messageNotInSession(sessionId: sessionId, messageId: messageId)
                    }
                    inherited = try StoredRows.messageIds(of: sessionId, upTo: position, connection)
                }
                try StoredRows.discardTail(of: original.id, connection)
                let fork = Session.fork(of: original, id: forkId, at: now, showing: inherited)
                try Self.insert(fork, connection)
                try connection.execute(
                    """
                    INSERT INTO session_links (session_id, position, message_id)
                    SELECT ?1, position, message_id FROM session_links WHERE session_id = ?2 AND position <= ?3
                    """,
                    [.text(fork.id), .text(original.id), .integer(Int64(inherited.count))])
                try self.record(.sessionForked, workspaceId: workspaceId, sessionId: fork.id, messageId: inherited.last, at: now, connection)
                return fork
            }
        }
    }

    /// The tree of forks the session belongs to: from its root, found by following ``Session/forkedFrom`` back
    /// while the original is a live session of the workspace, down through every fork made from each session,
    /// oldest first. Nil when the workspace has no such live session.
    public func getSessionTree(workspaceId: String, sessionId: String) async throws -> SessionTreeNode? {
        try await configuration.logged("getSessionTree", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            return try await database.read { connection in
                // UNION of rows that repeat when the walk comes round again: a cycle made by hand (no fork makes
                // one) ends, and then no session of it is the root, so the tree starts at the one asked for.
                let root = try connection.cachedStatement(
                    """
                    WITH RECURSIVE up(id, origin) AS (
                        SELECT id, forked_from_session_id FROM sessions
                        WHERE id = ?1 AND workspace_id = ?2 AND trashed_at IS NULL
                        UNION
                        SELECT s.id, s.forked_from_session_id FROM up
                        JOIN sessions s ON s.id = up.origin AND s.workspace_id = ?2 AND s.trashed_at IS NULL
                    )
                    SELECT coalesce(
                        (SELECT id FROM up WHERE origin IS NULL OR origin NOT IN (SELECT id FROM up) LIMIT 1),
                        (SELECT id FROM up WHERE id = ?1))
                    WHERE EXISTS (SELECT 1 FROM up)
                    """
                ).first([.text(sessionId), .text(workspaceId)]) { $0.string(0) }
                guard let root else { return nil }
                var nodes: [String: SessionTreeNode] = [:]
                var childIds: [String: [String]] = [:]
                try connection.cachedStatement(
                    """
                    WITH RECURSIVE down(id) AS (
                        SELECT ?1
                        UNION
                        SELECT s.id FROM down
                        JOIN sessions s ON s.forked_from_session_id = down.id AND s.workspace_id = ?2 AND s.trashed_at IS NULL
                    )
                    SELECT s.id, s.title, (SELECT count(*) FROM session_links l WHERE l.session_id = s.id AND \(StoredRows.isShown)),
                           s.created_at, s.updated_at, s.forked_from_session_id, s.forked_from_message_id
                    FROM down JOIN sessions s ON s.id = down.id
                    ORDER BY s.created_at, s.id
                    """
                ).forEach([.text(root), .text(workspaceId)]) { row in
                    let id = row.string(0)
                    let forkedFrom = row.optionalString(5).map { ForkPoint(sessionId: $0, messageId: row.optionalString(6)) }
                    nodes[id] = SessionTreeNode(
                        id: id, title: row.optionalString(1), messageCount: Int(row.int64(2)), createdAt: row.int64(3),
                        updatedAt: row.int64(4), forkedFrom: forkedFrom)
                    if id != root, let origin = forkedFrom?.sessionId {
                        childIds[origin, default: []].append(id)
                    }
                }
                func build(_ id: String) -> SessionTreeNode? {
                    guard var node = nodes[id] else { return nil }
                    node.children = (childIds[id] ?? []).compactMap(build)
                    return node
                }
                return build(root)
            }
        }
    }
}
