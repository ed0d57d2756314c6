/// One reader of the change feed: replays what it has not seen, then waits to be woken by the
/// ``ChangeNotifier`` and reads on. It reads only when asked for the next change, so a slow consumer holds at most
/// one batch in memory.
actor ChangeFollower {
    private static let batchSize = 256

    private let repository: SessionRepository
    private let workspaceId: String
    private var sequence: Int64
    private var buffered: ArraySlice<Change> = []
    private var subscription: (id: Int, wakeUps: AsyncStream<Void>)?

    init(repository: SessionRepository, workspaceId: String, after sequence: Int64) {
        self.repository = repository
        self.workspaceId = workspaceId
        self.sequence = sequence
    }

    deinit {
        if let subscription {
            repository.changeNotifier.unsubscribe(subscription.id)
        }
    }

    /// The next change; nil once the calling task is cancelled.
    func next() async throws -> Change? {
        // Only the caller's number can be one the feed never handed out: later ones come from the feed.
        var checksStart = false
        if subscription == nil {
            try repository.limits.checkIdentifier(workspaceId, "workspaceId")
            // Subscribed before the first read, so that no change committed after that read goes unnoticed.
            let (id, wakeUps) = repository.changeNotifier.subscribe()
            subscription = (id, wakeUps)
            checksStart = true
        }
        while buffered.isEmpty {
            guard !Task.isCancelled else { return stop() }
            let (workspaceId, sequence) = (workspaceId, sequence)
            let batch: [Change]
            do {
                batch = try await repository.database.read { [checksStart] connection in
                    if checksStart {
                        try ChangeLog.checkReached(workspaceId: workspaceId, sequence, connection)
                    }
                    return try ChangeLog.changes(workspaceId: workspaceId, after: sequence, limit: Self.batchSize, connection)
                }
            } catch is CancellationError {
                return stop()
            }
            checksStart = false
            if batch.isEmpty, let wakeUps = subscription?.wakeUps {
                // Waiting on an AsyncStream ends at once when the task is cancelled, and for good when the store
                // closes: a read then fails, as every call after close does.
                guard await wakeUps.first(where: { _ in true }) != nil else {
                    if !Task.isCancelled { try await repository.database.read { _ in } }
                    return stop()
                }
            }
            buffered = batch[...]
        }
        let change = buffered.removeFirst()
        sequence = change.sequence
        return change
    }

    private func stop() -> Change? {
        if let subscription {
            repository.changeNotifier.unsubscribe(subscription.id)
        }
        subscription = nil
        return nil
    }
}
