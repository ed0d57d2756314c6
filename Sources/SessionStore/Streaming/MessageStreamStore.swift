/// What a ``MessageStream`` needs of the store it writes into, whichever the backend.
package protocol MessageStreamStore: Sendable {
    var limits: Limits { get }

    /// Stores `text` as the message's next chunk, with a `messageUpdated` change; throws
    /// ``SessionStoreError/messageNotFound(workspaceId:messageId:)`` when the message is gone.
    func writeChunk(_ text: String, workspaceId: String, messageId: String) async throws

    /// `updateMessage`; with `endingStream`, also folds the chunks into the content and marks the message as one
    /// that has none any more.
    func updateMessage(
        workspaceId: String, messageId: String, endingStream: Bool, _ change: @escaping @Sendable (inout MessageChanges) -> Void
    ) async throws -> SessionMessage?
}
