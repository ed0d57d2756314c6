import SessionStoreSQLite

extension SessionRepository {
    /// The messages of the workspace's live sessions whose content or text parts hold every word of `query` (the
    /// last word may be the start of one), best match first (FTS5's bm25), a page at a time. A message only a
    /// reverted tail or the trash holds is not found; one that a live session shows is, whatever else holds it.
    ///
    /// `query` is words, never FTS5 syntax: quotes, operators and punctuation in it are searched for as text.
    /// Pages are counted from the best match, so a page read after writes may repeat or skip a hit.
    ///
    /// A reply that is streaming is found by the text its stream has written so far, ahead of the other hits.
    ///
    /// - Throws: ``SessionStoreError/invalidSearchQuery(reason:)`` for a query with no words or over the limits
    ///   (1,024 bytes, 32 words), ``SessionStoreError/invalidPageSize(_:)`` and
    ///   ``SessionStoreError/invalidCursor(_:)`` (also for a cursor of another query).
    public func searchMessages(
        workspaceId: String, query: String, page: PageRequest = .first(20), marks: SnippetMarks = .markdownBold
    ) async throws -> Page<MessageSearchHit> {
        let sessionIds = """
            SELECT l.session_id FROM session_links l JOIN sessions s ON s.id = l.session_id
            WHERE l.message_id = ?1 AND s.trashed_at IS NULL AND \(StoredRows.isShown) ORDER BY l.session_id
            """
        return try await search(
            "searchMessages", workspaceId: workspaceId, query: query, page: page,
            columns: "m.id, m.role, m.created_at, CASE WHEN m.id IS NOT NULL THEN snippet(message_search, -1, ?3, ?4, '…', 16) END",
            index: "message_search",
            rows: """
                messages m ON m.search_rowid = message_search.rowid AND m.workspace_id = ?2 AND m.chunked = 0
                  AND EXISTS (SELECT 1 FROM session_links l JOIN sessions s ON s.id = l.session_id
                              WHERE l.message_id = m.id AND s.trashed_at IS NULL AND \(StoredRows.isShown))
                """,
            leading: Self.streamingHits,
            marks: marks
        ) { row, connection in
            let id = row.string(0)
            guard let role = SessionMessage.Role(rawValue: row.string(1)) else {
                throw SessionStoreError.corruptValue(table: "messages", id: id, reason: "unknown role \(row.string(1))")
            }
            return MessageSearchHit(
                messageId: id, role: role, sessionIds: try connection.cachedStatement(sessionIds).map([.text(id)]) { $0.string(0) },
                snippet: row.string(3), createdAt: row.int64(2))
        }
    }

    /// The workspace's live sessions whose title holds every word of `query` (the last word may be the start of
    /// one), best match first, a page at a time; each title comes whole, the matched words between `marks`. The
    /// same rules as ``searchMessages(workspaceId:query:page:marks:)``.
    public func searchSessions(
        workspaceId: String, query: String, page: PageRequest = .first(20), marks: SnippetMarks = .markdownBold
    ) async throws -> Page<SessionSearchHit> {
        try await search(
            "searchSessions", workspaceId: workspaceId, query: query, page: page,
            columns: "s.id, CASE WHEN s.id IS NOT NULL THEN highlight(session_search, 0, ?3, ?4) END, s.updated_at",
            index: "session_search",
            rows: "sessions s ON s.search_rowid = session_search.rowid AND s.workspace_id = ?2 AND s.trashed_at IS NULL",
            marks: marks
        ) { row, _ in
            SessionSearchHit(sessionId: row.string(0), title: row.string(1), updatedAt: row.int64(2))
        }
    }

    /// The hits among replies that are streaming, matched against their text as it is now by the index's rules:
    /// their chunks have no index of their own, so that a flush writes none. The bindings are those of `search`.
    private static func streamingHits<Hit>(
        _ connection: Connection, _ arguments: [SQLiteValue], _ hit: (Row, Connection) throws -> Hit
    ) throws -> [Hit] {
        guard
            try connection.cachedStatement("SELECT 1 FROM messages WHERE workspace_id = ?1 AND chunked = 1 LIMIT 1")
                .first([arguments[1]], { _ in true }) == true
        else { return [] }
        try connection.execute(
            """
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.streaming_search
            USING fts5(content, parts_text, tokenize = 'unicode61 remove_diacritics 2')
            """)
        // The copies of the text live for this search only.
        defer { try? connection.execute("DELETE FROM temp.streaming_search") }
        try connection.execute(
            """
            INSERT INTO temp.streaming_search (rowid, content, parts_text)
            SELECT m.search_rowid, \(StoredRows.shownContent), m.parts_text FROM messages m
            WHERE m.workspace_id = ?1 AND m.chunked = 1
            """, [arguments[1]])
        return try connection.cachedStatement(
            """
            SELECT m.id, m.role, m.created_at, snippet(streaming_search, -1, ?3, ?4, '…', 16)
            FROM temp.streaming_search JOIN messages m ON m.search_rowid = streaming_search.rowid
            WHERE streaming_search MATCH ?1 AND m.workspace_id = ?2
              AND EXISTS (SELECT 1 FROM session_links l JOIN sessions s ON s.id = l.session_id
                          WHERE l.message_id = m.id AND s.trashed_at IS NULL AND \(StoredRows.isShown))
            ORDER BY rank
            """
        ).map(arguments) { try hit($0, connection) }
    }

