import Foundation
import SessionStoreSQLite

/// Wakes the followers of the change feed when changes may have committed: at once after this process's writes,
/// and within a poll interval after another process's, which it notices by `PRAGMA data_version` on a connection
/// of its own. That connection, and the thread that polls it, exist only while someone follows. A file moved,
/// replaced or deleted wakes them a last time.
final class ChangeNotifier: Sendable {
    private struct State {
        var followers: [Int: AsyncStream<Void>.Continuation] = [:]
        var nextId = 0
        /// Set to stop the running watch.
        var watchStopped: Locked<Bool>?
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
        let (id, startWatch) = state.withLock { state in
            let id = state.nextId
            state.nextId += 1
            state.followers[id] = continuation
            guard state.watchStopped == nil, case .file = location else { return (id, nil as Locked<Bool>?) }
            let stopped = Locked(false)
            state.watchStopped = stopped
            return (id, stopped)
        }
        if let startWatch {
            // A thread of its own, asleep between looks: cheaper, while nothing happens, than a task that wakes
            // the cooperative pool and a connection's queue on every look.
            Thread.detachNewThread { [self] in watch(until: startWatch) }
        }
        return (id, wakeUps)
    }

    /// Forgets a follower; the last one to go stops the watch.
    func unsubscribe(_ id: Int) {
        let (continuation, watchStopped) = state.withLock { state in
            let continuation = state.followers.removeValue(forKey: id)
            guard state.followers.isEmpty else { return (continuation, nil as Locked<Bool>?) }
            defer { state.watchStopped = nil }
            return (continuation, state.watchStopped)
        }
        continuation?.finish()
        watchStopped?.withLock { $0 = true }
    }

    /// Wakes every follower. Called after every write: without followers it only takes the lock.
    func notify() {
        for follower in state.withLock({ $0.followers.isEmpty ? [] : Array($0.followers.values) }) {
            follower.yield()
        }
    }

    /// Until `stopped`, wakes the followers whenever another connection has committed since the last look.
    private func watch(until stopped: Locked<Bool>) {
        // No watch without its connection: this process's own writes still wake the followers.
        guard let connection = try? Connection(location: location, options: options) else { return }
        defer { connection.close() }
        func dataVersion() -> Int64? {
            try? connection.cachedStatement("PRAGMA data_version").first { $0.int64(0) }
        }
        let (seconds, attoseconds) = pollInterval.components
        var pause = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var seen = dataVersion()
        while !stopped.withLock({ $0 }) {
            nanosleep(&pause, nil)
            // A file replaced or deleted never changes again: the followers, woken, fail on their next read, as
            // every call of the repository does, instead of waiting for ever on a file nothing writes.
            if connection.fileHasMoved {
                return notify()
            }
            let now = dataVersion()
            if now != seen {
                seen = now
                notify()
            }
        }
    }
}
