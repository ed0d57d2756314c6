/// What a list of sessions shows of each: no message ids, only how many.
public struct SessionSummary: Codable, Sendable, Hashable {
    /// The session's id.
    public var id: String
    /// Its title.
    public var title: String?
    /// The session it is a child of.
    public var parentId: String?
    /// Where it was forked from, when it is a fork.
    public var forkedFrom: ForkPoint?
    /// When it was created, in milliseconds since the Unix epoch.
    public var createdAt: Int64
    /// When it last changed, in milliseconds since the Unix epoch.
    public var updatedAt: Int64
    /// How many messages it shows.
    public var messageCount: Int

    /// Creates a summary.
    public init(
        id: String, title: String?, parentId: String?, forkedFrom: ForkPoint?, createdAt: Int64, updatedAt: Int64, messageCount: Int
    ) {
        self.id = id
        self.title = title
        self.parentId = parentId
        self.forkedFrom = forkedFrom
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.messageCount = messageCount
    }
}
