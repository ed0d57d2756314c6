import SessionStoreSQLite

/// A workspace as `session-store list` shows it.
public struct WorkspaceSummary: Codable, Sendable, Hashable {
    /// The workspace id.
    public let workspaceId: String
    /// Its sessions.
    public let sessions: Int
    /// Its message bodies.
    public let messages: Int
    /// The latest `updatedAt` of its sessions, in milliseconds since the Unix epoch.
    public let lastActivity: Int64

    /// Every workspace, most recently active first.
    static func all(_ connection: Connection) throws -> [WorkspaceSummary] {
        try connection.prepare(
            """
            SELECT s.workspace_id, count(*), max(s.updated_at),
                   (SELECT count(*) FROM messages m WHERE m.workspace_id = s.workspace_id)
            FROM sessions s GROUP BY s.workspace_id ORDER BY max(s.updated_at) DESC, s.workspace_id
            """
        ).map { row in
            WorkspaceSummary(
                workspaceId: row.string(0), sessions: Int(row.int64(1)), messages: Int(row.int64(3)), lastActivity: row.int64(2))
        }
    }
}
