import SessionStoreSQLite

/// The `changes` table: what each write records in its own transaction, what followers read back, and the
/// trimming that keeps it within its ``ChangeRetention``.
enum ChangeLog {
    /// Every this many changes of a workspace, recording one trims the workspace's feed.
    static let trimInterval: Int64 = 1024

    /// Records one change with the workspace's next sequence number, trimming the feed now and then.
    static func record(
        _ kind: Change.Kind, workspaceId: String, sessionId: String?, messageId: String? = nil, at now: Int64,
        retention: ChangeRetention, _ connection: Connection
    ) throws {
        // The max is read from the primary key's last entry; SQLite's single writer makes it the next number.
        let sequence = try connection.cachedStatement(
            """
            INSERT INTO changes (workspace_id, sequence, kind, session_id, message_id, changed_at)
            SELECT ?1, coalesce(max(sequence), 0) + 1, ?2, ?3, ?4, ?5 FROM changes WHERE workspace_id = ?1
            RETURNING sequence
            """
        ).first([.text(workspaceId), .text(kind.rawValue), SQLiteValue(sessionId), SQLiteValue(messageId), .integer(now)]) {
            $0.int64(0)
        } ?? 0
        if sequence % trimInterval == 0 {
            _ = try trim(workspaceId: workspaceId, latest: sequence, retention: retention, now: now, connection)
        }
    }

    /// Deletes the workspace's changes past `retention`, keeping the newest (`latest`); returns how many went.
    static func trim(
        workspaceId: String, latest: Int64, retention: ChangeRetention, now: Int64, _ connection: Connection
    ) throws -> Int {
        let keptFrom = retention.oldestKept(latest: latest)
        let cutoff = retention.oldestKept(now: now)
        try connection.cachedStatement(
            """
            DELETE FROM changes WHERE workspace_id = ?1 AND sequence < ?2 AND (sequence < ?3 OR changed_at < ?4)
            """
        ).execute([.text(workspaceId), .integer(latest), .integer(keptFrom), .integer(cutoff)])
        return connection.changes
    }

    /// The workspace's newest sequence number, 0 before its first change.
    static func latest(workspaceId: String, _ connection: Connection) throws -> Int64 {
        try connection.cachedStatement("SELECT coalesce(max(sequence), 0) FROM changes WHERE workspace_id = ?1")
            .first([.text(workspaceId)]) { $0.int64(0) } ?? 0
    }

    /// Throws ``SessionStoreError/unknownChangeSequence(sequence:latest:)`` unless the workspace's feed has reached
    /// `sequence`: 0 up to its newest change, which is never trimmed.
    static func checkReached(workspaceId: String, _ sequence: Int64, _ connection: Connection) throws {
        let latest = try latest(workspaceId: workspaceId, connection)
        guard (0...latest).contains(sequence) else {
            throw SessionStoreError.unknownChangeSequence(sequence: sequence, latest: latest)
        }
    }

    /// Up to `limit` of the workspace's changes after `sequence`, in order.
    ///
    /// - Throws: ``SessionStoreError/changesTrimmed(oldestKept:)`` when the change after `sequence` was trimmed.
    static func changes(workspaceId: String, after sequence: Int64, limit: Int, _ connection: Connection) throws -> [Change] {
        let changes = try connection.cachedStatement(
            """
            SELECT sequence, kind, session_id, message_id, changed_at FROM changes
            WHERE workspace_id = ?1 AND sequence > ?2 ORDER BY sequence LIMIT ?3
            """
        ).map([.text(workspaceId), .integer(sequence), .integer(Int64(limit))]) { row in
            guard let kind = Change.Kind(rawValue: row.string(1)) else {
                throw SessionStoreError.corruptValue(table: "changes", id: "\(row.int64(0))", reason: "unknown kind \(row.string(1))")
            }
            return Change(
                sequence: row.int64(0), workspaceId: workspaceId, kind: kind, sessionId: row.optionalString(2),
                messageId: row.optionalString(3), changedAt: row.int64(4))
        }
        // Numbers run without gaps until trimming: a gap right after `sequence` means it was trimmed away.
        if let first = changes.first, first.sequence != sequence + 1 {
            throw SessionStoreError.changesTrimmed(oldestKept: first.sequence)
        }
        return changes
    }
}
