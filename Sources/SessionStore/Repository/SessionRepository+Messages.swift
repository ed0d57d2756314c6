import SessionStoreSQLite

extension SessionRepository {
    /// The messages the session shows, in order; `[]` for an unknown session, as in the old store.
    public func getSessionMessages(workspaceId: String, sessionId: String) async throws -> [SessionMessage] {
        try await configuration.logged("getSessionMessages", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            return try await database.read { connection in
                try connection.cachedStatement(
                    """
                    SELECT \(StoredRows.messageColumns)
                    FROM sessions s
                    JOIN session_links l ON l.session_id = s.id
                    JOIN messages m ON m.id = l.message_id
                    WHERE s.id = ?1 AND s.workspace_id = ?2 AND s.trashed_at IS NULL AND \(StoredRows.isShown)
                    ORDER BY l.position
                    """
                ).map([.text(sessionId), .text(workspaceId)], StoredRows.message)
            }
        }
    }

    /// Stores a message at the end of the session, under `message.id` or else a new ULID, and stamps the
    /// session's `updatedAt`. The session's reverted tail, if any, is discarded first.
    ///
    /// With `message.id` set, a retried request is harmless: when the session already shows a message with this
    /// id, role, content, parts, tool calls and tool call id, that message is returned and nothing changes.
    ///
    /// - Throws: ``SessionStoreError/sessionNotFound(workspaceId:sessionId:)``,
    ///   ``SessionStoreError/messageIdConflict(messageId:)`` when `message.id` is taken by another message (another
    ///   payload, session or workspace), ``SessionStoreError/valueTooLarge(field:byteCount:limit:)`` for a
    ///   message over ``Limits/messageBytes``, or ``SessionStoreError/invalidUsage(reason:)`` for a usage out of
    ///   the ranges ``Usage`` documents; nothing changes then.
    public func addMessage(workspaceId: String, sessionId: String, message: NewMessage) async throws -> SessionMessage {
        try await configuration.logged("addMessage", workspaceId: workspaceId, sessionId: sessionId, messageId: message.id) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            if let id = message.id {
                try limits.checkIdentifier(id, "message id")
            }
            let now = configuration.now()
            let stored = SessionMessage(adding: message, to: sessionId, at: now)
            let arguments = try StoredRows.insertArguments(stored, workspaceId: workspaceId, limits: limits)
            return try await write { connection in
                if message.id != nil, let existing = try Self.existingMessage(stored.id, connection) {
                    guard try Self.isRetry(of: existing, stored, workspaceId: workspaceId, connection) else {
                        throw SessionStoreError.messageIdConflict(messageId: stored.id)
                    }
                    return existing.message
                }
                // Always asked: a seek into an empty range costs less than RETURNING the marker from the update
                // below would (Benchmarks/README.md, "Branches").
                try StoredRows.discardTail(of: sessionId, connection)
                // Clearing `reverted_from` here too means that the new link is never part of a tail, even where a
                // hand edit left the tail's start past the last link.
                try connection.execute(
                    "UPDATE sessions SET updated_at = ?3, reverted_from = NULL WHERE id = ?1 AND workspace_id = ?2 AND trashed_at IS NULL",
                    [.text(sessionId), .text(workspaceId), .integer(now)])
                guard connection.changes > 0 else {
                    throw SessionStoreError.sessionNotFound(workspaceId: workspaceId, sessionId: sessionId)
                }
                try Self.insert(arguments, connection)
                try connection.execute(
                    """
                    INSERT INTO session_links (session_id, position, message_id)
                    SELECT ?1, coalesce(max(position), 0) + 1, ?2 FROM session_links WHERE session_id = ?1
                    """,
                    [.text(sessionId), .text(stored.id)])
                try self.record(.messageAdded, workspaceId: workspaceId, sessionId: sessionId, messageId: stored.id, at: now, connection)
                return stored
            }
        }
    }

    /// Applies `change` to the message's content, parts, tool calls, tool call id, status and usage, and stamps
    /// its `updatedAt`; returns the updated message, or nil when the workspace has no message with this id that a
    /// live session shows (or holds in its reverted tail).
    ///
    /// The change runs inside the write transaction, so appending a streamed delta never loses another's:
    ///
    /// ```swift
    /// try await repository.updateMessage(workspaceId: w, messageId: m) { $0.content = ($0.content ?? "") + delta }
    /// ```
    ///
    /// - Throws: ``SessionStoreError/valueTooLarge(field:byteCount:limit:)`` when the changed message is over
    ///   ``Limits``, or ``SessionStoreError/invalidUsage(reason:)`` for a usage out of range; nothing changes then.
    public func updateMessage(
        workspaceId: String, messageId: String, _ change: @escaping @Sendable (inout MessageChanges) -> Void
    ) async throws -> SessionMessage? {
        try await updateMessage(workspaceId: workspaceId, messageId: messageId, endingStream: false, change)
    }

    /// ``updateMessage(workspaceId:messageId:_:)``; with `endingStream`, also marks the message as one that has no
    /// chunks any more, which only its stream's end may do: a stream still writing would write chunks no reader sees.
    package func updateMessage(
        workspaceId: String, messageId: String, endingStream: Bool, _ change: @escaping @Sendable (inout MessageChanges) -> Void
    ) async throws -> SessionMessage? {
        try await configuration.logged("updateMessage", workspaceId: workspaceId, messageId: messageId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(messageId, "messageId")
            let now = configuration.now()
            return try await write { [limits] connection in
                // A message that only trashed sessions show is as unknown as they are.
                guard
                    case (var message, let chunked)? = try connection.cachedStatement(
                        """
                        SELECT \(StoredRows.messageColumns), m.chunked FROM messages m
                        WHERE m.id = ?1 AND m.workspace_id = ?2
                          AND EXISTS (SELECT 1 FROM session_links l JOIN sessions s ON s.id = l.session_id
                                      WHERE l.message_id = m.id AND s.trashed_at IS NULL)
                        """
                    ).first([.text(messageId), .text(workspaceId)], { (try StoredRows.message($0), $0.int64(16) != 0) })
                else { return nil }
                var changes = MessageChanges(of: message)
                change(&changes)
                changes.apply(to: &message)
                message.updatedAt = now
                // The content read includes what a stream flushed: it is written whole, in place of the chunks.
                if chunked {
                    try connection.execute("DELETE FROM message_chunks WHERE message_id = ?1", [.text(messageId)])
                }
                try connection.execute(
                    """
                    UPDATE messages SET content = ?4, parts = ?5, tool_calls = ?6, tool_call_id = ?7, status = ?8,
                        updated_at = ?10, chunked = chunked AND NOT ?18, input_tokens = ?11, output_tokens = ?12, reasoning_tokens = ?13,
                        cache_read_tokens = ?14, cache_write_tokens = ?15, cost = ?16
                    WHERE id = ?1 AND workspace_id = ?17 AND session_id = ?2 AND role = ?3 AND created_at = ?9
                    """,
                    try StoredRows.messageArguments(message, workspaceId: workspaceId, limits: limits) + [.integer(endingStream ? 1 : 0)])
                try self.record(.messageUpdated, workspaceId: workspaceId, sessionId: message.sessionId, messageId: messageId, at: now, connection)
                return message
            }
        }
    }

    /// The sums of ``Usage`` over the messages the session shows now (not its reverted tail); nil when the
    /// workspace has no such live session.
    public func getSessionUsage(workspaceId: String, sessionId: String) async throws -> Usage? {
        try await configuration.logged("getSessionUsage", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            return try await database.read { connection in
                try connection.cachedStatement(
                    """
                    SELECT coalesce(sum(m.input_tokens), 0), coalesce(sum(m.output_tokens), 0),
                           coalesce(sum(m.reasoning_tokens), 0), coalesce(sum(m.cache_read_tokens), 0),
                           coalesce(sum(m.cache_write_tokens), 0), total(m.cost)
                    FROM sessions s
                    LEFT JOIN session_links l ON l.session_id = s.id AND \(StoredRows.isShown)
                    LEFT JOIN messages m ON m.id = l.message_id
                    WHERE s.id = ?1 AND s.workspace_id = ?2 AND s.trashed_at IS NULL
                    GROUP BY s.id
                    """
                ).first([.text(sessionId), .text(workspaceId)]) { row in
                    Usage(
                        inputTokens: Int(row.int64(0)), outputTokens: Int(row.int64(1)), reasoningTokens: Int(row.int64(2)),
                        cacheReadTokens: Int(row.int64(3)), cacheWriteTokens: Int(row.int64(4)), cost: row.double(5))
                }
            }
        }
    }

    /// The message stored under `id` in any workspace, with its workspace.
    private static func existingMessage(_ id: String, _ connection: Connection) throws -> (message: SessionMessage, workspaceId: String)? {
        try connection.cachedStatement(
            "SELECT \(StoredRows.messageColumns), m.workspace_id FROM messages m WHERE m.id = ?1"
        ).first([.text(id)]) { row in (try StoredRows.message(row), row.string(16)) }
    }

    /// Whether `existing` is what adding `new` to its session stored before: same workspace, shown by that live
    /// session, same role, content, parts, tool calls and tool call id.
    private static func isRetry(
        of existing: (message: SessionMessage, workspaceId: String), _ new: SessionMessage, workspaceId: String,
        _ connection: Connection
    ) throws -> Bool {
        let old = existing.message
        guard existing.workspaceId == workspaceId, old.role == new.role, old.content == new.content, old.parts == new.parts,
            old.toolCalls == new.toolCalls, old.toolCallId == new.toolCallId
        else { return false }
        return try connection.cachedStatement(
            """
            SELECT 1 FROM session_links l JOIN sessions s ON s.id = l.session_id
            WHERE l.session_id = ?1 AND l.message_id = ?2 AND s.trashed_at IS NULL AND \(StoredRows.isShown)
            """
        ).first([.text(new.sessionId), .text(new.id)]) { _ in true } ?? false
    }

    /// Inserts a message row from `StoredRows.insertArguments`.
    static func insert(_ arguments: [SQLiteValue], _ connection: Connection) throws {
        try connection.execute(StoredRows.insertMessage, arguments)
    }
}
