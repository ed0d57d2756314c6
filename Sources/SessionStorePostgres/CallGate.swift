import SessionStore

/// The repository's calls in flight: closing lets them finish, as closing a SQLite store does, instead of cutting
/// their connections, and refuses the calls that come after.
final class CallGate: Sendable {
    private struct State {
        var inFlight = 0
        var isClosed = false
        var waitingForTheLast: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Locked(State())

    /// Runs `body` as a call in flight.
    ///
    /// - Throws: ``PostgresStoreError/closed`` once ``close()`` has begun, or what `body` throws.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        try state.withLock { state in
            guard !state.isClosed else { throw PostgresStoreError.closed }
            state.inFlight += 1
        }
        defer {
            let waiting = state.withLock { state in
                state.inFlight -= 1
                guard state.inFlight == 0 else { return [] as [CheckedContinuation<Void, Never>] }
                defer { state.waitingForTheLast = [] }
                return state.waitingForTheLast
            }
            waiting.forEach { $0.resume() }
        }
        return try await body()
    }

    /// Refuses calls from now on, and returns once those in flight have finished.
    func close() async {
        await withCheckedContinuation { continuation in
            let drained = state.withLock { state in
                state.isClosed = true
                guard state.inFlight > 0 else { return true }
                state.waitingForTheLast.append(continuation)
                return false
            }
            if drained { continuation.resume() }
        }
    }
}
