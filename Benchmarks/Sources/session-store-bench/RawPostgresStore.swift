import Foundation
import Logging
import PostgresNIO
import SessionStorePostgres
import Synchronization

/// The floor for the PostgreSQL backend: postgres-nio's client sending the statements `PostgresRepository`
/// sends, in the same transactions, and decoding the rows into plain tuples instead of the library's values.
final class RawPostgresStore: PostgresBenchmarked {
    let client: PostgresClient
    let running: Task<Void, Never>
    let logger = Logger(label: "raw-postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    let workspace = Workload.workspace
    let ids = IdCounter()

    init(url: String) async throws {
        client = PostgresClient(configuration: try PostgresDatabases.clientConfiguration(url))
        let client = client
        running = Task { await client.run() }
        _ = try await client.query("SELECT 1")
    }

    func addMessage(session: String) async throws {
        let id = Workload.ulidLengthId("R", ids.next())
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try await client.withTransaction(logger: logger) { connection in
            let locked = try await connection.query(
                """
                UPDATE sessions SET updated_at = \(now)
                WHERE id = \(session) AND workspace_id = \(workspace) AND trashed_at IS NULL RETURNING 1
                """, logger: logger)
            guard try await locked.collect().count == 1 else { throw BenchmarkError.sqlite(-1, "no session \(session)") }
            try await connection.query(
                """
                WITH tail AS (DELETE FROM reverted_links WHERE session_id = \(session) RETURNING 1)
                UPDATE sessions SET revert_message_id = NULL, revert_reason = NULL
                WHERE id = \(session) AND EXISTS (SELECT 1 FROM tail)
                """, logger: logger)
            let none: Int64? = nil
            try await connection.query(
                """
                INSERT INTO messages (id, workspace_id, session_id, role, content, parts, tool_calls, tool_call_id, status,
                                      created_at, updated_at, input_tokens, output_tokens, reasoning_tokens,
                                      cache_read_tokens, cache_write_tokens, cost, parts_text, chunked)
                VALUES (\(id), \(workspace), \(session), 'assistant', \(Workload.content), \(String?.none), \(String?.none),
                        \(String?.none), 'completed', \(now), \(now), \(none), \(none), \(none), \(none), \(none), \(Double?.none),
                        \(String?.none), false)
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO session_messages (session_id, position, message_id)
                SELECT \(session), coalesce(max(position), 0) + 1, \(id) FROM session_messages WHERE session_id = \(session)
                """, logger: logger)
            try await recordChange("messageAdded", session: session, message: id, at: now, connection)
        }
    }

    func getSessionMessages(_ session: String) async throws -> Int {
        let rows = try await client.query(
            """
            SELECT m.id, m.session_id, m.role,
                   CASE WHEN m.chunked
                        THEN coalesce(m.content, '') || coalesce((SELECT string_agg(c.text, '' ORDER BY c.sequence)
                                                                  FROM message_chunks c WHERE c.message_id = m.id), '')
                        ELSE m.content END,
                   m.parts, m.tool_calls, m.tool_call_id, m.status, m.created_at, m.updated_at, m.input_tokens,
                   m.output_tokens, m.reasoning_tokens, m.cache_read_tokens, m.cache_write_tokens, m.cost
            FROM sessions s
            JOIN session_messages l ON l.session_id = s.id
            JOIN messages m ON m.id = l.message_id
            WHERE s.id = \(session) AND s.workspace_id = \(workspace) AND s.trashed_at IS NULL
            ORDER BY l.position
            """, logger: logger)
        var count = 0
        for try await _ in rows.decode(
            (String, String, String, String?, String?, String?, String?, String?, Int64, Int64, Int64?, Int64?, Int64?, Int64?,
             Int64?, Double?).self)
        {
            count += 1
        }
        return count
    }

    func firstSummaries(_ count: Int) async throws -> Int {
        let rows = try await client.query(
            """
            SELECT id, title, parent_id, forked_from_session_id, forked_from_message_id, created_at, updated_at,
                   (SELECT count(*) FROM session_messages l WHERE l.session_id = s.id)
            FROM sessions s
            WHERE workspace_id = \(workspace) AND trashed_at IS NULL
            ORDER BY updated_at DESC, id DESC LIMIT \(Int64(count + 1))
            """, logger: logger)
        var listed = 0
        for try await _ in rows.decode((String, String?, String?, String?, String?, Int64, Int64, Int64).self) {
            listed += 1
        }
        return min(listed, count)
    }

    func fork(_ session: String) async throws -> String {
        let forkId = Workload.ulidLengthId("F", ids.next())
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try await client.withTransaction(logger: logger) { connection in
            let originals = try await connection.query(
                """
                SELECT s.id, s.workspace_id, s.title, s.parent_id, s.created_at, s.updated_at, s.model_provider_id, s.model_id,
                       s.agent, s.revert_message_id, s.revert_reason, s.forked_from_session_id, s.forked_from_message_id,
                       coalesce((SELECT array_agg(l.message_id ORDER BY l.position) FROM session_messages l
                                 WHERE l.session_id = s.id), '{}')
                FROM sessions s
                WHERE s.id = \(session) AND s.workspace_id = \(workspace) AND s.trashed_at IS NULL FOR UPDATE
                """, logger: logger)
            var found: (title: String?, providerId: String?, modelId: String?, agent: String?, messageIds: [String])?
            for try await (_, _, title, _, _, _, providerId, modelId, agent, _, _, _, _, messageIds) in originals.decode(
                (String, String, String?, String?, Int64, Int64, String?, String?, String?, String?, String?, String?, String?,
                 [String]).self)
            {
                found = (title, providerId, modelId, agent, messageIds)
            }
            guard let original = found else { throw BenchmarkError.sqlite(-1, "no session \(session)") }
            try await connection.query(
                """
                WITH tail AS (DELETE FROM reverted_links WHERE session_id = \(session) RETURNING 1)
                UPDATE sessions SET revert_message_id = NULL, revert_reason = NULL
                WHERE id = \(session) AND EXISTS (SELECT 1 FROM tail)
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO sessions (id, workspace_id, title, parent_id, created_at, updated_at, model_provider_id,
                                      model_id, agent, forked_from_session_id, forked_from_message_id)
                VALUES (\(forkId), \(workspace), \(original.title), \(session), \(now), \(now), \(original.providerId),
                        \(original.modelId), \(original.agent), \(session), \(original.messageIds.last))
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO session_messages (session_id, position, message_id)
                SELECT \(forkId), position, message_id FROM session_messages
                WHERE session_id = \(session) AND position <= \(Int64(original.messageIds.count))
                """, logger: logger)
            try await recordChange("sessionForked", session: forkId, message: original.messageIds.last, at: now, connection)
        }
        return forkId
    }

    func close() async {
        running.cancel()
        await running.value
    }

    private func recordChange(
        _ kind: String, session: String, message: String?, at now: Int64, _ connection: PostgresConnection
    ) async throws {
        let rows = try await connection.query(
            """
            WITH next AS (
                INSERT INTO change_counters (workspace_id, last_sequence) VALUES (\(workspace), 1)
                ON CONFLICT (workspace_id) DO UPDATE SET last_sequence = change_counters.last_sequence + 1
                RETURNING last_sequence
            )
            INSERT INTO changes (workspace_id, sequence, kind, session_id, message_id, changed_at)
            SELECT \(workspace), last_sequence, \(kind), \(session), \(message), \(now) FROM next
            RETURNING sequence
            """, logger: logger)
        for try await _ in rows.decode(Int64.self) {}
    }
}

/// Numbers for the raw store's ids, one after another.
final class IdCounter: Sendable {
    private let value = Mutex(0)

