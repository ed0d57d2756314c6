import Foundation
import PostgresNIO
import SessionStore

extension PostgresRepository {
    static let messageColumns = """
        m.id, m.session_id, m.role,
        CASE WHEN m.chunked
             THEN coalesce(m.content, '') || coalesce((SELECT string_agg(c.text, '' ORDER BY c.sequence)
                                                       FROM message_chunks c WHERE c.message_id = m.id), '')
             ELSE m.content END,
        m.parts, m.tool_calls, m.tool_call_id, m.status, m.created_at, m.updated_at, m.input_tokens, m.output_tokens,
        m.reasoning_tokens, m.cache_read_tokens, m.cache_write_tokens, m.cost
        """

    /// The messages the session shows, in order; `[]` for an unknown session, as in the old store.
    public func getSessionMessages(workspaceId: String, sessionId: String) async throws -> [SessionMessage] {
        try await configuration.logged("getSessionMessages", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            return try await read { [self] connection in
                try await Self.messages(
                    connection.query(
                        """
                        SELECT \(unescaped: Self.messageColumns)
                        FROM sessions s
                        JOIN session_messages l ON l.session_id = s.id
                        JOIN messages m ON m.id = l.message_id
                        WHERE s.id = \(sessionId) AND s.workspace_id = \(workspaceId) AND s.trashed_at IS NULL
                        ORDER BY l.position
                        """, logger: logger))
            }
        }
    }

