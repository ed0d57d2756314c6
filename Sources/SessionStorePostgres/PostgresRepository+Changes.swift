import PostgresNIO
import SessionStore

extension PostgresRepository {
    /// Every change of the workspace after `sequence`, in order, then each new one as it commits, from any
    /// process on the same database, until the task iterating the stream is cancelled (the stream then ends).
    /// Changes are numbered 1, 2, 3, … within a workspace, as with SQLite.
    ///
    /// - Throws (from the stream): `SessionStoreError.changesTrimmed` when changes after `sequence` are gone,
    ///   `SessionStoreError.unknownChangeSequence` when the feed never reached `sequence`.
    public func changes(workspaceId: String, after sequence: Int64 = 0) -> AsyncThrowingStream<Change, any Error> {
        let follower = ChangeFollower(store: self, workspaceId: workspaceId, after: sequence)
        return AsyncThrowingStream { try await follower.next() }
    }

    /// The number of the workspace's newest change, 0 before its first.
    public func latestChangeSequence(workspaceId: String) async throws -> Int64 {
        try await configuration.logged("latestChangeSequence", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            return try await read { [self] in try await latest(workspaceId: workspaceId, $0) }
        }
    }

    private func latest(workspaceId: String, _ connection: PostgresConnection) async throws -> Int64 {
        var latest: Int64 = 0
        for try await found in try await connection.query(
            "SELECT coalesce(max(sequence), 0)::bigint FROM changes WHERE workspace_id = \(workspaceId)", logger: logger
        ).decode(Int64.self) { latest = found }
        return latest
    }
}

extension PostgresRepository: ChangeFeedStore {
    package func subscribeToChanges() -> (id: Int, wakeUps: AsyncStream<Void>) {
        changeFeed.subscribe()
    }

    package func unsubscribeFromChanges(_ id: Int) {
        changeFeed.unsubscribe(id)
    }

    package func changeBatch(workspaceId: String, after sequence: Int64, limit: Int, checkingStart: Bool) async throws -> [Change] {
        try await read { [self] connection in
            if checkingStart {
                // 0 up to the newest change, which is never trimmed.
                let newest = try await latest(workspaceId: workspaceId, connection)
                guard (0...newest).contains(sequence) else {
                    throw SessionStoreError.unknownChangeSequence(sequence: sequence, latest: newest)
                }
            }
            var changes: [Change] = []
            for try await (number, kind, sessionId, messageId, changedAt) in try await connection.query(
                """
                SELECT sequence, kind, session_id, message_id, changed_at FROM changes
                WHERE workspace_id = \(workspaceId) AND sequence > \(sequence) ORDER BY sequence LIMIT \(Int64(limit))
                """, logger: logger
            ).decode((Int64, String, String?, String?, Int64).self) {
                guard let kind = Change.Kind(rawValue: kind) else {
                    throw SessionStoreError.corruptValue(table: "changes", id: "\(number)", reason: "unknown kind \(kind)")
                }
                changes.append(
                    Change(sequence: number, workspaceId: workspaceId, kind: kind, sessionId: sessionId, messageId: messageId, changedAt: changedAt))
            }
            // Numbers run without gaps until trimming: a gap right after `sequence` means it was trimmed away.
            if let first = changes.first, first.sequence != sequence + 1 {
                throw SessionStoreError.changesTrimmed(oldestKept: first.sequence)
            }
            return changes
        }
    }

    package func checkOpen() async throws {
        try await read { _ in }
    }
}
