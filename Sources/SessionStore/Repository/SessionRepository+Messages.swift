import SessionStoreSQLite

extension SessionRepository {
    /// The messages the session shows, in order; `[]` for an unknown session, as in the old store.
    public func getSessionMessages(workspaceId: String, sessionId: String) async throws -> [SessionMessage] {
        try await logged("getSessionMessages", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            return try await database.read { connection in
                try connection.cachedStatement(
                    """
                    SELECT \(StoredRows.messageColumns)
                    FROM sessions s
                    JOIN session_messages l ON l.session_id = s.id
                    JOIN messages m ON m.id = l.message_id
                    WHERE s.id = ?1 AND s.workspace_id = ?2
                    ORDER BY l.position
                    """
                ).map([.text(sessionId), .text(workspaceId)], StoredRows.message)
            }
        }
    }

    /// Stores a message with a new ULID at the end of the session, and stamps the session's `updatedAt`.
    ///
    /// - Throws: ``SessionStoreError/sessionNotFound(workspaceId:sessionId:)``, or
    ///   ``SessionStoreError/valueTooLarge(field:byteCount:limit:)`` for a message over ``Limits/messageBytes``.
    public func addMessage(workspaceId: String, sessionId: String, message: NewMessage) async throws -> SessionMessage {
        try await logged("addMessage", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            let now = configuration.now()
            let stored = SessionMessage(
                id: ULID.make(now: now), sessionId: sessionId, role: message.role, content: message.content,
                parts: message.parts, createdAt: now, updatedAt: now, toolCalls: message.toolCalls,
                toolCallId: message.toolCallId, status: message.status)
            let arguments = try StoredRows.messageArguments(stored, workspaceId: workspaceId, limits: limits)
            return try await database.write { connection in
                try connection.execute(
                    "UPDATE sessions SET updated_at = ?3 WHERE id = ?1 AND workspace_id = ?2",
                    [.text(sessionId), .text(workspaceId), .integer(now)])
                guard connection.changes > 0 else {
                    throw SessionStoreError.sessionNotFound(workspaceId: workspaceId, sessionId: sessionId)
                }
                try Self.insert(arguments, connection)
                try connection.execute(
                    """
                    INSERT INTO session_messages (session_id, position, message_id)
                    SELECT ?1, coalesce(max(position), 0) + 1, ?2 FROM session_messages WHERE session_id = ?1
                    """,
                    [.text(sessionId), .text(stored.id)])
                return stored
            }
        }
    }

    /// Applies `change` to the message's content, parts, tool calls, tool call id and status, and stamps its
    /// `updatedAt`; returns the updated message, or nil when the workspace has no message with this id.
    ///
    /// The change runs inside the write transaction, so appending a streamed delta never loses another's:
    ///
    /// ```swift
    /// try await repository.updateMessage(workspaceId: w, messageId: m) { $0.content = ($0.content ?? "") + delta }
    /// ```
    public func updateMessage(
        workspaceId: String, messageId: String, _ change: @escaping @Sendable (inout MessageChanges) -> Void
    ) async throws -> SessionMessage? {
        try await logged("updateMessage", workspaceId: workspaceId, messageId: messageId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(messageId, "messageId")
            let now = configuration.now()
            return try await database.write { [limits] connection in
                guard
                    var message = try connection.cachedStatement(
                        "SELECT \(StoredRows.messageColumns) FROM messages m WHERE m.id = ?1 AND m.workspace_id = ?2"
                    ).first([.text(messageId), .text(workspaceId)], StoredRows.message)
                else { return nil }
                var changes = MessageChanges(of: message)
                change(&changes)
                changes.apply(to: &message)
                message.updatedAt = now
                try connection.execute(
                    """
                    UPDATE messages SET content = ?4, parts = ?5, tool_calls = ?6, tool_call_id = ?7, status = ?8,
                        updated_at = ?10
                    WHERE id = ?1 AND workspace_id = ?11 AND session_id = ?2 AND role = ?3 AND created_at = ?9
                    """,
                    try StoredRows.messageArguments(message, workspaceId: workspaceId, limits: limits))
                return message
            }
        }
    }

    /// Inserts a message row from `StoredRows.messageArguments`.
    static func insert(_ messageArguments: [SQLiteValue], _ connection: Connection) throws {
        try connection.execute(StoredRows.insertMessage, messageArguments)
    }
}
