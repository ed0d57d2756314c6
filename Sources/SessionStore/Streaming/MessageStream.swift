/// A reply written into its message as it arrives, from ``SessionRepository/openMessageStream(workspaceId:sessionId:message:options:)``.
///
/// ``append(_:)`` keeps the text in memory; the stream writes it every ``Options/flushInterval`` or
/// ``Options/flushBytes``, whichever comes first, each write one short transaction that stores only the text
/// appended since the one before. Readers (`getSessionMessages`, search, the shell's `conversation` view) see the
/// message with everything written so far, status `streaming`.
///
/// End it with ``finish(status:parts:toolCalls:usage:)`` (or ``cancel()``): one transaction writes the rest,
/// makes the content whole and sets the status. What is left when the handle is released unfinished is written
/// with status `error`. A crash loses at most what was appended since the last write, and leaves the message
/// `streaming` with everything written before it.
///
/// A stream may be used from any task; appends from several tasks at once are kept in the order they took the
/// stream's lock.
public final class MessageStream: Sendable {
    /// The message the stream writes into, as it was created.
    public let message: SessionMessage
    /// The workspace of the message.
    public let workspaceId: String

    private let repository: any MessageStreamStore
    private let buffer: StreamBuffer
    private let flusher: Task<Void, Never>

    package init(message: SessionMessage, workspaceId: String, repository: any MessageStreamStore, options: Options) {
        self.message = message
        self.workspaceId = workspaceId
        self.repository = repository
        let buffer = StreamBuffer(
            contentBytes: message.content?.utf8.count ?? 0, options: options, messageBytes: repository.limits.messageBytes)
        self.buffer = buffer
        flusher = Task { [message] in
            await Self.runFlusher(buffer, repository: repository, workspaceId: workspaceId, messageId: message.id)
        }
    }

    deinit {
        _ = buffer.end(.abandoned)
    }

    /// Adds `text` to the end of the reply. Costs a string append on the caller's task; the text is written by the
    /// stream's next flush.
    ///
    /// - Throws: ``SessionStoreError/streamEnded(messageId:)`` after ``finish(status:parts:toolCalls:usage:)`` or
    ///   ``cancel()``, ``SessionStoreError/valueTooLarge(field:byteCount:limit:)`` when the content would pass
    ///   ``Limits/messageBytes``, or the error of an earlier flush that failed (the stream then writes nothing more
    ///   until its finish, which tries once more). The text is not added then.
    public func append(_ text: String) throws {
        try buffer.append(text, messageId: message.id)
    }

    /// Writes what was appended so far, without waiting for the flush interval, and returns once it is stored.
    ///
    /// - Throws: the error of the write, such as ``SessionStoreError/messageNotFound(workspaceId:messageId:)``
    ///   when the message was deleted.
    public func flush() async throws {
        try await buffer.flush()
    }

    /// Writes the rest of the reply and ends the stream, in one transaction: the message's content becomes
    /// whole, its status becomes `status`, and `parts`, `toolCalls` and `usage` replace the message's when given.
    /// Returns the message as stored.
    ///
    /// - Throws: ``SessionStoreError/streamEnded(messageId:)`` when the stream was finished already,
    ///   ``SessionStoreError/messageNotFound(workspaceId:messageId:)`` when no live session shows the message
    ///   any more (deleted, or in the trash), ``SessionStoreError/valueTooLarge(field:byteCount:limit:)`` for
    ///   a message over ``Limits/messageBytes`` with its parts and tool calls, or
    ///   ``SessionStoreError/invalidUsage(reason:)`` for a usage out of range. Nothing is written then, and the
    ///   stream keeps the rest: `finish` or ``cancel()`` may be called again (no more appends).
    @discardableResult
    public func finish(
        status: SessionMessage.Status = .completed, parts: [MessagePart]? = nil, toolCalls: [ToolCall]? = nil,
        usage: Usage? = nil
    ) async throws -> SessionMessage {
        guard buffer.end(.closed) else { throw SessionStoreError.streamEnded(messageId: message.id) }
        await flusher.value
        return try await Self.writeRest(
            buffer, repository: repository, workspaceId: workspaceId, messageId: message.id, status: status, parts: parts,
            toolCalls: toolCalls, usage: usage)
    }

    /// Ends the stream as a reply that was cut short: writes what was appended and sets status `error`, as
    /// ``finish(status:parts:toolCalls:usage:)`` with `.error`.
    @discardableResult
    public func cancel() async throws -> SessionMessage {
        try await finish(status: .error)
    }

    /// The flusher's loop: writes each chunk when it is due, until the stream ends; writes the rest with status
    /// `error` when the handle was released unfinished.
    private static func runFlusher(
        _ buffer: StreamBuffer, repository: any MessageStreamStore, workspaceId: String, messageId: String
    ) async {
        while true {
            switch buffer.next() {
            case .write(let chunk):
                do {
                    try await repository.writeChunk(chunk.text, workspaceId: workspaceId, messageId: messageId)
                    buffer.written(chunk)
                } catch {
                    buffer.failed(chunk, error)
                }
            case .sleep(let deadline):
                await buffer.sleep(until: deadline)
            case .stop(abandoned: false):
                return
            case .stop(abandoned: true):
                // Nobody is left to hear of a failure; the message then stays `streaming`, as after a crash.
                _ = try? await writeRest(
                    buffer, repository: repository, workspaceId: workspaceId, messageId: messageId, status: .error,
                    parts: nil, toolCalls: nil, usage: nil)
                return
            }
        }
    }

    /// The stream's last write: the rest of the text, the content made whole, and the status.
    private static func writeRest(
        _ buffer: StreamBuffer, repository: any MessageStreamStore, workspaceId: String, messageId: String,
        status: SessionMessage.Status, parts: [MessagePart]?, toolCalls: [ToolCall]?, usage: Usage?
    ) async throws -> SessionMessage {
        let rest = buffer.rest()
        do {
            let finished = try await repository.updateMessage(workspaceId: workspaceId, messageId: messageId, endingStream: true) { message in
                if !rest.text.isEmpty { message.content = (message.content ?? "") + rest.text }
                message.status = status
                if let parts { message.parts = parts }
                if let toolCalls { message.toolCalls = toolCalls }
                if let usage { message.usage = usage }
            }
            guard let finished else { throw SessionStoreError.messageNotFound(workspaceId: workspaceId, messageId: messageId) }
            for waiter in rest.waiters { waiter.resume() }
            return finished
        } catch {
            buffer.restore(rest)
            for waiter in rest.waiters { waiter.resume(throwing: error) }
            throw error
        }
    }
}
