import Foundation
import SessionStoreSQLite
import SessionStore

/// The data every implementation is measured on: the same rows, built once per shape and copied.
enum Workload {
    static let workspace = "bench"

    static let content = String(repeating: "The login cookie expires before the refresh token does. ", count: 5)

    static let parts: [MessagePart] = [
        MessagePart(type: .thinking, content: "Look at the session middleware first."),
        MessagePart(type: .text, content: content),
        MessagePart(type: .toolCall, toolCall: ToolCall(
            id: "call_1", function: .init(name: "read_file", arguments: #"{"path": "Sources/Auth/Session.swift"}"#))),
    ]

    static let partsJSON: String = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(parts)) ?? Data(), as: UTF8.self)
    }()

    /// An id as long as a ULID (26 characters), for the implementations that do not make ULIDs: id length
    /// changes how much every index holds, so all sides must pay the same.
    static func ulidLengthId(_ tag: Character, _ number: Int) -> String {
        "01M89\(tag)" + String(format: "%020d", number)
    }

    /// A session to create: its id, how many messages it shows (with or without parts), and how long each
    /// message's content is.
    struct SessionShape {
        let id: String
        let messages: Int
        var withParts = false
        var contentBytes = Workload.content.utf8.count
    }

    /// Writes `sessions` into a new database at `path`, in one transaction, and returns the legacy view of the
    /// same data when `legacy` is set (for the JSON strategy).
    @discardableResult
    static func seed(_ path: String, _ sessions: [SessionShape], legacy: Bool = false) throws -> LegacyWorkspace? {
        let connection = try Connection(location: .file(path), options: Configuration().connectionOptions)
        try Migrator().migrate(connection)
        var legacyWorkspace = legacy ? LegacyWorkspace() : nil
        try connection.transaction {
            let insertSession = try connection.prepare(
                "INSERT INTO sessions (id, workspace_id, title, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)")
            let insertMessage = try connection.prepare(
                """
                INSERT INTO messages (id, workspace_id, session_id, role, content, parts, status, created_at, updated_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'completed', ?7, ?7)
                """)
            let link = try connection.prepare("INSERT INTO session_links (session_id, position, message_id) VALUES (?1, ?2, ?3)")
            var clock: Int64 = 1_795_000_000_000
            for shape in sessions {
                clock += 1
                try insertSession.execute([.text(shape.id), .text(workspace), .text("Session \(shape.id)"), .integer(clock)])
                var ids: [String] = []
                for position in 1...max(shape.messages, 1) where shape.messages > 0 {
                    let id = "\(shape.id)-m\(position)"
                    let role = position % 2 == 1 ? "user" : "assistant"
                    let parts: SQLiteValue = shape.withParts ? .text(partsJSON) : .null
                    let body = shape.contentBytes == content.utf8.count ? content : String(repeating: "b", count: shape.contentBytes)
                    try insertMessage.execute([.text(id), .text(workspace), .text(shape.id), .text(role), .text(body), parts, .integer(clock)])
                    try link.execute([.text(shape.id), .integer(Int64(position)), .text(id)])
                    ids.append(id)
                    if legacyWorkspace != nil {
                        legacyWorkspace?.messages[id] = SessionMessage(
                            id: id, sessionId: shape.id, role: position % 2 == 1 ? .user : .assistant, content: body,
                            parts: shape.withParts ? Workload.parts : nil, createdAt: clock, updatedAt: clock, status: .completed)
                    }
                }
                legacyWorkspace?.sessions[shape.id] = Session(
                    id: shape.id, workspaceId: self.workspace, title: "Session \(shape.id)", parentId: nil, createdAt: clock,
                    updatedAt: clock, messageIds: ids)
            }
        }
        try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        return legacyWorkspace
    }

    /// `count` messages in sessions of 100, plus the empty session `target` that benchmarks append to.
    static func workspaceOf(messages count: Int) -> [SessionShape] {
        [SessionShape(id: "target", messages: 0)] + (0..<(count / 100)).map { SessionShape(id: "s\($0)", messages: 100) }
    }
}

/// A folder of scratch files, removed at exit.
final class Scratch: @unchecked Sendable {
    let path = NSTemporaryDirectory() + "session-store-bench-" + UUID().uuidString
    private var counter = 0

    init() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String {
        counter += 1
        return "\(path)/\(counter)-\(name)"
    }

    /// A copy of the database at `template` (with no `-wal` left beside it).
    func copy(of template: String, as name: String) throws -> String {
        let target = file(name)
        try FileManager.default.copyItem(atPath: template, toPath: target)
        return target
    }

    func removeAll() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
