import SessionStoreSQLite

/// How sessions and messages are read from rows: the one place that knows the column order.
package enum StoredRows {
    static let sessionColumns = """
        id, workspace_id, title, parent_id, created_at, updated_at, model_provider_id, model_id, agent,
        revert_message_id, revert_reason, forked_from_session_id, forked_from_message_id
        """

    static let messageColumns = """
        m.id, m.session_id, m.role, \(shownContent), m.parts, m.tool_calls, m.tool_call_id, m.status, m.created_at,
        m.updated_at, m.input_tokens, m.output_tokens, m.reasoning_tokens, m.cache_read_tokens, m.cache_write_tokens,
        m.cost
        """

    /// Whether the link `l` is one that its session `s` shows: it lies before the session's reverted tail, if any.
    static let isShown = "(s.reverted_from IS NULL OR l.position < s.reverted_from)"

    /// A message's content as readers see it: with what its stream has flushed so far, as the schema's
    /// `conversation` view shows it. The subquery's order is the index's, which `group_concat` keeps.
    static let shownContent = """
        CASE WHEN m.chunked
             THEN coalesce(ifnull(m.content, '') || (SELECT group_concat(c.text, '')
                           FROM (SELECT text FROM message_chunks WHERE message_id = m.id ORDER BY sequence) c), m.content)
             ELSE m.content END
        """

    /// Inserts a message row from ``insertArguments(_:workspaceId:limits:)``, with the next search number (the
    /// schema's trigger for rows written by hand would find it with a second statement), marked as one that may
    /// have chunks when it is streaming: a stream's writes then never touch the row, whose last columns lie past
    /// its content.
    static let insertMessage = """
        INSERT INTO messages (id, session_id, role, content, parts, tool_calls, tool_call_id, status, created_at,
            updated_at, input_tokens, output_tokens, reasoning_tokens, cache_read_tokens, cache_write_tokens, cost,
            workspace_id, parts_text, search_rowid, chunked)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
            (SELECT coalesce(max(search_rowid), 0) + 1 FROM messages), ?8 IS 'streaming')
        """

    /// The session of a row of `sessionColumns`, without its message ids.
    static func session(_ row: Row) -> Session {
        let model = row.optionalString(6).map { ModelSelection(providerId: $0, modelId: row.string(7)) }
        let revert = row.optionalString(9).map { RevertMarker(messageID: $0, reason: row.optionalString(10)) }
        let forkedFrom = row.optionalString(11).map { ForkPoint(sessionId: $0, messageId: row.optionalString(12)) }
        return Session(
            id: row.string(0), workspaceId: row.string(1), title: row.optionalString(2), parentId: row.optionalString(3),
            createdAt: row.int64(4), updatedAt: row.int64(5), messageIds: [], model: model,
            agent: row.optionalString(8), revert: revert, forkedFrom: forkedFrom)
    }

    static func message(_ row: Row) throws -> SessionMessage {
        let id = row.string(0)
        // The schema's CHECK constraints keep role and status within these enums.
        guard let role = row.withUTF8(2, SessionMessage.Role.init(stored:)) else {
            throw SessionStoreError.corruptValue(table: "messages", id: id, reason: "unknown role \(row.string(2))")
        }
        let status = row.withUTF8(7, SessionMessage.Status.init(stored:))
        if status == nil, let stored = row.optionalString(7) {
            throw SessionStoreError.corruptValue(table: "messages", id: id, reason: "unknown status \(stored)")
        }
        return SessionMessage(
            id: id, sessionId: row.string(1), role: role, content: row.optionalString(3),
            parts: try JSONText.decode(4, of: row, fastPath: JSONFastPath.parts, table: "messages", id: id),
            createdAt: row.int64(8), updatedAt: row.int64(9),
            toolCalls: try JSONText.decode(5, of: row, fastPath: JSONFastPath.toolCalls, table: "messages", id: id),
            toolCallId: row.optionalString(6), status: status, usage: usage(row))
    }

    /// The usage columns of a message row, nil when none is set.
    private static func usage(_ row: Row) -> Usage? {
        guard !row.isNull(10) || !row.isNull(15) else { return nil }
        return Usage(
            inputTokens: Int(row.int64(10)), outputTokens: Int(row.int64(11)), reasoningTokens: Int(row.int64(12)),
            cacheReadTokens: Int(row.int64(13)), cacheWriteTokens: Int(row.int64(14)), cost: row.double(15))
    }

    static func sessionArguments(_ session: Session) -> [SQLiteValue] {
        [
            .text(session.id), .text(session.workspaceId), SQLiteValue(session.title), SQLiteValue(session.parentId),
            .integer(session.createdAt), .integer(session.updatedAt), SQLiteValue(session.model?.providerId),
            SQLiteValue(session.model?.modelId), SQLiteValue(session.agent), SQLiteValue(session.revert?.messageID),
            SQLiteValue(session.revert?.reason), SQLiteValue(session.forkedFrom?.sessionId),
            SQLiteValue(session.forkedFrom?.messageId),
        ]
    }

    /// The message's stored values in `messageColumns` order followed by the workspace id, after checking its
    /// size against `limits`.
    static func messageArguments(_ message: SessionMessage, workspaceId: String, limits: Limits) throws -> [SQLiteValue] {
        let parts = message.parts.map(JSONWriter.parts)
        let toolCalls = message.toolCalls.map(JSONWriter.toolCalls)
        try limits.checkMessage(message, parts: parts, toolCalls: toolCalls)
        try limits.checkLabel(message.toolCallId, "toolCallId")
        return [
            .text(message.id), .text(message.sessionId), .text(message.role.rawValue), SQLiteValue(message.content),
            SQLiteValue(parts), SQLiteValue(toolCalls), SQLiteValue(message.toolCallId),
            SQLiteValue(message.status?.rawValue), .integer(message.createdAt), .integer(message.updatedAt),
            SQLiteValue(message.usage.map { Int64($0.inputTokens) }), SQLiteValue(message.usage.map { Int64($0.outputTokens) }),
            SQLiteValue(message.usage.map { Int64($0.reasoningTokens) }), SQLiteValue(message.usage.map { Int64($0.cacheReadTokens) }),
            SQLiteValue(message.usage.map { Int64($0.cacheWriteTokens) }), SQLiteValue(message.usage?.cost), .text(workspaceId),
        ]
    }

    /// The parameters of `insertMessage`: ``messageArguments(_:workspaceId:limits:)`` and the text search reads
    /// of the parts.
    static func insertArguments(_ message: SessionMessage, workspaceId: String, limits: Limits) throws -> [SQLiteValue] {
        try messageArguments(message, workspaceId: workspaceId, limits: limits) + [SQLiteValue(partsText(message.parts))]
    }

    /// What search reads of parts: the content of the text parts, one per line; nil when there is none. The same
    /// as the schema computes for a row written by hand (`messages_search_on_insert_by_hand`).
    package static func partsText(_ parts: [MessagePart]?) -> String? {
        let texts = (parts ?? []).filter { $0.type == .text }.compactMap(\.content)
        return texts.isEmpty ? nil : texts.joined(separator: "\n")
    }

    /// The ids of the messages the session shows, in order: its links before its reverted tail.
    static func messageIds(of sessionId: String, _ connection: Connection) throws -> [String] {
        try connection.cachedStatement(
            """
            SELECT message_id FROM session_links
            WHERE session_id = ?1 AND position < coalesce((SELECT reverted_from FROM sessions WHERE id = ?1), \(Int64.max))
            ORDER BY position
            """
        ).map([.text(sessionId)]) { $0.string(0) }
    }

    /// The ids of the messages the session shows at positions 1 to `position`, in order.
    static func messageIds(of sessionId: String, upTo position: Int64, _ connection: Connection) throws -> [String] {
        try connection.cachedStatement(
            "SELECT message_id FROM session_links WHERE session_id = ?1 AND position <= ?2 ORDER BY position"
        ).map([.text(sessionId), .integer(position)]) { $0.string(0) }
    }

    /// The live session, with its message ids unless `withMessageIds` is false, or nil when the workspace has no
    /// such session outside the trash.
    static func session(
        _ sessionId: String, workspaceId: String, withMessageIds: Bool = true, _ connection: Connection
    ) throws -> Session? {
        let found = try connection.cachedStatement(
            "SELECT \(sessionColumns) FROM sessions WHERE id = ?1 AND workspace_id = ?2 AND trashed_at IS NULL"
        ).first([.text(sessionId), .text(workspaceId)]) { session($0) }
        guard var found else { return nil }
        if withMessageIds {
            found.messageIds = try messageIds(of: sessionId, connection)
        }
        return found
    }

    /// The workspace's live sessions with their message ids, most recently updated first (ties: the later id
    /// first).
    static func sessions(workspaceId: String, _ connection: Connection) throws -> [Session] {
        // The links come grouped by session: one String and one dictionary entry per session, not per link.
        var messageIds: [String: [String]] = [:]
        var sessionId = ""
        var idsOfSession: [String] = []
        try connection.cachedStatement(
            """
            SELECT l.session_id, l.message_id
            FROM sessions s JOIN session_links l ON l.session_id = s.id
            WHERE s.workspace_id = ?1 AND s.trashed_at IS NULL AND \(isShown)
            ORDER BY l.session_id, l.position
            """
        ).forEach([.text(workspaceId)]) { row in
            if !row.text(0, equals: sessionId) {
                if !idsOfSession.isEmpty { messageIds[sessionId] = idsOfSession }
                sessionId = row.string(0)
                idsOfSession = []
            }
            idsOfSession.append(row.string(1))
        }
        if !idsOfSession.isEmpty { messageIds[sessionId] = idsOfSession }
        return try connection.cachedStatement(
            "SELECT \(sessionColumns) FROM sessions WHERE workspace_id = ?1 AND trashed_at IS NULL ORDER BY updated_at DESC, id DESC"
        ).map([.text(workspaceId)]) { row in
            var session = session(row)
            session.messageIds = messageIds.removeValue(forKey: session.id) ?? []
            return session
        }
    }

    /// The workspace's sessions in the trash with their message ids, most recently trashed first (ties: the later
    /// id first).
    static func trashedSessions(workspaceId: String, _ connection: Connection) throws -> [TrashedSession] {
        try connection.cachedStatement(
            """
            SELECT \(sessionColumns), trashed_at FROM sessions
            WHERE workspace_id = ?1 AND trashed_at IS NOT NULL ORDER BY trashed_at DESC, id DESC
            """
        ).map([.text(workspaceId)]) { row in
            TrashedSession(session: session(row), trashedAt: row.int64(13))
        }.map { trashed in
            var trashed = trashed
            trashed.session.messageIds = try messageIds(of: trashed.session.id, connection)
            return trashed
        }
    }

    package static func checkSession(_ session: Session, limits: Limits) throws(SessionStoreError) {
        try limits.checkLabel(session.title, "title")
        try limits.checkLabel(session.agent, "agent")
        try limits.checkLabel(session.model?.providerId, "model.providerId")
        try limits.checkLabel(session.model?.modelId, "model.modelId")
        try limits.checkLabel(session.revert?.messageID, "revert.messageID")
        try limits.checkLabel(session.revert?.reason, "revert.reason")
        if let parentId = session.parentId {
            try limits.checkIdentifier(parentId, "parentId")
        }
    }

    /// Throws unless `parentId` names a live session of the workspace.
    static func checkParent(_ parentId: String?, workspaceId: String, _ connection: Connection) throws {
        guard let parentId else { return }
        let exists = try connection.cachedStatement(
            "SELECT 1 FROM sessions WHERE id = ?1 AND workspace_id = ?2 AND trashed_at IS NULL")
            .first([.text(parentId), .text(workspaceId)]) { _ in true } ?? false
        guard exists else { throw SessionStoreError.parentNotFound(workspaceId: workspaceId, parentId: parentId) }
    }

    /// Throws when `parentId` is the session or one of its descendants; a new session has none.
    static func checkNoCycle(_ parentId: String?, of sessionId: String, _ connection: Connection) throws {
        guard let parentId else { return }
        // The walk goes through sessions in the trash, which keep their children. UNION, not UNION ALL, ends it
        // on a circle already in the file (made by hand).
        let descends = try connection.cachedStatement(
            """
            WITH RECURSIVE ancestors(id) AS (
                SELECT ?1 UNION
                SELECT sessions.parent_id FROM sessions JOIN ancestors ON sessions.id = ancestors.id
                WHERE sessions.parent_id IS NOT NULL
            )
            SELECT 1 FROM ancestors WHERE id = ?2
            """
        ).first([.text(parentId), .text(sessionId)]) { _ in true } ?? false
        guard !descends else { throw SessionStoreError.parentCycle(sessionId: sessionId, parentId: parentId) }
    }
}

