import SessionStoreSQLite

/// A workspace as `session-store list` shows it.
public struct WorkspaceSummary: Codable, Sendable, Hashable {
    /// The workspace id.
    public let workspaceId: String
    /// Its sessions outside the trash.
    public let sessions: Int
    /// Its sessions in the trash.
    public let trashedSessions: Int
    /// Its message bodies.
    public let messages: Int
    /// The latest `updatedAt` of its sessions, in milliseconds since the Unix epoch.
    public let lastActivity: Int64

    /// Every workspace that has sessions, in the trash or not, most recently active first.
    static func all(_ connection: Connection) throws -> [WorkspaceSummary] {
        try connection.prepare(
            """
            SELECT s.workspace_id, count(*) FILTER (WHERE s.trashed_at IS NULL), max(s.updated_at),
                   (SELECT count(*) FROM messages m WHERE m.workspace_id = s.workspace_id),
                   count(*) FILTER (WHERE s.trashed_at IS NOT NULL)
            FROM sessions s GROUP BY s.workspace_id ORDER BY max(s.updated_at) DESC, s.workspace_id
            """
        ).map { row in
            WorkspaceSummary(
                workspaceId: row.string(0), sessions: Int(row.int64(1)), trashedSessions: Int(row.int64(4)),
                messages: Int(row.int64(3)), lastActivity: row.int64(2))
        }
    }
}
