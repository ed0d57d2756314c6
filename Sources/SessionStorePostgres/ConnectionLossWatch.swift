import PostgresNIO
import SessionStoreSQLite

/// Ends a call as soon as the connection it runs on closes.
///
/// postgres-nio never answers a query written to a connection that has already closed: the write fails with no
/// one to tell. A transaction whose connection the server dropped between two statements (a restart, a
/// terminated backend) would wait forever, and its `ROLLBACK` with it. A call run through the watch fails with
/// ``PostgresStoreError/connectionLost(reason:)`` instead, at once; what it left suspended on the dead connection
/// stays behind, holding nothing but its own memory.
///
/// A call that gets no connection within the lease timeout fails the same way: the pool goes on trying to open
/// connections to a server that is down until its circuit breaker trips, a minute later, whatever the URL's
/// `connect_timeout`.
final class ConnectionLossWatch: Sendable {
    private typealias Failing = @Sendable (any Error) -> Void

    /// The calls running on each connection the watch has seen and that has not closed yet.
    private let running = Locked<[PostgresConnection.ID: [UInt64: Failing]]>([:])
    private let nextCall = Locked<UInt64>(0)
    private let leaseTimeout: Duration

    /// A watch whose calls fail when they have no connection after `leaseTimeout`.
    init(leaseTimeout: Duration) {
        self.leaseTimeout = leaseTimeout
    }

    /// Runs `operation`, which calls its argument with the connection it has leased before using it; fails as
    /// soon as that connection closes, whether or not `operation` has returned by then, or when it has leased
    /// none within the lease timeout. Cancelling the caller cancels `operation`.
    func run<T: Sendable>(
        _ operation: @escaping @Sendable (_ watch: @escaping @Sendable (PostgresConnection) -> Void) async throws -> T
    ) async throws -> T {
        let call = nextCall.withLock { number in
            number += 1
            return number
        }
        let state = Locked(CallState<T>())
        @Sendable func finish(_ result: Result<T, any Error>) {
            let continuation = state.withLock { state in
                defer { state.continuation = nil }
                return state.continuation
            }
            continuation?.resume(with: result)
        }
        let leaseTimer = Task { [leaseTimeout] in
            guard (try? await Task.sleep(for: leaseTimeout)) != nil else { return }
            let task = state.withLock { $0.connection == nil ? $0.task : nil }
            guard let task else { return }
            let reason = "no connection to the server within \(leaseTimeout)"
            finish(.failure(PostgresStoreError.connectionLost(reason: reason)))
            task.cancel()
        }
        let watch: @Sendable (PostgresConnection) -> Void = { connection in
            leaseTimer.cancel()
            state.withLock { $0.connection = connection.id }
            self.watch(connection, call: call) { finish(.failure($0)) }
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                state.withLock { $0.continuation = continuation }
                let task = Task {
                    let result = await Self.result { try await operation(watch) }
                    leaseTimer.cancel()
                    if let connection = state.withLock({ $0.connection }) {
                        self.forget(call, on: connection)
                    }
                    finish(result)
                }
                let cancelled = state.withLock { state in
                    state.task = task
                    return state.isCancelled
                }
                if cancelled { task.cancel() }
            }
        } onCancel: {
            let task = state.withLock { state in
                state.isCancelled = true
                return state.task
            }
            task?.cancel()
        }
    }

    /// What a call run through the watch has come to.
    private struct CallState<T: Sendable>: Sendable {
        var continuation: CheckedContinuation<T, any Error>?
        var task: Task<Void, Never>?
        var connection: PostgresConnection.ID?
        var isCancelled = false
    }

    private func watch(_ connection: PostgresConnection, call: UInt64, failing: @escaping Failing) {
        let isNew = running.withLock { table in
            defer { table[connection.id, default: [:]][call] = failing }
            return table[connection.id] == nil
        }
        // One callback per connection, however many calls it serves; it runs at once if the connection has
        // closed already.
        if isNew {
            let id = connection.id
            connection.closeFuture.whenComplete { _ in self.closed(id) }
        }
    }

    private func forget(_ call: UInt64, on connection: PostgresConnection.ID) {
        running.withLock { table in
            _ = table[connection]?.removeValue(forKey: call)
        }
    }

    private func closed(_ connection: PostgresConnection.ID) {
        let calls = running.withLock { $0.removeValue(forKey: connection) } ?? [:]
        for failing in calls.values {
            failing(PostgresStoreError.connectionLost(reason: "the connection closed during the call"))
        }
    }

    private static func result<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }
}
