/// A message that matched a search, as ``SessionRepository/searchMessages(workspaceId:query:page:marks:)``
/// returns it.
public struct MessageSearchHit: Codable, Sendable, Hashable {
    /// The message's id.
    public var messageId: String
    /// Who wrote it.
    public var role: SessionMessage.Role
    /// The live sessions that show it, in id order.
    public var sessionIds: [String]
    /// A few words of its text around the best match, the matched words between the marks.
    public var snippet: String
    /// When it was created, in milliseconds since the Unix epoch.
    public var createdAt: Int64

    /// Creates a hit.
    public init(messageId: String, role: SessionMessage.Role, sessionIds: [String], snippet: String, createdAt: Int64) {
        self.messageId = messageId
        self.role = role
        self.sessionIds = sessionIds
        self.snippet = snippet
        self.createdAt = createdAt
    }
}