    /// Stores a message at the end of the session, under `message.id` or else a new ULID, and stamps the
    /// session's `updatedAt`; the session's reverted tail, if any, is discarded first. Appends to one session
    /// from any number of processes take positions one after another, with no gap and no repeat.
    ///
    /// With `message.id` set, a retried request is harmless: when the session already shows a message with this
    /// id and payload, that message is returned and nothing changes.
    ///
    /// - Throws: `SessionStoreError.sessionNotFound`, `.messageIdConflict` when `message.id` is taken by another
    ///   message, `.valueTooLarge` for a message over the limit, `.invalidUsage` for a usage out of range; nothing
    ///   changes then.
    public func addMessage(workspaceId: String, sessionId: String, message: NewMessage) async throws -> SessionMessage {
        try await configuration.logged("addMessage", workspaceId: workspaceId, sessionId: sessionId, messageId: message.id) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            if let id = message.id {
                try limits.checkIdentifier(id, "message id")
            }
            let now = configuration.now()
            let stored = SessionMessage(adding: message, to: sessionId, at: now)
            let parts = stored.parts.map(JSONWriter.parts)
            let toolCalls = stored.toolCalls.map(JSONWriter.toolCalls)
            try limits.checkMessage(stored, parts: parts, toolCalls: toolCalls)
            // Two appends of one new id at once both find no message; the second's insert then breaks the key,
            // and its next attempt finds the first's message.
            return try await transaction(retryingOn: PostgresFailure.uniqueViolation) { [self] connection in
                if message.id != nil, let existing = try await existingMessage(stored.id, connection) {
                    guard try await isRetry(of: existing, stored, workspaceId: workspaceId, connection) else {
                        throw SessionStoreError.messageIdConflict(messageId: stored.id)
                    }
                    return existing.message
                }
                // The session's row lock orders concurrent appends: each reads the last position after the one
                // before it committed.
                let locked = try await connection.query(
                    """
                    UPDATE sessions SET updated_at = \(now)
                    WHERE id = \(sessionId) AND workspace_id = \(workspaceId) AND trashed_at IS NULL RETURNING 1
                    """, logger: logger)
                guard try await locked.collect().count == 1 else {
                    throw SessionStoreError.sessionNotFound(workspaceId: workspaceId, sessionId: sessionId)
                }
                try await discardTail(of: sessionId, connection)
                let usage = stored.usage
                try await connection.query(
                    """
                    INSERT INTO messages (id, workspace_id, session_id, role, content, parts, tool_calls, tool_call_id, status,
                                          created_at, updated_at, input_tokens, output_tokens, reasoning_tokens,
                                          cache_read_tokens, cache_write_tokens, cost, parts_text, chunked)
                    VALUES (\(stored.id), \(workspaceId), \(sessionId), \(stored.role.rawValue), \(stored.content), \(parts),
                            \(toolCalls), \(stored.toolCallId), \(stored.status?.rawValue), \(now), \(now),
                            \(usage.map { Int64($0.inputTokens) }), \(usage.map { Int64($0.outputTokens) }),
                            \(usage.map { Int64($0.reasoningTokens) }), \(usage.map { Int64($0.cacheReadTokens) }),
                            \(usage.map { Int64($0.cacheWriteTokens) }), \(usage?.cost),
                            \(StoredRows.partsText(stored.parts)), \(stored.status == .streaming))
                    """, logger: logger)
                try await connection.query(
                    """
                    INSERT INTO session_messages (session_id, position, message_id)
                    SELECT \(sessionId), coalesce(max(position), 0) + 1, \(stored.id) FROM session_messages
                    WHERE session_id = \(sessionId)
                    """, logger: logger)
                try await recordChange(
                    .messageAdded, workspaceId: workspaceId, sessionId: sessionId, messageId: stored.id, at: now, connection)
                return stored
            }
        }
    }

    /// Applies `change` to the message's content, parts, tool calls, tool call id, status and usage, and stamps
    /// its `updatedAt`; returns the updated message, or nil when the workspace has no message with this id that a
    /// live session shows (or holds in its reverted tail). The change runs inside the transaction, on the
    /// message's locked row: concurrent updates never lose one another's deltas.
    public func updateMessage(
        workspaceId: String, messageId: String, _ change: @escaping @Sendable (inout MessageChanges) -> Void
    ) async throws -> SessionMessage? {
        try await updateMessage(workspaceId: workspaceId, messageId: messageId, endingStream: false, change)
    }

    /// ``updateMessage(workspaceId:messageId:_:)``; with `endingStream`, also marks the message as one that has no
    /// chunks any more, which only its stream's end may do.
    package func updateMessage(
        workspaceId: String, messageId: String, endingStream: Bool, _ change: @escaping @Sendable (inout MessageChanges) -> Void
    ) async throws -> SessionMessage? {
        try await configuration.logged("updateMessage", workspaceId: workspaceId, messageId: messageId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(messageId, "messageId")
            let now = configuration.now()
            return try await transaction { [self] connection in
                let rows = try await connection.query(
                    """
                    SELECT \(unescaped: Self.messageColumns), m.chunked FROM messages m
                    WHERE m.id = \(messageId) AND m.workspace_id = \(workspaceId)
                      AND (EXISTS (SELECT 1 FROM session_messages l JOIN sessions s ON s.id = l.session_id
                                   WHERE l.message_id = m.id AND s.trashed_at IS NULL)
                           OR EXISTS (SELECT 1 FROM reverted_links r JOIN sessions s ON s.id = r.session_id
                                      WHERE r.message_id = m.id AND s.trashed_at IS NULL))
                    FOR UPDATE OF m
                    """, logger: logger)
                var found: (SessionMessage, Bool)?
                for try await row in rows {
                    found = (try Self.message(row), try row.makeRandomAccess()[16].decode(Bool.self))
                }
                guard case (var message, let chunked)? = found else { return nil }
                var changes = MessageChanges(of: message)
                change(&changes)
                changes.apply(to: &message)
                message.updatedAt = now
                let parts = message.parts.map(JSONWriter.parts)
                let toolCalls = message.toolCalls.map(JSONWriter.toolCalls)
                try limits.checkMessage(message, parts: parts, toolCalls: toolCalls)
                // The content read includes what a stream flushed: it is written whole, in place of the chunks.
                if chunked {
                    try await connection.query("DELETE FROM message_chunks WHERE message_id = \(messageId)", logger: logger)
                }
                let usage = message.usage
                try await connection.query(
                    """
                    UPDATE messages SET content = \(message.content), parts = \(parts), tool_calls = \(toolCalls),
                        tool_call_id = \(message.toolCallId), status = \(message.status?.rawValue), updated_at = \(now),
                        input_tokens = \(usage.map { Int64($0.inputTokens) }), output_tokens = \(usage.map { Int64($0.outputTokens) }),
                        reasoning_tokens = \(usage.map { Int64($0.reasoningTokens) }),
                        cache_read_tokens = \(usage.map { Int64($0.cacheReadTokens) }),
                        cache_write_tokens = \(usage.map { Int64($0.cacheWriteTokens) }), cost = \(usage?.cost),
                        parts_text = \(StoredRows.partsText(message.parts)), chunked = chunked AND NOT \(endingStream)
                    WHERE id = \(messageId)
                    """, logger: logger)
                try await recordChange(
                    .messageUpdated, workspaceId: workspaceId, sessionId: message.sessionId, messageId: messageId, at: now,
                    connection)
                return message
            }
        }
    }

    /// The sums of the usage of the messages the session shows now (not its reverted tail); nil when the
    /// workspace has no such live session.
    public func getSessionUsage(workspaceId: String, sessionId: String) async throws -> Usage? {
        try await configuration.logged("getSessionUsage", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            return try await read { [self] connection in
                let rows = try await connection.query(
                    """
                    SELECT coalesce(sum(m.input_tokens), 0)::bigint, coalesce(sum(m.output_tokens), 0)::bigint,
                           coalesce(sum(m.reasoning_tokens), 0)::bigint, coalesce(sum(m.cache_read_tokens), 0)::bigint,
                           coalesce(sum(m.cache_write_tokens), 0)::bigint, coalesce(sum(m.cost), 0)::double precision
                    FROM sessions s
                    LEFT JOIN session_messages l ON l.session_id = s.id
                    LEFT JOIN messages m ON m.id = l.message_id
                    WHERE s.id = \(sessionId) AND s.workspace_id = \(workspaceId) AND s.trashed_at IS NULL
                    GROUP BY s.id
                    """, logger: logger)
                for try await (input, output, reasoning, cacheRead, cacheWrite, cost)
                    in rows.decode((Int64, Int64, Int64, Int64, Int64, Double).self)
                {
                    return Usage(
                        inputTokens: Int(input), outputTokens: Int(output), reasoningTokens: Int(reasoning),
                        cacheReadTokens: Int(cacheRead), cacheWriteTokens: Int(cacheWrite), cost: cost)
                }
                return nil
            }
        }
    }

    /// The stored message with this id and its workspace, whichever session it was created in.
    private func existingMessage(
        _ id: String, _ connection: PostgresConnection
    ) async throws -> (message: SessionMessage, workspaceId: String)? {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.messageColumns), m.workspace_id FROM messages m WHERE m.id = \(id)", logger: logger)
        for try await row in rows {
            return (try Self.message(row), try row.makeRandomAccess()[16].decode(String.self))
        }
        return nil
    }

    /// Whether `new` repeats `existing`: the same workspace, session and payload, and still shown there.
    private func isRetry(
        of existing: (message: SessionMessage, workspaceId: String), _ new: SessionMessage, workspaceId: String,
        _ connection: PostgresConnection
    ) async throws -> Bool {
        let old = existing.message
        guard existing.workspaceId == workspaceId, old.role == new.role, old.content == new.content, old.parts == new.parts,
            old.toolCalls == new.toolCalls, old.toolCallId == new.toolCallId
        else { return false }
        let shown = try await connection.query(
            """
            SELECT 1 FROM session_messages l JOIN sessions s ON s.id = l.session_id
            WHERE l.session_id = \(new.sessionId) AND l.message_id = \(new.id) AND s.trashed_at IS NULL
            """, logger: logger)
        return try await shown.collect().count == 1
    }

    static func messages(_ rows: PostgresRowSequence) async throws -> [SessionMessage] {
        var messages: [SessionMessage] = []
        for try await row in rows {
            messages.append(try message(row))
        }
        return messages
    }

    /// A row of `messageColumns` (columns past them are not read).
    static func message(_ row: PostgresRow) throws -> SessionMessage {
        let (id, sessionId, role, content, parts, toolCalls, toolCallId, status, createdAt, updatedAt) =
            try row.decode((String, String, String, String?, String?, String?, String?, String?, Int64, Int64).self)
        guard let role = SessionMessage.Role(rawValue: role) else {
            throw SessionStoreError.corruptValue(table: "messages", id: id, reason: "unknown role \(role)")
        }
        let stored = status.map { SessionMessage.Status(rawValue: $0) }
        if case .some(nil) = stored {
            throw SessionStoreError.corruptValue(table: "messages", id: id, reason: "unknown status \(status ?? "")")
        }
        let columns = row.makeRandomAccess()
        let tokens = try (10...14).map { try columns[$0].decode(Int64?.self) }
        let cost = try columns[15].decode(Double?.self)
        let usage = tokens.allSatisfy { $0 == nil } && cost == nil ? nil : Usage(
            inputTokens: Int(tokens[0] ?? 0), outputTokens: Int(tokens[1] ?? 0), reasoningTokens: Int(tokens[2] ?? 0),
            cacheReadTokens: Int(tokens[3] ?? 0), cacheWriteTokens: Int(tokens[4] ?? 0), cost: cost ?? 0)
        return SessionMessage(
            id: id, sessionId: sessionId, role: role, content: content,
            parts: try parts.map { try decodeJSON([MessagePart].self, $0, fastPath: JSONFastPath.parts, id: id) },
            createdAt: createdAt, updatedAt: updatedAt,
            toolCalls: try toolCalls.map { try decodeJSON([ToolCall].self, $0, fastPath: JSONFastPath.toolCalls, id: id) },
            toolCallId: toolCallId, status: stored ?? nil, usage: usage)
    }

    /// The JSON of a `parts` or `tool_calls` column: the library's own reader first, `JSONDecoder` for the rest.
    private static func decodeJSON<T: Decodable>(
        _ type: T.Type, _ text: String, fastPath: (UnsafeBufferPointer<UInt8>) -> T?, id: String
    ) throws -> T {
        var text = text
        if let value = text.withUTF8(fastPath) { return value }
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw SessionStoreError.corruptValue(table: "messages", id: id, reason: "its JSON does not decode: \(error)")
        }
    }
}
