import PostgresNIO
import SessionStore

extension PostgresRepository {
    /// A new session showing the original's messages up to and including `messageId` (all of them when nil),
    /// sharing their bodies; its parent is the original's parent, or the original for a root session.
    ///
    /// - Throws: `SessionStoreError.sessionNotFound`, `.messageNotInSession` when the original does not show
    ///   `messageId`.
    public func forkSession(workspaceId: String, sessionId: String, messageId: String? = nil) async throws -> Session {
        try await configuration.logged("forkSession", workspaceId: workspaceId, sessionId: sessionId, messageId: messageId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            if let messageId {
                try limits.checkIdentifier(messageId, "messageId")
            }
            let now = configuration.now()
            let forkId = ULID.make(now: now)
            return try await transaction { [self] connection in
                guard let original = try await lockedSession(sessionId, workspaceId: workspaceId, connection) else {
                    throw SessionStoreError.sessionNotFound(workspaceId: workspaceId, sessionId: sessionId)
                }
                var inherited = original.messageIds
                if let messageId {
                    guard let index = inherited.firstIndex(of: messageId) else {
                        throw SessionStoreError.messageNotInSession(sessionId: sessionId, messageId: messageId)
                    }
                    inherited.removeSubrange((index + 1)...)
                }
                try await discardTail(of: original.id, connection)
                let fork = Session.fork(of: original, id: forkId, at: now, showing: inherited)
                try await connection.query(
                    """
                    INSERT INTO sessions (id, workspace_id, title, parent_id, created_at, updated_at, model_provider_id,
                                          model_id, agent, forked_from_session_id, forked_from_message_id)
                    VALUES (\(fork.id), \(workspaceId), \(fork.title), \(fork.parentId), \(now), \(now),
                            \(fork.model?.providerId), \(fork.model?.modelId), \(fork.agent), \(original.id), \(inherited.last))
                    """, logger: logger)
                try await connection.query(
                    """
                    INSERT INTO session_messages (session_id, position, message_id)
                    SELECT \(fork.id), position, message_id FROM session_messages
                    WHERE session_id = \(original.id) AND position <= \(Int64(inherited.count))
                    """, logger: logger)
                try await recordChange(
                    .sessionForked, workspaceId: workspaceId, sessionId: fork.id, messageId: inherited.last, at: now, connection)
                return fork
            }
        }
    }

    /// Hides the session's messages after `messageId` (the last one when nil) and keeps them as its reverted
    /// tail, which ``unrevert(workspaceId:sessionId:)`` brings back; sets the revert marker to the first one
    /// hidden. Messages other sessions show are untouched.
    ///
    /// - Throws: `SessionStoreError.sessionNotFound`, `.messageNotInSession`.
    public func revert(workspaceId: String, sessionId: String, messageId: String? = nil) async throws -> Session {
        try await configuration.logged("revert", workspaceId: workspaceId, sessionId: sessionId, messageId: messageId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            if let messageId {
                try limits.checkIdentifier(messageId, "messageId")
            }
            let now = configuration.now()
            return try await transaction { [self] connection in
                guard var session = try await lockedSession(sessionId, workspaceId: workspaceId, connection) else {
                    throw SessionStoreError.sessionNotFound(workspaceId: workspaceId, sessionId: sessionId)
                }
                let keptCount = try session.keptCount(revertingTo: messageId)
                let removed = Int64(session.messageIds.count - keptCount)
                if removed > 0 {
                    let kept = Int64(keptCount)
                    // The tail moves back to make room at its front in two steps, through positions far above any
                    // real one: the key is checked row by row, so no two rows may meet on the way.
                    try await connection.query(
                        "UPDATE reverted_links SET position = position + \(removed) + \(Int64(1) << 40) WHERE session_id = \(sessionId)",
                        logger: logger)
                    try await connection.query(
                        "UPDATE reverted_links SET position = position - \(Int64(1) << 40) WHERE session_id = \(sessionId)",
                        logger: logger)
                    try await connection.query(
                        """
                        INSERT INTO reverted_links (session_id, position, message_id)
                        SELECT session_id, position - \(kept), message_id FROM session_messages
                        WHERE session_id = \(sessionId) AND position > \(kept)
                        """, logger: logger)
                    try await connection.query(
                        "DELETE FROM session_messages WHERE session_id = \(sessionId) AND position > \(kept)", logger: logger)
                    session.revert = RevertMarker(messageID: session.messageIds[keptCount])
                }
                session.messageIds.removeSubrange(keptCount...)
                session.updatedAt = now
                try await connection.query(
                    """
                    UPDATE sessions SET updated_at = \(now), revert_message_id = \(session.revert?.messageID),
                        revert_reason = \(session.revert?.reason)
                    WHERE id = \(sessionId)
                    """, logger: logger)
                try await recordChange(
                    .reverted, workspaceId: workspaceId, sessionId: sessionId, messageId: removed > 0 ? session.revert?.messageID : nil,
                    at: now, connection)
                return session
            }
        }
    }

