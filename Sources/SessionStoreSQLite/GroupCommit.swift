/// The writes waiting for a writer connection, committed in groups: when several tasks write at once, the writes
/// queued while one transaction ran share the next transaction, and so its commit (one sync with
/// `synchronous=FULL` instead of one each). A write that finds the writer idle starts at once, alone: no write
/// waits for company.
///
/// Each write of a group runs in a savepoint of its own, so one that throws is undone alone and its caller gets
/// its error while the others commit. Every caller hears of its write only after the commit that holds it has
/// returned: an acknowledged write is as durable as one committed alone.
final class GroupCommit: Sendable {
    /// How many groups a drain commits before the writer's other jobs get their turn.
    private static let groupsPerTurn = 8

    private struct State {
        var queued: [any QueuedWrite] = []
        var isDraining = false
        var isClosed = false
    }

    private let writer: SerialConnection
    private let maximumGroupSize: Int
    private let state = Locked(State())

    /// Commits on `writer` at most `maximumGroupSize` writes together (1 commits each alone).
    init(writer: SerialConnection, maximumGroupSize: Int) {
        self.writer = writer
        self.maximumGroupSize = max(maximumGroupSize, 1)
    }

    /// Runs `body` in a transaction, alone or beside other writes, and returns its result once the transaction
    /// has committed.
    ///
    /// - Throws: what `body` throws, its work undone; `CancellationError` when the task is cancelled before its
    ///   write committed; a ``SQLiteError`` when the transaction could not begin or commit; `.misuse` after
    ///   ``close()``.
    func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let write = PendingWrite(body)
        return try await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                write.continuation.withLock { $0 = continuation }
                enqueue(write)
            }
            return try write.outcome.withLock { $0 }.get()
        } onCancel: {
            write.job.cancel(interrupt: writer.interrupt)
        }
    }

    /// How many writes wait for the writer, for tests that hold it and must know when their writes have queued.
    package var queuedCount: Int {
        state.withLock { $0.queued.count }
    }

    /// Refuses later writes, then commits the ones already queued.
    func close() async {
        state.withLock { $0.isClosed = true }
        _ = try? await writer.run { connection in
            self.drain(connection, maximumGroups: .max)
        }
    }

    private func enqueue(_ write: any QueuedWrite) {
        let startsDrain = state.withLock { state -> Bool? in
            guard !state.isClosed else { return nil }
            state.queued.append(write)
            defer { state.isDraining = true }
            return !state.isDraining
        }
        switch startsDrain {
        case nil:
            write.fail(SQLiteError.databaseClosed)
        case true?:
            scheduleDrain()
        case false?:
            break
        }
    }

    private func scheduleDrain() {
        writer.submit { connection in
            guard let connection else { return self.failQueued(SQLiteError.databaseClosed) }
            self.drain(connection, maximumGroups: Self.groupsPerTurn)
        }
    }

    /// Commits group after group until no write is queued or `maximumGroups` have committed; runs on the writer's
    /// queue. While writes keep coming, the drain then goes back to the end of the queue, so that the writer's
    /// other jobs (a task on its executor, a backup) get their turn.
    private func drain(_ connection: Connection, maximumGroups: Int) {
        for _ in 0..<maximumGroups {
            guard let group = nextGroup() else { return }
            if group.count == 1 {
                group[0].runAlone(connection)
            } else {
                commit(group, connection)
            }
        }
        scheduleDrain()
    }

    private func nextGroup() -> [any QueuedWrite]? {
        state.withLock { state in
            guard !state.queued.isEmpty else {
                state.isDraining = false
                return nil
            }
            let group = Array(state.queued.prefix(maximumGroupSize))
            state.queued.removeFirst(group.count)
            return group
        }
    }

    private func commit(_ group: [any QueuedWrite], _ connection: Connection) {
        do {
            try connection.begin(.immediate)
        } catch {
            return group.forEach { $0.fail(error) }
        }
        for (index, write) in group.enumerated() {
            write.runInSavepoint(connection)
            // A full disk or an I/O error can make SQLite roll the whole transaction back: the writes so far lost
            // their work with it, and the ones after go in the next group.
            if !connection.isInTransaction {
                let error = write.failure ?? SQLiteError(code: .error, message: "SQLite rolled the transaction back")
                group[...index].forEach { $0.fail(error) }
                requeue(group[(index + 1)...])
                return
            }
        }
        do {
            try connection.execute("COMMIT")
        } catch {
            if connection.isInTransaction {
                try? connection.execute("ROLLBACK")
            }
            return group.forEach { $0.fail(error) }
        }
        group.forEach { $0.tell() }
    }

    private func requeue(_ writes: ArraySlice<any QueuedWrite>) {
        state.withLock { $0.queued.insert(contentsOf: writes, at: 0) }
    }

    private func failQueued(_ error: any Error) {
        let queued = state.withLock { state in
            defer {
                state.queued = []
                state.isDraining = false
            }
            return state.queued
        }
        queued.forEach { $0.fail(error) }
    }
}

/// A write waiting in a ``GroupCommit``, whatever its result's type.
private protocol QueuedWrite: Sendable {
    /// Runs the write in a transaction of its own and tells its caller how it went.
    func runAlone(_ connection: Connection)
    /// Runs the write in a savepoint of the open transaction, keeping its outcome for ``tell()``.
    func runInSavepoint(_ connection: Connection)
    /// What the write failed with, if it did.
    var failure: (any Error)? { get }
    /// Tells the caller the outcome kept.
    func tell()
    /// Tells the caller that the write failed with `error`, whatever its outcome was.
    func fail(_ error: any Error)
}

private final class PendingWrite<T: Sendable>: QueuedWrite {
    let job = ConnectionJob()
    private let body: @Sendable (Connection) throws -> T
    // The result crosses back through a lock, as in `DispatchQueue.result(of:)`, for the thread sanitizer's sake.
    let outcome = Locked<Result<T, any Error>>(.failure(CancellationError()))
    /// Set before the write is queued; resumed once, after it ran.
    let continuation = Locked<CheckedContinuation<Void, Never>?>(nil)

    init(_ body: @escaping @Sendable (Connection) throws -> T) {
        self.body = body
    }

    func runAlone(_ connection: Connection) {
        let result = job.run(on: connection) { connection in
            try connection.transaction(.immediate) { try body(connection) }
        }
        outcome.withLock { $0 = result }
        tell()
    }

    func runInSavepoint(_ connection: Connection) {
        // Interrupting one write would roll back the whole group's transaction: a write cancelled while it runs
        // finishes, and is then undone alone.
        let result = job.run(on: connection, interruptible: false) { connection in
            try connection.transaction { () throws -> T in
                let value = try body(connection)
                if job.isCancelled {
                    throw CancellationError()
                }
                return value
            }
        }
        outcome.withLock { $0 = result }
    }

    var failure: (any Error)? {
        outcome.withLock { outcome in
            if case .failure(let error) = outcome { return error }
            return nil
        }
    }

    func tell() {
        continuation.withLock { continuation in
            continuation?.resume()
            continuation = nil
        }
    }

    func fail(_ error: any Error) {
        outcome.withLock { $0 = .failure(error) }
        tell()
    }
}
