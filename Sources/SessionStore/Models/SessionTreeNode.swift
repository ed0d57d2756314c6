/// One session of a tree of forks, as ``SessionRepository/getSessionTree(workspaceId:sessionId:)`` returns it:
/// a summary of the session, and the forks made from it in creation order.
public struct SessionTreeNode: Codable, Sendable, Hashable, Identifiable {
    /// The session's id.
    public var id: String
    /// Its title.
    public var title: String?
    /// How many messages it shows.
    public var messageCount: Int
    /// Creation time, in milliseconds since the Unix epoch.
    public var createdAt: Int64
    /// Time of its latest change, in milliseconds since the Unix epoch.
    public var updatedAt: Int64
    /// Where it was cut from its original; nil for the root.
    public var forkedFrom: ForkPoint?
    /// The forks made from it, oldest first.
    public var children: [SessionTreeNode]

    /// Creates a node.
    public init(
        id: String, title: String?, messageCount: Int, createdAt: Int64, updatedAt: Int64, forkedFrom: ForkPoint?,
        children: [SessionTreeNode] = []
    ) {
        self.id = id
        self.title = title
        self.messageCount = messageCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.forkedFrom = forkedFrom
        self.children = children
    }
}
