/// A session whose title matched a search, as ``SessionRepository/searchSessions(workspaceId:query:page:marks:)``
/// returns it.
public struct SessionSearchHit: Codable, Sendable, Hashable {
    /// The session's id.
    public var sessionId: String
    /// Its whole title, the matched words between the marks.
    public var title: String
    /// When it last changed, in milliseconds since the Unix epoch.
    public var updatedAt: Int64

    /// Creates a hit.
    public init(sessionId: String, title: String, updatedAt: Int64) {
        self.sessionId = sessionId
        self.title = title
        self.updatedAt = updatedAt
    }
}
