import Foundation
import GRDB
import RawC
import SessionStore
import SessionStoreSQLite
import Synchronization

/// The operations measured, as each implementation offers them.
protocol BenchmarkedStore: AnyObject {
    func addMessage(session: String, withParts: Bool) async throws
    func appendToMessage(_ messageId: String, content: String) async throws
    /// Returns the number of messages built.
    func getSessionMessages(_ session: String) async throws -> Int
    /// Returns the number of sessions built.
    func listSessions() async throws -> Int
    /// The workspace's session count: one tiny query, so that the call's own cost shows.
    func countSessions() async throws -> Int
    /// Returns the fork's id.
    func fork(_ session: String) async throws -> String
    func revert(_ session: String, to messageId: String) async throws
    func delete(_ session: String) async throws
    func close() async
    /// Runs `calls` from where this implementation's callers would make them.
    func run(_ calls: () async throws -> Void) async throws
}

extension BenchmarkedStore {
    func run(_ calls: () async throws -> Void) async throws {
        try await calls()
    }
}

enum BenchmarkError: Error {
    case sqlite(Int32, String)
}

// MARK: - SessionStore

/// Where SessionStore's calls come from.
enum Caller {
    /// Any task: every call goes to a connection's thread and back.
    case anyTask
    /// A task on the writer's executor, as a task streaming a reply would make its calls.
    case writersExecutor
    /// A task on a reader's executor, as a request handler that reads and then encodes what it read would.
    case readersExecutor

    /// What a scenario's name says of it.
    var label: String {
        switch self {
        case .anyTask: ""
        case .writersExecutor: ", SessionStore called on its writer's executor"
        case .readersExecutor: ", SessionStore called on a reader's executor"
        }
    }

    /// How many calls in a row each implementation makes: a task on an executor stays there for many calls.
    var callsInARow: Int {
        self == .anyTask ? 1 : 10
    }
}

final class OursStore: BenchmarkedStore {
    let repository: SessionRepository
    let workspace = Workload.workspace
    let caller: Caller

    init(path: String, synchronous: ConnectionOptions.Synchronous = .normal, readers: Int = 4, caller: Caller = .anyTask) async throws {
        repository = try await SessionRepository(path: path, configuration: Configuration(readerCount: readers, synchronous: synchronous))
        self.caller = caller
    }

    func run(_ calls: () async throws -> Void) async throws {
        switch caller {
        case .anyTask: try await calls()
        case .writersExecutor: try await repository.withWriterExecutor(calls)
        case .readersExecutor: try await repository.withReaderExecutor(calls)
        }
    }

    func addMessage(session: String, withParts: Bool) async throws {
        _ = try await repository.addMessage(
            workspaceId: workspace, sessionId: session,
            message: NewMessage(role: .assistant, content: Workload.content, parts: withParts ? Workload.parts : nil, status: .completed))
    }

    func appendToMessage(_ messageId: String, content: String) async throws {
        _ = try await repository.updateMessage(workspaceId: workspace, messageId: messageId) { $0.content = content }
    }

    func getSessionMessages(_ session: String) async throws -> Int {
        try await repository.getSessionMessages(workspaceId: workspace, sessionId: session).count
    }

    func listSessions() async throws -> Int {
        try await repository.listSessions(workspaceId: workspace).count
    }

    func countSessions() async throws -> Int {
        try await repository.getActiveSessionCount(workspaceId: workspace)
    }

    func fork(_ session: String) async throws -> String {
        try await repository.forkSession(workspaceId: workspace, sessionId: session).id
    }

    func revert(_ session: String, to messageId: String) async throws {
        _ = try await repository.revert(workspaceId: workspace, sessionId: session, messageId: messageId)
    }

    func delete(_ session: String) async throws {
        _ = try await repository.deleteSession(workspaceId: workspace, sessionId: session)
    }

    func close() async {
        await repository.close()
    }
}

// MARK: - Raw C

final class RawCStore: BenchmarkedStore {
    let store: OpaquePointer
    let workspace = Workload.workspace
    /// Whether reads build the parts (structs and strings from the JSON) as SessionStore does, instead of
    /// copying the column's text.
    let parsesParts: Bool
    var counter = 0

    init(path: String, synchronous: ConnectionOptions.Synchronous = .normal, parsesParts: Bool = false) throws {
        guard let store = rawc_open(path, synchronous == .full ? 1 : 0) else { throw BenchmarkError.sqlite(-1, "open") }
        self.store = store
        self.parsesParts = parsesParts
    }

