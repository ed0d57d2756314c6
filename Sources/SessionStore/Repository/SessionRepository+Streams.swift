import SessionStoreSQLite

extension SessionRepository {
    /// Adds `message` to the end of the session with status `streaming`, as ``addMessage(workspaceId:sessionId:message:)``
    /// does, and returns a stream that writes the reply into it as it arrives:
    ///
    /// ```swift
    /// let reply = try await store.openMessageStream(workspaceId: "ws-1", sessionId: id)
    /// for try await token in model.reply() {
    ///     try reply.append(token)
    /// }
    /// try await reply.finish(status: .completed, usage: usage)
    /// ```
    ///
    /// Each write of the stream records a `messageUpdated` change, so the change feed reports a stream's writes
    /// (every flush), not its tokens.
    ///
    /// - Throws: what ``addMessage(workspaceId:sessionId:message:)`` throws; also
    ///   ``SessionStoreError/messageIdConflict(messageId:)`` when `message.id` names a message that is not streaming.
    public func openMessageStream(
        workspaceId: String, sessionId: String, message: NewMessage = NewMessage(role: .assistant),
        options: MessageStream.Options = MessageStream.Options()
    ) async throws -> MessageStream {
        var streaming = message
        streaming.status = .streaming
        let created = try await addMessage(workspaceId: workspaceId, sessionId: sessionId, message: streaming)
        // A retried open finds the message its first attempt created; a finished one is not streamed into again.
        guard created.status == .streaming else { throw SessionStoreError.messageIdConflict(messageId: created.id) }
        return MessageStream(message: created, workspaceId: workspaceId, repository: self, options: options)
    }

    /// Stores `text` as the message's next chunk.
    ///
    /// - Throws: ``SessionStoreError/messageNotFound(workspaceId:messageId:)`` when the message is gone.
    package func writeChunk(_ text: String, workspaceId: String, messageId: String) async throws {
        try await configuration.logged("writeChunk", workspaceId: workspaceId, messageId: messageId) {
            let now = configuration.now()
            try await write { connection in
                guard
                    let sessionId = try connection.cachedStatement("SELECT session_id FROM messages WHERE id = ?1 AND workspace_id = ?2")
                        .first([.text(messageId), .text(workspaceId)], { $0.string(0) })
                else { throw SessionStoreError.messageNotFound(workspaceId: workspaceId, messageId: messageId) }
                try connection.execute(
                    """
                    INSERT INTO message_chunks (message_id, sequence, text)
                    SELECT ?1, coalesce(max(sequence), 0) + 1, ?2 FROM message_chunks WHERE message_id = ?1
                    """,
                    [.text(messageId), .text(text)])
                try self.record(.messageUpdated, workspaceId: workspaceId, sessionId: sessionId, messageId: messageId, at: now, connection)
            }
        }
    }
}

extension SessionRepository: MessageStreamStore {}
