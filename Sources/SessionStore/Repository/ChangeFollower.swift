/// One reader of a change feed: replays what it has not seen, then waits for the store's wake-ups and reads on.
/// It reads only when asked for the next change, so a slow consumer holds at most one batch in memory.
package actor ChangeFollower {
    private static let batchSize = 256

    private let store: any ChangeFeedStore
    private let workspaceId: String
    private var sequence: Int64
    private var buffered: ArraySlice<Change> = []
    private var subscription: (id: Int, wakeUps: AsyncStream<Void>)?

    package init(store: any ChangeFeedStore, workspaceId: String, after sequence: Int64) {
        self.store = store
        self.workspaceId = workspaceId
        self.sequence = sequence
    }

    deinit {
        if let subscription {
            store.unsubscribeFromChanges(subscription.id)
        }
    }

    /// The next change; nil once the calling task is cancelled.
    package func next() async throws -> Change? {
        // Only the caller's number can be one the feed never handed out: later ones come from the feed.
        var checksStart = false
        if subscription == nil {
            try store.limits.checkIdentifier(workspaceId, "workspaceId")
            // Subscribed before the first read, so that no change committed after that read goes unnoticed.
            subscription = store.subscribeToChanges()
            checksStart = true
        }
        while buffered.isEmpty {
            guard !Task.isCancelled, let wakeUps = subscription?.wakeUps else { return stop() }
            let batch: [Change]
            do {
                batch = try await store.changeBatch(
                    workspaceId: workspaceId, after: sequence, limit: Self.batchSize, checkingStart: checksStart)
            } catch is CancellationError {
                return stop()
            }
            checksStart = false
            if batch.isEmpty {
                // Waiting on an AsyncStream ends at once when the task is cancelled, and for good when the store
                // closes: the follower then fails as every call after close does.
                guard await wakeUps.first(where: { _ in true }) != nil else {
                    if !Task.isCancelled { try await store.checkOpen() }
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
            store.unsubscribeFromChanges(subscription.id)
        }
        subscription = nil
        return nil
    }
}
