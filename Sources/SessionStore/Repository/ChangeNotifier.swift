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
        var isClosed = false
    }

    private let location: DatabaseLocation
    /// The file the repository opened, which the path must go on naming.
    private let openedFile: FileIdentity?
    private let options: ConnectionOptions
    private let pollInterval: Duration
    private let state = Locked(State())

    /// A notifier for the repository just opened at `location`.
    init(location: DatabaseLocation, options: ConnectionOptions, pollInterval: Duration) {
        self.location = location
        openedFile = if case .file(let path) = location { FileIdentity(path: path) } else { nil }
        var options = options
        options.access = .readOnly
        self.options = options
        self.pollInterval = pollInterval
    }

    /// Registers a follower: the stream yields after each possible change, at most one wake-up waiting, and ends
    /// once the store closes.
    func subscribe() -> (id: Int, wakeUps: AsyncStream<Void>) {
        let (wakeUps, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let (id, startWatch) = state.withLock { state in
            let id = state.nextId
            state.nextId += 1
            guard !state.isClosed else {
                continuation.finish()
                return (id, nil as Locked<Bool>?)
            }
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

    /// Ends every follower's wake-ups and stops the watch, for good: the store has closed, so nothing will commit
    /// through it.
    func close() {
        let (followers, watchStopped) = state.withLock { state in
            defer {
                state.followers = [:]
                state.watchStopped = nil
                state.isClosed = true
            }
            return (Array(state.followers.values), state.watchStopped)
        }
        watchStopped?.withLock { $0 = true }
        followers.forEach { $0.finish() }
    }

    /// Wakes every follower. Called after every write: without followers it only takes the lock.
    func notify() {
        for follower in state.withLock({ $0.followers.isEmpty ? [] : Array($0.followers.values) }) {
            follower.yield()
        }
    }

    /// Until `stopped`, wakes the followers whenever another connection has committed since the last look.
    private func watch(until stopped: Locked<Bool>) {
        guard case .file(let path) = location else { return }
        // Without its connection the watch still sees the file replaced, and this process's writes still wake
        // the followers.
        let connection = try? Connection(location: location, options: options)
        defer { connection?.close() }
        func dataVersion() -> Int64? {
            try? connection?.cachedStatement("PRAGMA data_version").first { $0.int64(0) }
        }
        let (seconds, attoseconds) = pollInterval.components
        var pause = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var seen = dataVersion()
        while !stopped.withLock({ $0 }) {
            nanosleep(&pause, nil)
            // A file replaced or deleted never changes again: the followers, woken, fail on their next read, as
            // every call of the repository does, instead of waiting for ever on a file nothing writes. Compared
            // with the file the repository opened, not this connection's: it may have opened the new one.
            if FileIdentity(path: path) != openedFile {
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

/// Which file a path names; the same path names another once the file is replaced, and none once it is deleted.
private struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64

    init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }
}
