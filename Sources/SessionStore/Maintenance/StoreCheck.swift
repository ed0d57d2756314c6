import SessionStoreSQLite

/// The checks of ``SessionRepository/check(progress:)``: SQLite's own, then the store's invariants.
public enum StoreCheck {
    /// One broken rule, with what breaks it.
    public struct Violation: Codable, Sendable, Hashable, CustomStringConvertible {
        /// Which rule: `integrity`, `foreign_key`, `schema`, `position_gap`, `orphan_message`, `dangling_link`,
        /// `cross_workspace_link`, `reverted_tail`, `cross_workspace_parent`, `parent_cycle`, `fork_cycle`,
        /// `search_index`, `hidden_chunk`, `change_gap`, `unreadable_row`.
        public let rule: String
        /// What breaks it, naming the rows.
        public let detail: String

        /// "rule: detail".
        public var description: String { "\(rule): \(detail)" }
    }

    /// Every violation in the database, empty when it is sound; `progress` hears (messages read, messages in all)
    /// while every message is read back the way the library reads it. A file `integrity_check` finds damaged gets
    /// only its findings.
    ///
    /// - Throws: `SQLiteError` when the database cannot be read at all (its schema damaged, not a database).
    static func run(
        _ connection: Connection, migrator: Migrator = Migrator(), progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> [Violation] {
        var violations: [Violation] = []
        func collect(_ rule: String, _ sql: String, _ detail: (Row) -> String) throws {
            violations += try connection.prepare(sql).map { Violation(rule: rule, detail: detail($0)) }
        }

        do {
            try connection.prepare("PRAGMA integrity_check").forEach { row in
                // A row can hold several findings, a line each, the first after "*** in database main ***".
                for finding in row.string(0).split(separator: "\n") where !finding.hasPrefix("*** in database ") {
                    violations.append(Violation(rule: "integrity", detail: String(finding)))
                }
            }
        } catch let error as SQLiteError where error.resultCode == .corrupt && !violations.isEmpty {
            // integrity_check itself stops on some damage, after reporting what it found before.
            violations.append(Violation(rule: "integrity", detail: "integrity_check stopped: \(error.message)"))
        }
        violations.removeAll { $0.rule == "integrity" && $0.detail == "ok" }
        // The other rules read the same b-trees: on damaged pages they fail with SQLITE_CORRUPT, hiding what
        // integrity_check has just said, or answer from rows that are not what was written.
        guard violations.isEmpty else { return violations }
        try collect("foreign_key", "PRAGMA foreign_key_check") { row in
            "\(row.string(0)) row \(row.int64(1)) points to a missing \(row.string(2)) row"
        }
        do {
            let status = try migrator.status(of: connection)
            if !status.isUpToDate {
                let pending = status.pending.map { "\($0.version)_\($0.name)" }.joined(separator: ", ")
                violations.append(Violation(rule: "schema", detail: "pending migrations: \(pending) (run session-store migrate)"))
                // The store's own rules are written against the current schema.
                return violations
            }
        } catch let error as SessionStoreError {
            violations.append(Violation(rule: "schema", detail: error.description))
            return violations
        }
        // A session's links, shown or in its reverted tail, run 1…n; a body either holds counts as linked.
        try collect("position_gap", """
            SELECT session_id, count(*), max(position) FROM session_links GROUP BY session_id
            HAVING max(position) != count(*)
            """) { "session \($0.string(0)) has \($0.int64(1)) links but positions up to \($0.int64(2))" }
        try collect("dangling_link", """
            SELECT l.session_id, l.position, l.message_id, s.id IS NULL FROM session_links l
            LEFT JOIN sessions s ON s.id = l.session_id LEFT JOIN messages m ON m.id = l.message_id
            WHERE s.id IS NULL OR m.id IS NULL
            """) { row in
            "link \(row.string(0)) #\(row.int64(1)) → \(row.string(2)) names a missing \(row.int64(3) == 1 ? "session" : "message")"
        }
        try collect("cross_workspace_link", """
            SELECT l.session_id, l.message_id FROM session_links l
            JOIN sessions s ON s.id = l.session_id JOIN messages m ON m.id = l.message_id
            WHERE s.workspace_id != m.workspace_id
            """) { "session \($0.string(0)) links message \($0.string(1)) of another workspace" }
        try collect("reverted_tail", """
            SELECT s.id, s.reverted_from, (SELECT count(*) FROM session_links l WHERE l.session_id = s.id) AS links
            FROM sessions s WHERE s.reverted_from > links
            """) { "session \($0.string(0)) has \($0.int64(2)) links but its reverted tail starts at \($0.int64(1))" }
        try collect("orphan_message", """
            SELECT id FROM messages m WHERE NOT EXISTS (SELECT 1 FROM session_links l WHERE l.message_id = m.id)
            """) { "message \($0.string(0)) is shown by no session and held in no reverted tail" }
        try collect("cross_workspace_parent", """
            SELECT c.id, c.parent_id FROM sessions c JOIN sessions p ON p.id = c.parent_id
            WHERE p.workspace_id != c.workspace_id
            """) { "session \($0.string(0)) has parent \($0.string(1)) of another workspace" }
        // updateSession refuses a parent that descends from the session, but 0.5.0 and earlier did not, and a
        // UI walking up from a session on such a circle never reaches a root.
        violations += sessionsOnACycle(try pointers(connection, "parent_id")).map {
            Violation(rule: "parent_cycle", detail: "session \($0) is, through its parents, its own ancestor")
        }
        // A fork's original existed before it, so fork points never come round; an edit by hand can make them.
        violations += sessionsOnACycle(try pointers(connection, "forked_from_session_id")).map {
            Violation(rule: "fork_cycle", detail: "session \($0) is forked, through its fork points, from itself")
        }
        // Each message and session is one document of its search index, under its own search number.
        for (table, index) in [("messages", "message_search"), ("sessions", "session_search")] {
            try collect("search_index", """
                WITH sizes AS MATERIALIZED (
                    SELECT (SELECT count(*) FROM \(table)) AS row_count, (SELECT count(*) FROM \(index)_docsize) AS documents,
                           (SELECT count(*) FROM \(table) WHERE search_rowid IS NULL) AS unnumbered)
                SELECT * FROM sizes WHERE row_count != documents OR unnumbered > 0
                """) { "\(index) holds \($0.int64(1)) documents for \($0.int64(0)) \(table), \($0.int64(2)) of them unnumbered" }
        }
        // Readers look for a message's chunks only when it is marked as having them.
        try collect("hidden_chunk", """
            SELECT m.id, count(*) FROM message_chunks c JOIN messages m ON m.id = c.message_id WHERE m.chunked = 0 GROUP BY m.id
            """) { "message \($0.string(0)) has \($0.int64(1)) chunks that readers do not see (chunked is 0)" }
        try collect("change_gap", """
            SELECT workspace_id, min(sequence), max(sequence), count(*) FROM changes GROUP BY workspace_id
            HAVING max(sequence) - min(sequence) + 1 != count(*)
            """) { "workspace \($0.string(0)) keeps \($0.int64(3)) changes numbered \($0.int64(1)) to \($0.int64(2))" }
        try readEveryMessage(connection, into: &violations, progress: progress)
        return violations
    }

    /// Decodes every message row as a read does, naming each one that a read would refuse.
    private static func readEveryMessage(
        _ connection: Connection, into violations: inout [Violation], progress: (Int, Int) -> Void
    ) throws {
        let total = Int(try connection.prepare("SELECT count(*) FROM messages").first { $0.int64(0) } ?? 0)
        var done = 0
        try connection.prepare("SELECT \(StoredRows.messageColumns) FROM messages m").forEach { row in
            do {
                _ = try StoredRows.message(row)
            } catch let error as SessionStoreError {
                violations.append(Violation(rule: "unreadable_row", detail: error.description))
            }
            done += 1
            if done % 1000 == 0 || done == total { progress(done, total) }
        }
    }

    /// Each session's `column` (a session id), for the sessions where it is set.
    private static func pointers(_ connection: Connection, _ column: String) throws -> [String: String] {
        var targets: [String: String] = [:]
        try connection.prepare("SELECT id, \(column) FROM sessions WHERE \(column) IS NOT NULL")
            .forEach { targets[$0.string(0)] = $0.string(1) }
        return targets
    }

    /// The sessions on a cycle of `origins` (each session's original), in id order. Each session is walked once:
    /// a chain of forks of forks as long as the store is costs no more than the store.
    private static func sessionsOnACycle(_ origins: [String: String]) -> [String] {
        var walked: Set<String> = []
        var onACycle: Set<String> = []
        for start in origins.keys where !walked.contains(start) {
            var path: [String] = []
            var steps: [String: Int] = [:]
            var next: String? = start
            while let session = next, !walked.contains(session) {
                if let step = steps[session] {
                    onACycle.formUnion(path[step...])
                    break
                }
                steps[session] = path.count
                path.append(session)
                next = origins[session]
            }
            walked.formUnion(path)
        }
        return onACycle.sorted()
    }
}
