import PostgresNIO
import SessionStore

extension PostgresRepository: MessageStreamStore {
    /// Creates `message` (status streaming) at the end of the session and returns the stream that writes into it,
    /// as ``SessionRepository``'s does: each flush a chunk row of its own transaction, the chunks folded into the
    /// content at `finish`.
    ///
    /// - Throws: what ``addMessage(workspaceId:sessionId:message:)`` throws; also `SessionStoreError.messageIdConflict`
    ///   when `message.id` names a message that is not streaming.
    public func openMessageStream(
        workspaceId: String, sessionId: String, message: NewMessage = NewMessage(role: .assistant),
        options: MessageStream.Options = MessageStream.Options()
    ) async throws -> MessageStream {
        var streaming = message
        streaming.status = .streaming
        let created = try await addMessage(workspaceId: workspaceId, sessionId: sessionId, message: streaming)
        guard created.status == .streaming else { throw SessionStoreError.messageIdConflict(messageId: created.id) }
        return MessageStream(message: created, workspaceId: workspaceId, repository: self, options: options)
    }

    package func writeChunk(_ text: String, workspaceId: String, messageId: String) async throws {
        try await configuration.logged("writeChunk", workspaceId: workspaceId, messageId: messageId) {
            let now = configuration.now()
            try await transaction { [self] connection in
                // The message's row lock keeps two writers of one message from taking the same chunk number.
                var sessionId: String?
                for try await found in try await connection.query(
                    "SELECT session_id FROM messages WHERE id = \(messageId) AND workspace_id = \(workspaceId) FOR UPDATE",
                    logger: logger
                ).decode(String.self) { sessionId = found }
                guard let sessionId else { throw SessionStoreError.messageNotFound(workspaceId: workspaceId, messageId: messageId) }
                try await connection.query(
                    """
                    INSERT INTO message_chunks (message_id, sequence, text)
                    SELECT \(messageId), coalesce(max(sequence), 0) + 1, \(text) FROM message_chunks WHERE message_id = \(messageId)
                    """, logger: logger)
                try await recordChange(
                    .messageUpdated, workspaceId: workspaceId, sessionId: sessionId, messageId: messageId, at: now, connection)
            }
        }
    }
}
