import Logging
import PostgresNIO
import SessionStore

/// Wakes this repository's change followers when a change may have committed: at once for its own writes, and
/// on PostgreSQL's notification (the `changes` table's trigger) for other processes'. It also wakes them every
/// ``fallbackPoll``, so a notification lost while the listening connection reconnects only delays a change.
final class PostgresChangeFeed: Sendable {
    static let channel = "session_store_changes"
    static let fallbackPoll: Duration = .seconds(1)

    private struct State {
        var followers: [Int: AsyncStream<Void>.Continuation] = [:]
        var nextId = 0
        var listener: Task<Void, Never>?
        var isClosed = false
    }

    private let client: PostgresClient
    private let logger: Logger
    private let state = Locked(State())

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// A stream that yields when a change may have committed, and ends once the store closes; the listening
    /// connection opens with the first.
    func subscribe() -> (id: Int, wakeUps: AsyncStream<Void>) {
        let (wakeUps, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            defer { state.nextId += 1 }
            guard !state.isClosed else {
                continuation.finish()
                return state.nextId
            }
            state.followers[state.nextId] = continuation
            if state.listener == nil {
                state.listener = Task { [self] in
                    await withDiscardingTaskGroup { group in
                        group.addTask { await self.listen() }
                        group.addTask {
                            while (try? await Task.sleep(for: Self.fallbackPoll)) != nil { self.notify() }
                        }
                    }
                }
            }
            return state.nextId
        }
        return (id, wakeUps)
    }

    func unsubscribe(_ id: Int) {
        state.withLock { $0.followers.removeValue(forKey: id) }?.finish()
    }

    func notify() {
        for follower in state.withLock({ Array($0.followers.values) }) {
            follower.yield()
        }
    }

    /// Stops listening and ends every follower's wake-ups, for good.
    func close() async {
        let (listener, followers) = state.withLock { state in
            defer { state = State(isClosed: true) }
            return (state.listener, Array(state.followers.values))
        }
        listener?.cancel()
        await listener?.value
        followers.forEach { $0.finish() }
    }

    private func listen() async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { notifications in
                        // Listening from now on: what committed before is what the followers' next read finds.
                        notify()
                        for try await _ in notifications { notify() }
                    }
                }
            } catch {
                guard !Task.isCancelled else { return }
                logger.debug("listening for changes failed; trying again", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: Self.fallbackPoll)
            }
        }
    }
}
