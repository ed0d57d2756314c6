import SessionStoreSQLite

/// Wakes the followers of the change feed when changes may have committed: at once after this process's writes,
/// and within a poll interval after another process's, which it notices by `PRAGMA data_version` on a connection
/// of its own. That connection, and the poll, exist only while someone follows.
final class ChangeNotifier: Sendable {
    private struct State {
        var followers: [Int: AsyncStream<Void>.Continuation] = [:]
        var nextId = 0
        var watcher: Task<Void, Never>?
    }

    private let location: DatabaseLocation
    private let options: ConnectionOptions
    private let pollInterval: Duration
    private let state = Locked(State())

    init(location: DatabaseLocation, options: ConnectionOptions, pollInterval: Duration) {
        self.location = location
        var options = options
        options.access = .readOnly
        self.options = options
        self.pollInterval = pollInterval
    }

    /// Registers a follower: the stream yields after each possible change, at most one wake-up waiting.
    func subscribe() -> (id: Int, wakeUps: AsyncStream<Void>) {
        let (wakeUps, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            let id = state.nextId
            state.nextId += 1
            state.followers[id] = continuation
            if state.watcher == nil, case .file = location {
                state.watcher = Task.detached { [self] in await watch() }
            }
            return id
        }
        return (id, wakeUps)
    }

    /// Forgets a follower; the last one to go stops the watch.
    func unsubscribe(_ id: Int) {
        let (continuation, watcher) = state.withLock { state in
            let continuation = state.followers.removeValue(forKey: id)
            guard state.followers.isEmpty else { return (continuation, nil as Task<Void, Never>?) }
            defer { state.watcher = nil }
            return (continuation, state.watcher)
        }
        continuation?.finish()
        watcher?.cancel()
    }

    /// Wakes every follower.
    func notify() {
        for follower in state.withLock({ Array($0.followers.values) }) {
            follower.yield()
        }
    }

    /// Until cancelled, wakes the followers whenever another connection has committed since the last look.
    private func watch() async {
        // No watch without its connection: this process's own writes still wake the followers.
        guard let connection = try? SerialConnection(location: location, options: options, label: "SessionStore.changeWatcher")
        else { return }
        let dataVersion: @Sendable (Connection) throws -> Int64 = { connection in
            try connection.cachedStatement("PRAGMA data_version").first { $0.int64(0) } ?? 0
        }
        var seen = try? await connection.run(dataVersion)
        while (try? await Task.sleep(for: pollInterval)) != nil {
            let now = try? await connection.run(dataVersion)
            if now != seen {
                seen = now
                notify()
            }
        }
        await connection.close()
    }
}