    /// Runs one search: the few hits `leading` finds, then `columns` of the best matches in `index` that join
    /// `rows` (the first column NULL for a match `rows` refuses); the query bound to ?1, the workspace to ?2, the
    /// marks to ?3 and ?4, each row made a hit by `hit`.
    private func search<Hit: Sendable>(
        _ operation: String, workspaceId: String, query text: String, page: PageRequest, columns: String, index: String,
        rows: String, leading: (@Sendable (Connection, [SQLiteValue], (Row, Connection) throws -> Hit) throws -> [Hit])? = nil,
        marks: SnippetMarks, hit: @escaping @Sendable (Row, Connection) throws -> Hit
    ) async throws -> Page<Hit> {
        try await configuration.logged(operation, workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            let query = try SearchQuery(text)
            try page.checkLimit()
            return try await database.read { connection in
                let matching: [SQLiteValue] = [.text(query.expression), .text(workspaceId)]
                let arguments = matching + [.text(marks.open), .text(marks.close)]
                let first = try leading?(connection, arguments, hit) ?? []
                let window = try Self.searchWindow(page, query: query) {
                    let count = "SELECT count(*) FROM \(index) JOIN \(rows) WHERE \(index) MATCH ?1"
                    return try Int64(first.count) + (connection.cachedStatement(count).first(matching) { $0.int64(0) } ?? 0)
                }
                let shownFirst = first.dropFirst(Int(window.offset)).prefix(Int(window.count))
                let ranked = try Self.bestHits(
                    connection.cachedStatement(
                        """
                        SELECT \(columns) FROM \(index) LEFT JOIN \(rows)
                        WHERE \(index) MATCH ?1 AND \(index).rank MATCH ?5 ORDER BY rank LIMIT ?6
                        """),
                    arguments, skipping: max(window.offset - Int64(first.count), 0),
                    count: window.count - Int64(shownFirst.count)
                ) { try hit($0, connection) }
                return window.page(of: Array(shownFirst) + ranked, query: query)
            }
        }
    }

    /// The `count` best hits after the `skipped` first, from `ranked`'s matches in order. `bm25_best` ranks just
    /// as many of the best matches of the whole index as the page needs; when some of them are not hits (another
    /// workspace's, or trashed) and the page is not full, more are ranked, as many more as the share of hits
    /// among those read says the page needs, twice over.
    private static func bestHits<Hit>(
        _ ranked: Statement, _ arguments: [SQLiteValue], skipping skipped: Int64, count: Int64, _ hit: (Row) throws -> Hit
    ) throws -> [Hit] {
        guard count > 0 else { return [] }
        // The hits among the first `limit` matches `rank` orders, how many there were, and whether they are the
        // page: it is full, or every match was read.
        func read(rank: String, limit: Int64) throws -> (hits: [Hit], shown: Int64, isPage: Bool) {
            var hits: [Hit] = []
            var matches: Int64 = 0
            var shown: Int64 = 0
            try ranked.bind(arguments + [.text(rank), .integer(limit)])
            defer { ranked.reset() }
            while hits.count < count, try ranked.step() {
                matches += 1
                guard !ranked.row.isNull(0) else { continue }
                shown += 1
                if shown > skipped { hits.append(try hit(ranked.row)) }
            }
            return (hits, shown, hits.count == count || matches < limit)
        }
        let needed = skipped + count
        var candidates = needed
        while true {
            let best = try read(rank: "\(BestMatchRanking.name)(\(candidates))", limit: candidates)
            if best.isPage { return best.hits }
            let growth = best.shown == 0 ? 16 : max(2, 2 * needed / best.shown)
            guard candidates <= Int64(Int32.max) / growth else { return try read(rank: "bm25()", limit: -1).hits }
            candidates *= growth
        }
    }

    /// Which hits, counted from the best, a page of search results holds; `count` asks for one more than the
    /// page when reading forward, to tell whether more follow.
    package struct SearchWindow {
        package var offset: Int64
        package var count: Int64
        package var limit: Int64

        /// The page of `items`, read from this window, with cursors naming its first and last hit.
        package func page<Item>(of items: [Item], query: SearchQuery) -> Page<Item> {
            let kept = Array(items.prefix(Int(limit)))
            guard !kept.isEmpty else { return Page(items: []) }
            let cursor = { (index: Int) in PageCursor.searchHit(offset: offset + Int64(index), query: query.fingerprint).encoded }
            return Page(
                items: kept, before: offset > 0 ? cursor(0) : nil, after: items.count > kept.count ? cursor(kept.count - 1) : nil)
        }
    }

    /// The window of hits `page` asks for; `total` counts the hits, for a last page only.
    package static func searchWindow(_ page: PageRequest, query: SearchQuery, total: () throws -> Int64) throws -> SearchWindow {
        let limit = Int64(page.limit)
        switch (page.anchor, try page.decodedCursor()) {
        case (.first, _):
            return SearchWindow(offset: 0, count: limit + 1, limit: limit)
        case (.last, _):
            let offset = max(try total() - limit, 0)
            return SearchWindow(offset: offset, count: limit, limit: limit)
        case (.after, .searchHit(let offset, let fingerprint)?) where fingerprint == query.fingerprint:
            return SearchWindow(offset: offset + 1, count: limit + 1, limit: limit)
        case (.before, .searchHit(let offset, let fingerprint)?) where fingerprint == query.fingerprint:
            let start = max(offset - limit, 0)
            // The hit the cursor names follows this page, so the page always has an `after` cursor.
            return SearchWindow(offset: start, count: offset - start + 1, limit: offset - start)
        default:
            throw SessionStoreError.invalidCursor(page.cursor ?? "")
        }
    }
}
