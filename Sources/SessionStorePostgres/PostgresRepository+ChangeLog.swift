import Logging
import PostgresNIO
import SessionStore

extension PostgresRepository {
    /// Every this many changes of a workspace, recording one trims the workspace's feed, as SQLite's backend does.
    static let trimInterval: Int64 = 1024

    /// Records one change with the workspace's next sequence number, in the caller's transaction. The number comes
    /// from the workspace's row of `change_counters`, whose lock makes concurrent writers take the numbers in
    /// commit order: a follower never sees a later change commit before an earlier one.
    func recordChange(
        _ kind: Change.Kind, workspaceId: String, sessionId: String?, messageId: String? = nil, at now: Int64,
        _ connection: PostgresConnection
    ) async throws {
        var sequence: Int64 = 0
        for try await number in try await connection.query(
            """
            WITH next AS (
                INSERT INTO change_counters (workspace_id, last_sequence) VALUES (\(workspaceId), 1)
                ON CONFLICT (workspace_id) DO UPDATE SET last_sequence = change_counters.last_sequence + 1
                RETURNING last_sequence
            )
            INSERT INTO changes (workspace_id, sequence, kind, session_id, message_id, changed_at)
            SELECT \(workspaceId), last_sequence, \(kind.rawValue), \(sessionId), \(messageId), \(now) FROM next
            RETURNING sequence
            """, logger: logger
        ).decode(Int64.self) { sequence = number }
        if sequence % Self.trimInterval == 0 {
            _ = try await trimChanges(workspaceId: workspaceId, latest: sequence, now: now, connection)
        }
    }

    /// Deletes the workspace's changes past ``Configuration/changeRetention`` now, rather than at the trim that
    /// writes make on their own every 1,024 changes; returns how many went. The newest change always stays.
    public func trimChanges(workspaceId: String) async throws -> Int {
        try await configuration.logged("trimChanges", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            let now = configuration.now()
            return try await transaction { [self] connection in
                var latest: Int64 = 0
                for try await found in try await connection.query(
                    "SELECT coalesce(max(sequence), 0)::bigint FROM changes WHERE workspace_id = \(workspaceId)", logger: logger
                ).decode(Int64.self) { latest = found }
                return try await trimChanges(workspaceId: workspaceId, latest: latest, now: now, connection)
            }
        }
    }

    private func trimChanges(workspaceId: String, latest: Int64, now: Int64, _ connection: PostgresConnection) async throws -> Int {
        let retention = configuration.changeRetention
        let keptFrom = retention.oldestKept(latest: latest)
        let cutoff = retention.oldestKept(now: now)
        return try await connection.query(
            """
            DELETE FROM changes
            WHERE workspace_id = \(workspaceId) AND sequence < \(latest) AND (sequence < \(keptFrom) OR changed_at < \(cutoff))
            RETURNING 1
            """, logger: logger
        ).collect().count
    }
}
