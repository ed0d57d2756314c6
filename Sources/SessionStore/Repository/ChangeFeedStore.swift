/// What a ``ChangeFollower`` needs of the store whose change feed it follows, whichever the backend.
package protocol ChangeFeedStore: Sendable {
    var limits: Limits { get }

    /// A stream that yields when a change may have committed, and ends for good once the store closes.
    func subscribeToChanges() -> (id: Int, wakeUps: AsyncStream<Void>)

    /// Ends a subscription's wake-ups.
    func unsubscribeFromChanges(_ id: Int)

    /// Up to `limit` of the workspace's changes after `sequence`, in order.
    ///
    /// - Throws: ``SessionStoreError/changesTrimmed(oldestKept:)`` when the change after `sequence` was trimmed;
    ///   with `checkingStart`, ``SessionStoreError/unknownChangeSequence(sequence:latest:)`` unless the feed has
    ///   reached `sequence`.
    func changeBatch(workspaceId: String, after sequence: Int64, limit: Int, checkingStart: Bool) async throws -> [Change]

    /// Throws what every call throws once the store is closed; returns while it is open.
    func checkOpen() async throws
}
