import SessionStore

/// A table `session-store copy` moves: the columns both schemas have, in the order both read and write them,
/// and the key rows are read in.
struct CopyTable: Sendable {
    /// How a column's values are typed in PostgreSQL; SQLite keeps each as an integer, a real or text. JSON is
    /// text that PostgreSQL checks as `jsonb`.
    enum Kind: Sendable {
        case text, json, integer, real, boolean
    }

    let name: String
    let columns: [(name: String, kind: Kind)]
    let key: [String]

    var columnList: String { columns.map(\.name).joined(separator: ", ") }

    /// In the order rows may be inserted: sessions before what points at them (their parents last, in
    /// ``sessionParents``), messages before their links and chunks.
    static let all: [CopyTable] = [sessions, messages, sessionMessages, revertedLinks, messageChunks, changes]

    static let sessions = CopyTable(
        name: "sessions",
        columns: [
            ("id", .text), ("workspace_id", .text), ("title", .text), ("parent_id", .text), ("created_at", .integer),
            ("updated_at", .integer), ("model_provider_id", .text), ("model_id", .text), ("agent", .text),
            ("revert_message_id", .text), ("revert_reason", .text), ("forked_from_session_id", .text),
            ("forked_from_message_id", .text), ("trashed_at", .integer),
        ],
        key: ["id"])

    static let messages = CopyTable(
        name: "messages",
        columns: [
            ("id", .text), ("workspace_id", .text), ("session_id", .text), ("role", .text), ("content", .text), ("parts", .json),
            ("tool_calls", .json), ("tool_call_id", .text), ("status", .text), ("created_at", .integer), ("updated_at", .integer),
            ("input_tokens", .integer), ("output_tokens", .integer), ("reasoning_tokens", .integer),
            ("cache_read_tokens", .integer), ("cache_write_tokens", .integer), ("cost", .real), ("parts_text", .text),
            ("chunked", .boolean),
        ],
        key: ["id"])

    static let sessionMessages = CopyTable(
        name: "session_messages", columns: [("session_id", .text), ("position", .integer), ("message_id", .text)],
        key: ["session_id", "position"])

    static let revertedLinks = CopyTable(
        name: "reverted_links", columns: [("session_id", .text), ("position", .integer), ("message_id", .text)],
        key: ["session_id", "position"])

    static let messageChunks = CopyTable(
        name: "message_chunks", columns: [("message_id", .text), ("sequence", .integer), ("text", .text)],
        key: ["message_id", "sequence"])

    static let changes = CopyTable(
        name: "changes",
        columns: [
            ("workspace_id", .text), ("sequence", .integer), ("kind", .text), ("session_id", .text), ("message_id", .text),
            ("changed_at", .integer),
        ],
        key: ["workspace_id", "sequence"])

    /// The index of `column` in ``columns``.
    func index(of column: String) -> Int {
        columns.firstIndex { $0.name == column } ?? 0
    }
}
