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
    /// - Throws: what ``addMessage(workspaceId:sessionId:message:)`` throws.
    public func openMessageStream(
        workspaceId: String, sessionId: String, message: NewMessage = NewMessage(role: .assistant),
        options: MessageStream.Options = MessageStream.Options()
    ) async throws -> MessageStream {
        var streaming = message
        streaming.status = .streaming
        let created = try await addMessage(workspaceId: workspaceId, sessionId: sessionId, message: streaming)
        return MessageStream(message: created, workspaceId: workspaceId, repository: self, options: options)
    }

    /// Stores `text` as the message's next chunk, after `lead`, the end of the word the previous chunk stopped in.
    ///
    /// - Throws: ``SessionStoreError/messageNotFound(workspaceId:messageId:)`` when the message is gone.
    func writeChunk(_ text: String, lead: String, workspaceId: String, messageId: String) async throws {
        try await logged("writeChunk", workspaceId: workspaceId, messageId: messageId) {
            let now = configuration.now()
            try await write { connection in
                guard
                    let sessionId = try connection.cachedStatement("SELECT session_id FROM messages WHERE id = ?1 AND workspace_id = ?2")
                        .first([.text(messageId), .text(workspaceId)], { $0.string(0) })
                else { throw SessionStoreError.messageNotFound(workspaceId: workspaceId, messageId: messageId) }
                try connection.execute(
                    """
                    INSERT INTO message_chunks (message_id, sequence, text, lead)
                    SELECT ?1, coalesce(max(sequence), 0) + 1, ?2, ?3 FROM message_chunks WHERE message_id = ?1
                    """,
                    [.text(messageId), .text(text), .text(lead)])
                // A no-op after the first chunk; needed again after updateMessage folded the chunks in.
                try connection.execute("UPDATE messages SET chunked = 1 WHERE id = ?1 AND chunked = 0", [.text(messageId)])
                try self.record(.messageUpdated, workspaceId: workspaceId, sessionId: sessionId, messageId: messageId, at: now, connection)
            }
        }
    }
}