    /// Brings back the reverted tail after the messages the session shows and clears the revert marker; the
    /// session as it is when there is no tail.
    ///
    /// - Throws: `SessionStoreError.sessionNotFound`.
    public func unrevert(workspaceId: String, sessionId: String) async throws -> Session {
        try await configuration.logged("unrevert", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            let now = configuration.now()
            return try await transaction { [self] connection in
                guard var session = try await lockedSession(sessionId, workspaceId: workspaceId, connection) else {
                    throw SessionStoreError.sessionNotFound(workspaceId: workspaceId, sessionId: sessionId)
                }
                let restored = try await connection.query(
                    """
                    INSERT INTO session_messages (session_id, position, message_id)
                    SELECT session_id, position + \(Int64(session.messageIds.count)), message_id FROM reverted_links
                    WHERE session_id = \(sessionId) RETURNING 1
                    """, logger: logger)
                guard try await restored.collect().count > 0 else { return session }
                // Deleted after the links exist again, so that no body is released on the way.
                try await connection.query("DELETE FROM reverted_links WHERE session_id = \(sessionId)", logger: logger)
                try await connection.query(
                    "UPDATE sessions SET updated_at = \(now), revert_message_id = NULL, revert_reason = NULL WHERE id = \(sessionId)",
                    logger: logger)
                try await recordChange(.unreverted, workspaceId: workspaceId, sessionId: sessionId, at: now, connection)
                session.messageIds = try await liveSession(sessionId, workspaceId: workspaceId, connection)?.messageIds ?? []
                session.revert = nil
                session.updatedAt = now
                return session
            }
        }
    }

    /// The tree of forks the session belongs to, from the root it was forked from (itself when it is none) down
    /// to every fork of a fork, oldest first among siblings; nil when the workspace has no such live session.
    public func getSessionTree(workspaceId: String, sessionId: String) async throws -> SessionTreeNode? {
        try await configuration.logged("getSessionTree", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            return try await transaction { [self] connection in
                // UNION of rows that repeat when the walk comes round again: a cycle made by hand (no fork makes
                // one) ends, and then no session of it is the root, so the tree starts at the one asked for.
                var root: String?
                for try await id in try await connection.query(
                    """
                    WITH RECURSIVE up(id, origin) AS (
                        SELECT id, forked_from_session_id FROM sessions
                        WHERE id = \(sessionId) AND workspace_id = \(workspaceId) AND trashed_at IS NULL
                        UNION
                        SELECT s.id, s.forked_from_session_id FROM up
                        JOIN sessions s ON s.id = up.origin AND s.workspace_id = \(workspaceId) AND s.trashed_at IS NULL
                    )
                    SELECT coalesce(
                        (SELECT id FROM up WHERE origin IS NULL OR origin NOT IN (SELECT id FROM up) LIMIT 1),
                        (SELECT id FROM up WHERE id = \(sessionId)))
                    FROM (SELECT 1) AS one WHERE EXISTS (SELECT 1 FROM up)
                    """, logger: logger
                ).decode(String.self) { root = id }
                guard let root else { return nil }
                var nodes: [String: SessionTreeNode] = [:]
                var childIds: [String: [String]] = [:]
                for try await (id, title, count, createdAt, updatedAt, origin, originMessage) in try await connection.query(
                    """
                    WITH RECURSIVE down(id) AS (
                        SELECT \(root)::text
                        UNION
                        SELECT s.id FROM down
                        JOIN sessions s ON s.forked_from_session_id = down.id AND s.workspace_id = \(workspaceId) AND s.trashed_at IS NULL
                    )
                    SELECT s.id, s.title, (SELECT count(*) FROM session_messages l WHERE l.session_id = s.id),
                           s.created_at, s.updated_at, s.forked_from_session_id, s.forked_from_message_id
                    FROM down JOIN sessions s ON s.id = down.id
                    ORDER BY s.created_at, s.id
                    """, logger: logger
                ).decode((String, String?, Int64, Int64, Int64, String?, String?).self) {
                    let forkedFrom = origin.map { ForkPoint(sessionId: $0, messageId: originMessage) }
                    nodes[id] = SessionTreeNode(
                        id: id, title: title, messageCount: Int(count), createdAt: createdAt, updatedAt: updatedAt, forkedFrom: forkedFrom)
                    if id != root, let origin {
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