extension StoredRows {
    /// Discards the session's reverted tail, if it has one, and the revert marker that names it: bodies that no
    /// session links any more go with it. A tail exists only while the marker is set (revert sets it, unrevert and
    /// this clear both, and so does an update that clears the marker).
    static func discardTail(of sessionId: String, _ connection: Connection) throws {
        try connection.cachedStatement(
            "DELETE FROM session_links WHERE session_id = ?1 AND position >= (SELECT reverted_from FROM sessions WHERE id = ?1)"
        ).execute([.text(sessionId)])
        guard connection.changes > 0 else { return }
        try connection.cachedStatement(
            "UPDATE sessions SET reverted_from = NULL, revert_message_id = NULL, revert_reason = NULL WHERE id = ?1"
        ).execute([.text(sessionId)])
    }
}

// Reading role and status from a row's bytes without making a String: it showed in the profile of every read.
extension SessionMessage.Role {
    init?(stored bytes: UnsafeBufferPointer<UInt8>?) {
        guard let bytes else { return nil }
        if spells(bytes, "user") { self = .user }
        else if spells(bytes, "assistant") { self = .assistant }
        else if spells(bytes, "tool") { self = .tool }
        else if spells(bytes, "system") { self = .system }
        else { return nil }
    }
}

extension SessionMessage.Status {
    init?(stored bytes: UnsafeBufferPointer<UInt8>?) {
        guard let bytes else { return nil }
        if spells(bytes, "completed") { self = .completed }
        else if spells(bytes, "streaming") { self = .streaming }
        else if spells(bytes, "pending") { self = .pending }
        else if spells(bytes, "error") { self = .error }
        else { return nil }
    }
}
