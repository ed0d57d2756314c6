import SessionStoreSQLite

extension SessionRepository {
    /// Removes the session's last message (no `messageId`), or every message after `messageId` (which stays),
    /// and stamps `updatedAt`. The removed messages become the front of the session's reverted tail, which
    /// ``unrevert(workspaceId:sessionId:)`` puts back, and the revert marker names the first of them. Other
    /// sessions showing these messages keep them.
    ///
    /// - Throws: ``SessionStoreError/sessionNotFound(workspaceId:sessionId:)``, or
    ///   ``SessionStoreError/messageNotInSession(sessionId:messageId:)`` when the session does not show
    ///   `messageId`; nothing changes then.
    public func revert(workspaceId: String, sessionId: String, messageId: String? = nil) async throws -> Session {
        try await configuration.logged("revert", workspaceId: workspaceId, sessionId: sessionId, messageId: messageId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            if let messageId {
                try limits.checkIdentifier(messageId, "messageId")
            }
            let now = configuration.now()
            return try await write { connection in
                guard var session = try StoredRows.session(sessionId, workspaceId: workspaceId, connection) else {
                    throw SessionStoreError.sessionNotFound(workspaceId: workspaceId, sessionId: sessionId)
                }
                let keptCount = try session.keptCount(revertingTo: messageId)
                let removed = session.messageIds.count - keptCount
                if removed > 0 {
                    session.revert = RevertMarker(messageID: session.messageIds[keptCount])
                }
                session.messageIds.removeSubrange(keptCount...)
                session.updatedAt = now
                // The links stay where they are: the tail now starts after the last kept one, and what an earlier
                // revert left in it follows the links removed now.
                let tailStart: Int64? = removed > 0 ? Int64(keptCount + 1) : nil
                try connection.cachedStatement(
                    """
                    UPDATE sessions SET updated_at = ?2, revert_message_id = ?3, revert_reason = ?4,
                        reverted_from = coalesce(?5, reverted_from)
                    WHERE id = ?1
                    """
                ).execute([
                    .text(sessionId), .integer(now), SQLiteValue(session.revert?.messageID), SQLiteValue(session.revert?.reason),
                    SQLiteValue(tailStart),
                ])
                try self.record(
                    .reverted, workspaceId: workspaceId, sessionId: sessionId,
                    messageId: removed > 0 ? session.revert?.messageID : nil, at: now, connection)
                return session
            }
        }
    }

    /// Puts the session's whole reverted tail back at its end, in order, clears the revert marker and stamps
    /// `updatedAt`; returns the session. A session with nothing reverted is returned unchanged.
    ///
    /// - Throws: ``SessionStoreError/sessionNotFound(workspaceId:sessionId:)``.
    public func unrevert(workspaceId: String, sessionId: String) async throws -> Session {
        try await configuration.logged("unrevert", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            let now = configuration.now()
            return try await write { connection in
                guard var session = try StoredRows.session(sessionId, workspaceId: workspaceId, connection) else {
                    throw SessionStoreError.sessionNotFound(workspaceId: workspaceId, sessionId: sessionId)
                }
                try connection.cachedStatement(
                    """
                    UPDATE sessions SET updated_at = ?2, revert_message_id = NULL, revert_reason = NULL, reverted_from = NULL
                    WHERE id = ?1 AND reverted_from IS NOT NULL
                    """
                ).execute([.text(sessionId), .integer(now)])
                guard connection.changes > 0 else { return session }
                try self.record(.unreverted, workspaceId: workspaceId, sessionId: sessionId, at: now, connection)
                session.messageIds = try StoredRows.messageIds(of: sessionId, connection)
                session.revert = nil
                session.updatedAt = now
                return session
            }
        }
    }
}