    func nextId() -> String {
        counter += 1
        return Workload.ulidLengthId("C", counter)
    }

    func check(_ code: Int32, _ operation: String) throws {
        guard code == 0 else { throw BenchmarkError.sqlite(code, operation) }
    }

    func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    func addMessage(session: String, withParts: Bool) async throws {
        try check(rawc_add_message(
            store, workspace, session, nextId(), "assistant", Workload.content, withParts ? Workload.partsJSON : nil, now()),
            "add")
    }

    func appendToMessage(_ messageId: String, content: String) async throws {
        try check(rawc_update_message(store, workspace, messageId, content, now()), "update")
    }

    func getSessionMessages(_ session: String) async throws -> Int {
        defer { rawc_release_values(store) }
        return Int(rawc_get_session_messages(store, workspace, session, parsesParts ? 1 : 0))
    }

    func listSessions() async throws -> Int {
        defer { rawc_release_values(store) }
        return Int(rawc_list_sessions(store, workspace))
    }

    func countSessions() async throws -> Int {
        Int(rawc_count_sessions(store, workspace))
    }

    /// Returns the number of hits: the best `limit` of the FTS5 `expression`, as SessionStore searched before
    /// bm25_best.
    func searchMessages(_ expression: String, limit: Int) throws -> Int {
        let hits = rawc_search_messages(store, workspace, expression, Int32(limit))
        rawc_release_values(store)
        guard hits >= 0 else { throw BenchmarkError.sqlite(-1, "search") }
        return Int(hits)
    }

    func fork(_ session: String) async throws -> String {
        let id = nextId()
        try check(rawc_fork_session(store, workspace, session, id, now()), "fork")
        return id
    }

    func revert(_ session: String, to messageId: String) async throws {
        try check(rawc_revert(store, workspace, session, messageId, now()), "revert")
    }

    func delete(_ session: String) async throws {
        try check(rawc_delete_session(store, workspace, session), "delete")
    }

    func close() async {
        rawc_close(store)
    }
}

// MARK: - GRDB

/// The same operations written as a good GRDB user would: a `DatabasePool`, cached statements, records built
/// from rows by column index.
final class GRDBStore: BenchmarkedStore, @unchecked Sendable {
    let pool: GRDB.DatabasePool
    let workspace = Workload.workspace
    let counter = Mutex(0)

    struct MessageRecord: FetchableRecord {
        let message: SessionMessage

        init(row: GRDB.Row) throws {
            let id: String = row[0]
            let parts: String? = row[4]
            let toolCalls: String? = row[5]
            message = SessionMessage(
                id: id, sessionId: row[1], role: SessionMessage.Role(rawValue: row[2]) ?? .user, content: row[3],
                parts: try parts.map { try JSONDecoder().decode([MessagePart].self, from: Data($0.utf8)) },
                createdAt: row[8], updatedAt: row[9],
                toolCalls: try toolCalls.map { try JSONDecoder().decode([ToolCall].self, from: Data($0.utf8)) },
                toolCallId: row[6], status: (row[7] as String?).flatMap(SessionMessage.Status.init(rawValue:)))
        }
    }

    struct SessionRecord: FetchableRecord {
        let session: Session

        init(row: GRDB.Row) {
            let provider: String? = row[6]
            let revert: String? = row[9]
            session = Session(
                id: row[0], workspaceId: row[1], title: row[2], parentId: row[3], createdAt: row[4], updatedAt: row[5],
                model: provider.map { ModelSelection(providerId: $0, modelId: row[7]) }, agent: row[8],
                revert: revert.map { RevertMarker(messageID: $0, reason: row[10]) })
        }
    }

    static let sessionColumns = """
        id, workspace_id, title, parent_id, created_at, updated_at, model_provider_id, model_id, agent, \
        revert_message_id, revert_reason
        """

