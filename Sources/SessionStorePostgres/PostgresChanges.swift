import Logging
import PostgresNIO
import SessionStore

/// The `changes` table on PostgreSQL: each write records its changes in its own transaction, numbered by the
/// workspace's row of `change_counters`, whose lock makes concurrent writers take the numbers in commit order.
enum PostgresChanges {
    static func record(
        _ kind: Change.Kind, workspaceId: String, sessionId: String?, messageId: String? = nil, at now: Int64,
        _ connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            WITH next AS (
                INSERT INTO change_counters (workspace_id, last_sequence) VALUES (\(workspaceId), 1)
                ON CONFLICT (workspace_id) DO UPDATE SET last_sequence = change_counters.last_sequence + 1
                RETURNING last_sequence
            )
            INSERT INTO changes (workspace_id, sequence, kind, session_id, message_id, changed_at)
            SELECT \(workspaceId), last_sequence, \(kind.rawValue), \(sessionId), \(messageId), \(now) FROM next
            """, logger: logger)
    }
}