    func next() -> Int {
        value.withLock { value in
            value += 1
            return value
        }
    }
}

/// The benchmark's databases on the server: each a copy of a seeded SQLite file, dropped at the end.
final class PostgresDatabases {
    let server: String
    private var created: [String] = []

    init(server: String) {
        self.server = server
    }

    /// A new database holding what the SQLite file at `template` holds, copied by `StoreCopy`; returns its URL.
    func create(copying template: String) async throws -> String {
        let name = "bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await withAdminClient { try await $0.query("CREATE DATABASE \(unescaped: name)") }
        created.append(name)
        guard var components = URLComponents(string: server) else { throw BenchmarkError.sqlite(-1, "not a URL: \(server)") }
        components.path = "/" + name
        let url = components.string ?? server
        _ = try await StoreCopy.copy(from: template, to: url, batchSize: 5_000)
        return url
    }

    func dropAll() async {
        for name in created {
            try? await withAdminClient { try await $0.query("DROP DATABASE \(unescaped: name) WITH (FORCE)") }
        }
        created = []
    }

    private func withAdminClient(_ body: (PostgresClient) async throws -> Void) async throws {
        let client = PostgresClient(configuration: try Self.clientConfiguration(server))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await body(client)
        }
    }

    /// The client configuration of a `postgres://user@host:port/database` URL, without TLS (a server on loopback).
    static func clientConfiguration(_ url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let host = components.host else {
            throw BenchmarkError.sqlite(-1, "not a postgres:// URL: \(url)")
        }
        return PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres", password: components.password,
            database: String(components.path.dropFirst()), tls: .disable)
    }
}