    init(path: String, synchronous: ConnectionOptions.Synchronous = .normal) throws {
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(5)
        // As SessionStore sets it, rather than the build's default (on, in Debian's).
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA secure_delete = FAST") }
        pool = try GRDB.DatabasePool(path: path, configuration: configuration)
        // GRDB sets synchronous=NORMAL on its writer when it opens the pool: only the writer commits.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
        }
    }

    func nextId() -> String {
        Workload.ulidLengthId("G", counter.withLock { $0 += 1; return $0 })
    }

    func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    func addMessage(session: String, withParts: Bool) async throws {
        let id = nextId()
        let now = now()
        let parts: String? = withParts
            ? String(decoding: try JSONEncoder().encode(Workload.parts), as: UTF8.self) : nil
        try await pool.write { [workspace] db in
            try db.cachedStatement(sql: "UPDATE sessions SET updated_at = ?3 WHERE id = ?1 AND workspace_id = ?2")
                .execute(arguments: [session, workspace, now])
            guard db.changesCount > 0 else { throw BenchmarkError.sqlite(0, "no session") }
            try db.cachedStatement(sql: """
                INSERT INTO messages (id, session_id, role, content, parts, tool_calls, tool_call_id, status, created_at,
                    updated_at, workspace_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                """).execute(arguments: [id, session, "assistant", Workload.content, parts, nil, nil, "completed", now, now, workspace])
            try db.cachedStatement(sql: """
                INSERT INTO session_links (session_id, position, message_id)
                SELECT ?1, coalesce(max(position), 0) + 1, ?2 FROM session_links WHERE session_id = ?1
                """).execute(arguments: [session, id])
        }
    }

    func appendToMessage(_ messageId: String, content: String) async throws {
        let now = now()
        try await pool.write { [workspace] db in
            guard let record = try MessageRecord.fetchOne(
                db.cachedStatement(sql: """
                    SELECT m.id, m.session_id, m.role, m.content, m.parts, m.tool_calls, m.tool_call_id, m.status,
                        m.created_at, m.updated_at FROM messages m WHERE m.id = ?1 AND m.workspace_id = ?2
                    """), arguments: [messageId, workspace])
            else { return }
            let message = record.message
            let encoder = JSONEncoder()
            let parts = try message.parts.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
            let toolCalls = try message.toolCalls.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
            try db.cachedStatement(sql: """
                UPDATE messages SET content = ?4, parts = ?5, tool_calls = ?6, tool_call_id = ?7, status = ?8, updated_at = ?10
                WHERE id = ?1 AND workspace_id = ?11 AND session_id = ?2 AND role = ?3 AND created_at = ?9
                """).execute(arguments: [
                    message.id, message.sessionId, message.role.rawValue, content, parts, toolCalls, message.toolCallId,
                    message.status?.rawValue, message.createdAt, now, workspace,
                ])
        }
    }

    func getSessionMessages(_ session: String) async throws -> Int {
        try await pool.read { [workspace] db in
            try MessageRecord.fetchAll(db.cachedStatement(sql: """
                SELECT m.id, m.session_id, m.role, m.content, m.parts, m.tool_calls, m.tool_call_id, m.status,
                    m.created_at, m.updated_at
                FROM sessions s JOIN session_links l ON l.session_id = s.id JOIN messages m ON m.id = l.message_id
                WHERE s.id = ?1 AND s.workspace_id = ?2 ORDER BY l.position
                """), arguments: [session, workspace]).count
        }
    }

    func listSessions() async throws -> Int {
        try await pool.read { [workspace] db in
            var messageIds: [String: [String]] = [:]
            let links = try GRDB.Row.fetchCursor(db.cachedStatement(sql: """
                SELECT l.session_id, l.message_id FROM sessions s JOIN session_links l ON l.session_id = s.id
                WHERE s.workspace_id = ?1 ORDER BY l.session_id, l.position
                """), arguments: [workspace])
            while let row = try links.next() {
                messageIds[row[0], default: []].append(row[1])
            }
            let sessions = try SessionRecord.fetchAll(db.cachedStatement(sql: """
                SELECT \(Self.sessionColumns) FROM sessions WHERE workspace_id = ?1 ORDER BY updated_at DESC, id DESC
                """), arguments: [workspace])
            return sessions.map { record in
                var session = record.session
                session.messageIds = messageIds[session.id] ?? []
                return session
            }.count
        }
    }

    func countSessions() async throws -> Int {
        try await pool.read { [workspace] db in
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT count(*) FROM sessions WHERE workspace_id = ?1"), arguments: [workspace]) ?? 0
        }
    }

    private func session(_ id: String, _ db: GRDB.Database) throws -> Session {
        guard let record = try SessionRecord.fetchOne(
            db.cachedStatement(sql: "SELECT \(Self.sessionColumns) FROM sessions WHERE id = ?1 AND workspace_id = ?2"),
            arguments: [id, workspace])
        else { throw BenchmarkError.sqlite(0, "no session") }
        var session = record.session
        session.messageIds = try String.fetchAll(
            db.cachedStatement(sql: "SELECT message_id FROM session_links WHERE session_id = ?1 ORDER BY position"),
            arguments: [id])
        return session
    }

    func fork(_ original: String) async throws -> String {
        let id = nextId()
        let now = now()
        try await pool.write { [workspace] db in
            let source = try self.session(original, db)
            try db.cachedStatement(sql: """
                INSERT INTO sessions (\(Self.sessionColumns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                """).execute(arguments: [id, workspace, "\(source.title ?? "") (fork)", original, now, now, nil, nil, nil, nil, nil])
            try db.cachedStatement(sql: """
                INSERT INTO session_links (session_id, position, message_id)
                SELECT ?1, position, message_id FROM session_links WHERE session_id = ?2
                """).execute(arguments: [id, original])
        }
        return id
    }

    func revert(_ sessionId: String, to messageId: String) async throws {
        let now = now()
        try await pool.write { db in
            let session = try self.session(sessionId, db)
            guard let index = session.messageIds.firstIndex(of: messageId) else { throw BenchmarkError.sqlite(0, "no message") }
            try db.cachedStatement(sql: "DELETE FROM session_links WHERE session_id = ?1 AND position > ?2")
                .execute(arguments: [sessionId, index + 1])
            try db.cachedStatement(sql: "UPDATE sessions SET updated_at = ?2 WHERE id = ?1").execute(arguments: [sessionId, now])
        }
    }

    func delete(_ session: String) async throws {
        try await pool.write { [workspace] db in
            try db.cachedStatement(sql: "DELETE FROM sessions WHERE id = ?1 AND workspace_id = ?2").execute(arguments: [session, workspace])
        }
    }

    func close() async {
        try? pool.close()
    }
}

