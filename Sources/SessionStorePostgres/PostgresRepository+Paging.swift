import PostgresNIO
import SessionStore

extension PostgresRepository {
    static let summaryColumns = """
        id, title, parent_id, forked_from_session_id, forked_from_message_id, created_at, updated_at,
        (SELECT count(*) FROM session_messages l WHERE l.session_id = s.id)
        """

    /// One page of the messages the session shows, in order; cursors as ``SessionRepository``'s, so a page costs
    /// the same whatever the session's length. An unknown session has an empty first and last page.
    ///
    /// - Throws: `SessionStoreError.invalidPageSize`, `.invalidCursor`, and `.staleCursor` when the session no
    ///   longer shows the message the cursor names at the place it had.
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
            // One snapshot for the checks and the page.
            return try await transaction { [self] connection in
                let shown = try await connection.query(
                    "SELECT 1 FROM sessions WHERE id = \(sessionId) AND workspace_id = \(workspaceId) AND trashed_at IS NULL",
                    logger: logger
                ).collect().count == 1
                if let messageId {
                    let stillThere = try await connection.query(
                        """
                        SELECT 1 FROM session_messages
                        WHERE session_id = \(sessionId) AND position = \(start) AND message_id = \(messageId)
                        """, logger: logger
                    ).collect().count == 1
                    guard shown, stillThere else { throw SessionStoreError.staleCursor(page.cursor ?? "") }
                }
                guard shown else { return Page(items: []) }
                let (comparison, order) = page.readsForward ? (">", "ASC") : ("<", "DESC")
                var rows: [(message: SessionMessage, position: Int64)] = []
                for try await row in try await connection.query(
                    """
                    SELECT \(unescaped: Self.messageColumns), l.position
                    FROM session_messages l JOIN messages m ON m.id = l.message_id
                    WHERE l.session_id = \(sessionId) AND l.position \(unescaped: comparison) \(start)
                    ORDER BY l.position \(unescaped: order) LIMIT \(Int64(page.limit + 1))
                    """, logger: logger)
                {
                    rows.append((try Self.message(row), try row.makeRandomAccess()[16].decode(Int64.self)))
                }
                return Page(rows: rows, for: page) { .message(position: $0.position, messageId: $0.message.id) }.map(\.message)
            }
        }
    }

    /// One page of the workspace's live sessions as summaries, most recently updated first (ties: the later id
    /// first), keyset-paged on (`updatedAt`, `id`) as ``SessionRepository`` pages them.
    ///
    /// - Throws: `SessionStoreError.invalidPageSize`, `.invalidCursor`.
    public func listSessionSummaries(workspaceId: String, page: PageRequest) async throws -> Page<SessionSummary> {
        try await configuration.logged("listSessionSummaries", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            try page.checkLimit()
            let key: (updatedAt: Int64, id: String)? = switch try page.decodedCursor() {
            case nil: nil
            case .session(let updatedAt, let sessionId)?: (updatedAt, sessionId)
            case _?: throw SessionStoreError.invalidCursor(page.cursor ?? "")
            }
            // The list runs newest first, so reading forward is reading the index backwards.
            let (comparison, order) = page.readsForward ? ("<", "DESC") : (">", "ASC")
            let limit = Int64(page.limit + 1)
            let query: PostgresQuery = if let key {
                """
                SELECT \(unescaped: Self.summaryColumns) FROM sessions s
                WHERE workspace_id = \(workspaceId) AND trashed_at IS NULL
                  AND (updated_at, id) \(unescaped: comparison) (\(key.updatedAt), \(key.id))
                ORDER BY updated_at \(unescaped: order), id \(unescaped: order) LIMIT \(limit)
                """
            } else {
                """
                SELECT \(unescaped: Self.summaryColumns) FROM sessions s
                WHERE workspace_id = \(workspaceId) AND trashed_at IS NULL
                ORDER BY updated_at \(unescaped: order), id \(unescaped: order) LIMIT \(limit)
                """
            }
            return try await read { [self] connection in
                var rows: [SessionSummary] = []
                for try await (id, title, parentId, forkedFrom, forkedAt, createdAt, updatedAt, count) in try await connection.query(
                    query, logger: logger
                ).decode((String, String?, String?, String?, String?, Int64, Int64, Int64).self) {
                    rows.append(
                        SessionSummary(
                            id: id, title: title, parentId: parentId,
                            forkedFrom: forkedFrom.map { ForkPoint(sessionId: $0, messageId: forkedAt) },
                            createdAt: createdAt, updatedAt: updatedAt, messageCount: Int(count)))
                }
                return Page(rows: rows, for: page) { .session(updatedAt: $0.updatedAt, sessionId: $0.id) }
            }
        }
    }
}
