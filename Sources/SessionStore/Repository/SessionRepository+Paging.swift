import SessionStoreSQLite

extension SessionRepository {
    /// One page of the messages the session shows, in order: the first or last `limit`, or `limit` after or
    /// before a message a cursor of this session names. An unknown session has an empty first and last page.
    /// A page costs the same whatever the session's length.
    ///
    /// - Throws: ``SessionStoreError/invalidPageSize(_:)``, ``SessionStoreError/invalidCursor(_:)``, and
    ///   ``SessionStoreError/staleCursor(_:)`` when the session no longer shows the message the cursor names at
    ///   the place it had (reverted or deleted since, or the session itself is gone).
    public func getSessionMessages(workspaceId: String, sessionId: String, page: PageRequest) async throws -> Page<SessionMessage> {
        try await configuration.logged("getSessionMessages", workspaceId: workspaceId, sessionId: sessionId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try limits.checkIdentifier(sessionId, "sessionId")
            try page.checkLimit()
            let (start, messageId): (Int64, String?) = switch try page.decodedCursor() {
            case nil: (page.readsForward ? 0 : .max, nil)
            case .message(let position, let messageId)?: (position, messageId)
            case _?: throw SessionStoreError.invalidCursor(page.cursor ?? "")
            }
            return try await database.read { connection in
                // The session shows the links before its reverted tail: `end` is the first position it does not.
                let end = try connection.cachedStatement(
                    "SELECT coalesce(reverted_from, \(Int64.max)) FROM sessions WHERE id = ?1 AND workspace_id = ?2 AND trashed_at IS NULL"
                ).first([.text(sessionId), .text(workspaceId)]) { $0.int64(0) }
                if let messageId {
                    let stillThere = try connection.cachedStatement(
                        "SELECT 1 FROM session_links WHERE session_id = ?1 AND position = ?2 AND message_id = ?3"
                    ).first([.text(sessionId), .integer(start), .text(messageId)]) { _ in true } ?? false
                    guard let end, start < end, stillThere else { throw SessionStoreError.staleCursor(page.cursor ?? "") }
                }
                guard let end else { return Page(items: []) }
                let rows = try connection.cachedStatement(
                    page.readsForward
                        ? """
                          SELECT \(StoredRows.messageColumns), l.position FROM session_links l JOIN messages m ON m.id = l.message_id
                          WHERE l.session_id = ?1 AND l.position > ?2 AND l.position < ?4 ORDER BY l.position LIMIT ?3
                          """
                        : """
                          SELECT \(StoredRows.messageColumns), l.position FROM session_links l JOIN messages m ON m.id = l.message_id
                          WHERE l.session_id = ?1 AND l.position < min(?2, ?4) ORDER BY l.position DESC LIMIT ?3
                          """
                ).map([.text(sessionId), .integer(start), .integer(Int64(page.limit + 1)), .integer(end)]) { row in
                    (message: try StoredRows.message(row), position: row.int64(16))
                }
                return Page(rows: rows, for: page) { .message(position: $0.position, messageId: $0.message.id) }
                    .map(\.message)
            }
        }
    }

    /// One page of the workspace's live sessions as summaries, most recently updated first (ties: the later id
    /// first), keyset-paged on (`updatedAt`, `id`): walking the pages while sessions change never shows a
    /// session twice unless it was updated in between, and skips none that was not.
    ///
    /// - Throws: ``SessionStoreError/invalidPageSize(_:)`` and ``SessionStoreError/invalidCursor(_:)``.
    public func listSessionSummaries(workspaceId: String, page: PageRequest) async throws -> Page<SessionSummary> {
        try await configuration.logged("listSessionSummaries", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try page.checkLimit()
            // The list runs newest first, so reading forward is reading the index backwards.
            let key: (updatedAt: Int64, id: String)? = switch try page.decodedCursor() {
            case nil: nil
            case .session(let updatedAt, let sessionId)?: (updatedAt, sessionId)
            case _?: throw SessionStoreError.invalidCursor(page.cursor ?? "")
            }
            let (comparison, order) = page.readsForward ? ("<", "DESC") : (">", "ASC")
            let condition = key == nil ? "" : "AND (updated_at, id) \(comparison) (?3, ?4)"
            let sql = """
                SELECT id, title, parent_id, forked_from_session_id, forked_from_message_id, created_at, updated_at,
                       (SELECT count(*) FROM session_links l WHERE l.session_id = s.id AND \(StoredRows.isShown))
                FROM sessions s
                WHERE workspace_id = ?1 AND trashed_at IS NULL \(condition)
                ORDER BY updated_at \(order), id \(order) LIMIT ?2
                """
            let arguments: [SQLiteValue] = [.text(workspaceId), .integer(Int64(page.limit + 1))]
                + (key.map { [.integer($0.updatedAt), .text($0.id)] } ?? [])
            return try await database.read { connection in
                let rows = try connection.cachedStatement(sql).map(arguments) { row in
                    SessionSummary(
                        id: row.string(0), title: row.optionalString(1), parentId: row.optionalString(2),
                        forkedFrom: row.optionalString(3).map { ForkPoint(sessionId: $0, messageId: row.optionalString(4)) },
                        createdAt: row.int64(5), updatedAt: row.int64(6), messageCount: Int(row.int64(7)))
                }
                return Page(rows: rows, for: page) { .session(updatedAt: $0.updatedAt, sessionId: $0.id) }
            }
        }
    }
}
