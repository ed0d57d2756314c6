/// The metadata keys of what the repository logs, namespaced so that they mix with a server's own.
enum LogKey {
    static let workspaceId = "session_store.workspace_id"
    static let sessionId = "session_store.session_id"
    static let messageId = "session_store.message_id"
    static let duration = "session_store.duration"
    static let error = "session_store.error"
    static let sql = "session_store.sql"
}
