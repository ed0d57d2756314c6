import SessionStoreSQLite

extension SessionRepository {
    /// Every change of the workspace after `sequence`, in order, then each new one as it commits, in this process
    /// or another using the same file, until the task iterating the stream is cancelled (the stream then ends).
    /// Changes are numbered 1, 2, 3, … within a workspace: a follower that has seen N never meets N or less again.
    ///
    /// The stream reads a batch only when asked for the next change, so a slow consumer holds little in memory.
    /// Another process's changes arrive within ``Configuration/changePollInterval``.
    ///
    /// - Throws (from the stream): ``SessionStoreError/changesTrimmed(oldestKept:)`` when changes after
    ///   `sequence` were already trimmed (see ``Configuration/changeRetention``): reload what the client shows,
    ///   then follow from ``latestChangeSequence(workspaceId:)``;
    ///   ``SessionStoreError/unknownChangeSequence(sequence:latest:)`` when `sequence` is below 0 or past the
    ///   workspace's newest change (a store restored from an older copy): the same.
    public func changes(workspaceId: String, after sequence: Int64 = 0) -> AsyncThrowingStream<Change, any Error> {
        let follower = ChangeFollower(store: self, workspaceId: workspaceId, after: sequence)
        return AsyncThrowingStream { try await follower.next() }
    }

    /// The number of the workspace's newest change, 0 before its first: where a client that has just loaded what
    /// it shows starts following from.
    public func latestChangeSequence(workspaceId: String) async throws -> Int64 {
        try await configuration.logged("latestChangeSequence", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            return try await database.read { try ChangeLog.latest(workspaceId: workspaceId, $0) }
        }
    }

    /// Deletes the workspace's changes past ``Configuration/changeRetention`` now, rather than at the trim that
    /// writes make on their own every 1,024 changes; returns how many went. The newest change always stays.
    public func trimChanges(workspaceId: String) async throws -> Int {
        try await configuration.logged("trimChanges", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            let now = configuration.now()
            return try await write { [configuration] connection in
                let latest = try ChangeLog.latest(workspaceId: workspaceId, connection)
                return try ChangeLog.trim(
                    workspaceId: workspaceId, latest: latest, retention: configuration.changeRetention, now: now, connection)
            }
        }
    }

    /// Runs `body` in a write transaction, as `DatabasePool.write` does, then wakes the change feed's followers.
    func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let result = try await database.write(body)
        changeNotifier.notify()
        return result
    }

    /// Records a change in the transaction of the write that made it.
    func record(
        _ kind: Change.Kind, workspaceId: String, sessionId: String?, messageId: String? = nil, at now: Int64,
        _ connection: Connection
    ) throws {
        try ChangeLog.record(
            kind, workspaceId: workspaceId, sessionId: sessionId, messageId: messageId, at: now,
            retention: configuration.changeRetention, connection)
    }
}

extension SessionRepository: ChangeFeedStore {
    package func subscribeToChanges() -> (id: Int, wakeUps: AsyncStream<Void>) {
        changeNotifier.subscribe()
    }

    package func unsubscribeFromChanges(_ id: Int) {
        changeNotifier.unsubscribe(id)
    }

    package func changeBatch(workspaceId: String, after sequence: Int64, limit: Int, checkingStart: Bool) async throws -> [Change] {
        try await database.read { connection in
            if checkingStart {
                try ChangeLog.checkReached(workspaceId: workspaceId, sequence, connection)
            }
            return try ChangeLog.changes(workspaceId: workspaceId, after: sequence, limit: limit, connection)
        }
    }

    package func checkOpen() async throws {
        try await database.read { _ in }
    }
}
