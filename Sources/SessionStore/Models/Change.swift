/// One write, as the change feed reports it.
public struct Change: Codable, Sendable, Hashable {
    /// What the write did.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A session was created (also by an import).
        case sessionCreated
        /// A session's title, parent, model, agent or revert marker changed.
        case sessionUpdated
        /// A session was deleted for good (also by emptying the trash).
        case sessionDeleted
        /// A session was put in the trash.
        case sessionTrashed
        /// A session came back from the trash.
        case sessionRestored
        /// A session was forked: `sessionId` is the new fork.
        case sessionForked
        /// A message was added to `sessionId`.
        case messageAdded
        /// A message's content, parts, tool calls, status or usage changed.
        case messageUpdated
        /// A session was reverted: `messageId` is the first message it no longer shows.
        case reverted
        /// A session's reverted messages were put back.
        case unreverted
    }

    /// The change's number: within a workspace 1, 2, 3, … in commit order, never reused.
    public var sequence: Int64
    /// The workspace it happened in.
    public var workspaceId: String
    /// What happened.
    public var kind: Kind
    /// The session it happened to, if any.
    public var sessionId: String?
    /// The message it happened to, if any.
    public var messageId: String?
    /// When, in milliseconds since the Unix epoch.
    public var changedAt: Int64

    /// Creates a change.
    public init(sequence: Int64, workspaceId: String, kind: Kind, sessionId: String?, messageId: String?, changedAt: Int64) {
        self.sequence = sequence
        self.workspaceId = workspaceId
        self.kind = kind
        self.sessionId = sessionId
        self.messageId = messageId
        self.changedAt = changedAt
    }
}