// MARK: - The JSON store's strategy

/// What the old store did: the whole workspace in memory, rewritten as pretty-printed JSON on every change.
final class JSONStrategyStore: BenchmarkedStore {
    var workspace: LegacyWorkspace
    let file: URL
    var counter = 0

    init(path: String, workspace: LegacyWorkspace) throws {
        self.workspace = workspace
        file = URL(fileURLWithPath: path)
        try save()
    }

    func save() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        try encoder.encode(workspace).write(to: file)
    }

    func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    func addMessage(session: String, withParts: Bool) async throws {
        counter += 1
        let id = Workload.ulidLengthId("J", counter)
        let now = now()
        workspace.messages[id] = SessionMessage(
            id: id, sessionId: session, role: .assistant, content: Workload.content, parts: withParts ? Workload.parts : nil,
            createdAt: now, updatedAt: now, status: .completed)
        workspace.sessions[session]?.messageIds.append(id)
        workspace.sessions[session]?.updatedAt = now
        try save()
    }

    func appendToMessage(_ messageId: String, content: String) async throws {
        workspace.messages[messageId]?.content = content
        workspace.messages[messageId]?.updatedAt = now()
        try save()
    }

    func getSessionMessages(_ session: String) async throws -> Int {
        (workspace.sessions[session]?.messageIds ?? []).compactMap { workspace.messages[$0] }.count
    }

    func listSessions() async throws -> Int {
        workspace.sessions.values.sorted { $0.updatedAt > $1.updatedAt }.count
    }

    func countSessions() async throws -> Int {
        workspace.sessions.count
    }

    func fork(_ session: String) async throws -> String {
        counter += 1
        guard var fork = workspace.sessions[session] else { throw BenchmarkError.sqlite(0, "no session") }
        fork.id = Workload.ulidLengthId("J", counter)
        workspace.sessions[fork.id] = fork
        try save()
        return fork.id
    }

    func revert(_ session: String, to messageId: String) async throws {
        guard let ids = workspace.sessions[session]?.messageIds, let index = ids.firstIndex(of: messageId) else { return }
        for id in ids[(index + 1)...] { workspace.messages[id] = nil }
        workspace.sessions[session]?.messageIds = Array(ids[...index])
        try save()
    }

    func delete(_ session: String) async throws {
        for id in workspace.sessions[session]?.messageIds ?? [] { workspace.messages[id] = nil }
        workspace.sessions[session] = nil
        try save()
    }

    func close() async {}
}
