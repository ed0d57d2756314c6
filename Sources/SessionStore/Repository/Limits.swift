/// The largest values a repository accepts; larger ones get ``SessionStoreError/valueTooLarge(field:byteCount:limit:)``.
/// Sizes are UTF-8 bytes.
public struct Limits: Sendable, Hashable {
    /// Workspace, session, message and parent ids. The schema enforces 128 too.
    public var identifierBytes: Int
    /// Titles, agents, model names, tool call ids, revert reasons.
    public var labelBytes: Int
    /// One message: content, parts and tool calls together (parts and tool calls as stored JSON).
    public var messageBytes: Int

    /// The defaults: 128-byte ids, 4 KiB labels, 16 MiB messages.
    public init(identifierBytes: Int = 128, labelBytes: Int = 4096, messageBytes: Int = 16 << 20) {
        self.identifierBytes = identifierBytes
        self.labelBytes = labelBytes
        self.messageBytes = messageBytes
    }

    package func checkIdentifier(_ value: String, _ field: String) throws(SessionStoreError) {
        if value.isEmpty {
            throw .invalidIdentifier(field: field, reason: "it is empty")
        }
        let byteCount = value.utf8.count
        if byteCount > min(identifierBytes, 128) {
            throw .invalidIdentifier(field: field, reason: "it is \(byteCount) bytes, over the limit of \(min(identifierBytes, 128))")
        }
        // SQLite's length() stops at a NUL, so the schema's CHECK would refuse such an id with a bare SQL error.
        if value.utf8.contains(0) {
            throw .invalidIdentifier(field: field, reason: "it contains a NUL character")
        }
    }

    package func checkLabel(_ value: String?, _ field: String) throws(SessionStoreError) {
        guard let byteCount = value?.utf8.count, byteCount > labelBytes else { return }
        throw .valueTooLarge(field: field, byteCount: byteCount, limit: labelBytes)
    }

    /// Checks a message about to be stored, with its parts and tool calls as the JSON text stored: its size, and
    /// its usage against what ``Usage`` allows.
    package func checkMessage(_ message: SessionMessage, parts: String?, toolCalls: String?) throws(SessionStoreError) {
        let byteCount = (message.content?.utf8.count ?? 0) + (parts?.utf8.count ?? 0) + (toolCalls?.utf8.count ?? 0)
        if byteCount > messageBytes {
            throw .valueTooLarge(field: "message", byteCount: byteCount, limit: messageBytes)
        }
        try message.usage?.check()
    }
}
