import Logging
import PostgresNIO
import SessionStore

/// The store on a PostgreSQL database, for several server processes on several machines sharing one store.
/// Its calls mean what ``SessionRepository``'s mean: same names, same errors, same ids.
///
/// It keeps a pool of connections (postgres-nio's `PostgresClient`) open until ``close()``. Opening it applies
/// the pending PostgreSQL migrations, unless the configuration's migration policy is `.refuse`; several
/// processes opening one database at once migrate it once.
public final class PostgresRepository: Sendable {
    let client: PostgresClient
    let configuration: Configuration
    let changeFeed: PostgresChangeFeed
    let connectionLossWatch: ConnectionLossWatch
    private let calls = CallGate()
    private let clientTask: Task<Void, Never>

    package var limits: Limits { configuration.limits }
    var logger: Logger { configuration.logger }

    /// Opens the database `url` names (`postgres://user[:password]@host[:port]/database`).
    ///
    /// - Throws: ``PostgresStoreError/invalidURL(_:reason:)``, ``PostgresStoreError/connectionLost(reason:)``
    ///   when the server cannot be reached, ``PostgresStoreError/connectionRefused(sqlState:message:)`` when it
    ///   turns the connection away, and what ``PostgresMigrator/migrate(_:logger:)`` throws.
    public init(url: String, configuration: Configuration = Configuration()) async throws {
        let url = try PostgresURL(url)
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: configuration.logger)
        self.client = client
        self.configuration = configuration
        connectionLossWatch = ConnectionLossWatch(leaseTimeout: url.connectTimeout)
        changeFeed = PostgresChangeFeed(client: client, logger: configuration.logger)
        clientTask = Task { await client.run() }
        do {
            try await Self.reach(client, url, logger: configuration.logger)
            let migrator = PostgresMigrator()
            switch configuration.migration {
            case .migrateOnOpen:
                try await migrator.migrate(client, logger: configuration.logger)
            case .refuse:
                let status = try await migrator.status(client, logger: configuration.logger)
                guard status.isUpToDate else {
                    throw SessionStoreError.migrationRequired(pending: status.pending.map(\.fileName))
                }
            }
        } catch {
            clientTask.cancel()
            throw error
        }
    }

    /// Returns once the server answers, or fails with ``PostgresStoreError/connectionLost(reason:)`` after the
    /// connect timeout, at once when the host refuses connections, and with
    /// ``PostgresStoreError/connectionRefused(sqlState:message:)`` when the server turns them away: the pool itself
    /// retries a connection that failed, in silence, until its circuit breaker trips a minute later.
    static func reach(_ client: PostgresClient, _ url: PostgresURL, logger: Logger) async throws {
        let timeout = url.connectTimeout
        let server = "\(url.host):\(url.port)"
        // Not a task group: the group would wait for the probe, and the pool's lease outlives its cancellation
        // while it is between attempts to connect.
        let outcome = Locked<CheckedContinuation<Void, any Error>?>(nil)
        func finish(_ result: Result<Void, any Error>) {
            outcome.withLock { continuation in
                continuation?.resume(with: result)
                continuation = nil
            }
        }
        try await withCheckedThrowingContinuation { continuation in
            outcome.withLock { $0 = continuation }
            let timer = Task {
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                finish(.failure(PostgresStoreError.connectionLost(reason: "\(server) did not answer within \(timeout)")))
            }
            let refusal = Task {
                guard let failure = await ConnectionProbe.failure(url, logger: logger) else { return }
                finish(.failure(failure))
            }
            Task {
                defer { refusal.cancel() }
                do {
                    _ = try await PostgresFailure.mapped { try await client.query("SELECT 1") }
                    finish(.success(()))
                } catch {
                    finish(.failure(error))
                }
                timer.cancel()
            }
        }
    }

    /// Finishes the calls in flight, then closes the connections. Later calls fail with
    /// ``PostgresStoreError/closed``, and so do the change feed's streams, also those waiting for a change.
    public func close() async {
        await calls.close()
        await changeFeed.close()
        clientTask.cancel()
        await clientTask.value
    }

    /// Runs `body` in a transaction, again when PostgreSQL refused it for a conflict with another transaction (a
    /// serialization failure, a deadlock, or the SQLSTATE `retryingOn` names; each rolls it back whole), up to five
    /// times; turns the client's errors into ``PostgresStoreError``. A connection lost meanwhile ends it at once
    /// (``ConnectionLossWatch``).
    func transaction<T: Sendable>(
        retryingOn sqlState: String? = nil, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                let result = try await read { [logger] connection in
                    try await connection.withTransaction(logger: logger) { try await body($0) }
                }
                // The followers of this process need not wait for PostgreSQL's notification.
                changeFeed.notify()
                return result
            } catch PostgresStoreError.server(let state, _)
                where (PostgresFailure.isRetryable(state) || state == sqlState) && attempt < 5
            {
                attempt += 1
            }
        }
    }

    /// Runs `body` on a connection of the pool, outside a transaction, as a call ``close()`` waits for; turns the
    /// client's errors into ``PostgresStoreError``. A connection lost meanwhile ends it at once
    /// (``ConnectionLossWatch``).
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await calls.run {
            try await PostgresFailure.mapped {
                try await connectionLossWatch.run { [client] watch in
                    // Watched from the lease on: a connection can close before the first statement is written.
                    try await client.withConnection { connection in
                        watch(connection)
                        return try await body(connection)
                    }
                }
            }
        }
    }

    /// Discards the session's reverted tail, if it has one, and the revert marker that names it, as SQLite's
    /// backend does: a tail exists only while its marker is set.
    func discardTail(of sessionId: String, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            WITH tail AS (DELETE FROM reverted_links WHERE session_id = \(sessionId) RETURNING 1)
            UPDATE sessions SET revert_message_id = NULL, revert_reason = NULL
            WHERE id = \(sessionId) AND EXISTS (SELECT 1 FROM tail)
            """, logger: logger)
    }
}

extension PostgresRepository: SessionStoring {}
