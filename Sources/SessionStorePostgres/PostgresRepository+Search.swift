import PostgresNIO
import SessionStore

extension PostgresRepository {
    /// The workspace's messages that live sessions show and that contain every word of `query` (the last one
    /// may be the start of a word), best matches first, with a snippet of the text around the words between
    /// `marks`; a streaming reply is found by what its stream has written so far, ahead of the others. Pages and
    /// errors as ``SessionRepository``'s. PostgreSQL's own search (`tsvector`, the `simple` configuration)
    /// decides what a word is and ranks the hits: it does not fold accents, and a word of several parts
    /// ("log-in") matches them anywhere in the message.
    public func searchMessages(
        workspaceId: String, query: String, page: PageRequest = .first(20), marks: SnippetMarks = .markdownBold
    ) async throws -> Page<MessageSearchHit> {
        try await search("searchMessages", workspaceId: workspaceId, query: query, page: page) { [logger] connection, query, offset, count in
            var hits: [MessageSearchHit] = []
            for try await (id, role, createdAt, headline, sessionIds) in try await connection.query(
                """
                WITH found AS (
                    SELECT m.id, m.role, m.created_at, m.content, m.parts_text, 0 AS streaming,
                           ts_rank(m.search, to_tsquery('simple', \(query))) AS rank
                    FROM messages m
                    WHERE m.search @@ to_tsquery('simple', \(query)) AND m.workspace_id = \(workspaceId) AND NOT m.chunked
                    UNION ALL
                    SELECT m.id, m.role, m.created_at, c.content, m.parts_text, 1, 0 FROM messages m
                    CROSS JOIN LATERAL (SELECT \(unescaped: Self.shownContent) AS content) c
                    WHERE m.workspace_id = \(workspaceId) AND m.chunked
                      AND to_tsvector('simple', coalesce(c.content, '') || E'\\n' || coalesce(m.parts_text, ''))
                          @@ to_tsquery('simple', \(query))
                )
                SELECT f.id, f.role, f.created_at,
                       ts_headline('simple', coalesce(f.content, '') || E'\\n' || coalesce(f.parts_text, ''),
                                   to_tsquery('simple', \(query)), \(Self.headlineOptions)),
                       array(SELECT l.session_id FROM session_messages l JOIN sessions s ON s.id = l.session_id
                             WHERE l.message_id = f.id AND s.trashed_at IS NULL ORDER BY l.session_id)
                FROM found f
                WHERE EXISTS (SELECT 1 FROM session_messages l JOIN sessions s ON s.id = l.session_id
                              WHERE l.message_id = f.id AND s.trashed_at IS NULL)
                ORDER BY f.streaming DESC, f.rank DESC, f.id
                LIMIT \(count) OFFSET \(offset)
                """, logger: logger
            ).decode((String, String, Int64, String, [String]).self) {
                guard let role = SessionMessage.Role(rawValue: role) else {
                    throw SessionStoreError.corruptValue(table: "messages", id: id, reason: "unknown role \(role)")
                }
                hits.append(
                    MessageSearchHit(
                        messageId: id, role: role, sessionIds: sessionIds, snippet: Self.snippet(headline, marks), createdAt: createdAt))
            }
            return hits
        }
    }

    /// The workspace's live sessions whose title contains every word of `query` (the last one may be the start
    /// of a word), best matches first, the title with the words between `marks`. As ``searchMessages``, words
    /// are PostgreSQL's.
    public func searchSessions(
        workspaceId: String, query: String, page: PageRequest = .first(20), marks: SnippetMarks = .markdownBold
    ) async throws -> Page<SessionSearchHit> {
        try await search("searchSessions", workspaceId: workspaceId, query: query, page: page) { [logger] connection, query, offset, count in
            var hits: [SessionSearchHit] = []
            for try await (id, headline, updatedAt) in try await connection.query(
                """
                SELECT s.id, ts_headline('simple', coalesce(s.title, ''), to_tsquery('simple', \(query)), \(Self.titleOptions)),
                       s.updated_at
                FROM sessions s
                WHERE s.search @@ to_tsquery('simple', \(query)) AND s.workspace_id = \(workspaceId) AND s.trashed_at IS NULL
                ORDER BY ts_rank(s.search, to_tsquery('simple', \(query))) DESC, s.id
                LIMIT \(count) OFFSET \(offset)
                """, logger: logger
            ).decode((String, String, Int64).self) {
                hits.append(SessionSearchHit(sessionId: id, title: Self.snippet(headline, marks), updatedAt: updatedAt))
            }
            return hits
        }
    }

    /// A message's content as readers see it, with what its stream has flushed so far.
    static let shownContent = """
        CASE WHEN m.chunked
             THEN coalesce(m.content, '') || coalesce((SELECT string_agg(c.text, '' ORDER BY c.sequence)
                                                       FROM message_chunks c WHERE c.message_id = m.id), '')
             ELSE m.content END
        """

    // The marks are put in after: ts_headline's options cannot quote every text a caller may choose.
    private static let openMark = "\u{1}"
    private static let closeMark = "\u{2}"
    static let headlineOptions =
        "StartSel=\(openMark), StopSel=\(closeMark), MaxWords=16, MinWords=8, ShortWord=0, MaxFragments=1, FragmentDelimiter=…"
    static let titleOptions = "StartSel=\(openMark), StopSel=\(closeMark), HighlightAll=true"

    static func snippet(_ headline: String, _ marks: SnippetMarks) -> String {
        headline.replacing(openMark, with: marks.open).replacing(closeMark, with: marks.close)
    }

    /// The query in `to_tsquery`'s syntax: every word's letters and digits as quoted lexemes, all required, the
    /// last one a prefix.
    static func tsquery(_ query: SearchQuery) -> String {
        let lexemes = query.words.flatMap { word in
            word.split { !($0.isLetter || $0.isNumber) }.map { "'\($0)'" }
        }
        return lexemes.joined(separator: " & ") + ":*"
    }

    private func search<Hit: Sendable>(
        _ operation: String, workspaceId: String, query text: String, page: PageRequest,
        hits: @escaping @Sendable (PostgresConnection, String, Int64, Int64) async throws -> [Hit]
    ) async throws -> Page<Hit> {
        try await configuration.logged(operation, workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            let query = try SearchQuery(text)
            try page.checkLimit()
            let tsquery = Self.tsquery(query)
            return try await transaction { connection in
                var total: Int64 = 0
                // Search UIs seldom ask for the last page: it counts the hits by reading them, so that each kind of
                // search has one query.
                if case .last = page.anchor {
                    total = Int64(try await hits(connection, tsquery, 0, Int64.max).count)
                }
                let window = try SessionRepository.searchWindow(page, query: query) { total }
                return window.page(of: try await hits(connection, tsquery, window.offset, window.count), query: query)
            }
        }
    }
}
