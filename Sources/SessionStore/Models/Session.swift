/// A conversation: its title, model and agent, and the ordered ids of the messages it shows.
///
/// Encodes to the JSON of the store SessionStore replaces, key for key.
public struct Session: Codable, Sendable, Hashable, Identifiable {
    // Identity and times first, then the conversation, as in `SessionMessage` (Benchmarks/README.md, "Model layout").

    /// A ULID.
    public var id: String
    /// The workspace the session belongs to.
    public var workspaceId: String
    /// Creation time, in milliseconds since the Unix epoch.
    public var createdAt: Int64
    /// Time of the latest change to the session or its message list, in milliseconds since the Unix epoch.
    public var updatedAt: Int64
    /// The title; "New Session" unless given.
    public var title: String?
    /// The session this one was forked from or created under; nil for a root session.
    public var parentId: String?
    /// The messages the session shows, in order.
    public var messageIds: [String]
    /// The model the session talks to.
    public var model: ModelSelection?
    /// The agent driving the session.
    public var agent: String?
    /// A client's marker of the message the session was reverted to; ``SessionRepository/revert(workspaceId:sessionId:messageId:)``
    /// sets it to the first message it removed.
    public var revert: RevertMarker?
    /// Where this fork was cut from its original; nil for a session that is no fork.
    public var forkedFrom: ForkPoint?

    private enum CodingKeys: String, CodingKey {
        case id, workspaceId, title, parentId, createdAt, updatedAt, messageIds, model, agent, revert, forkedFrom
    }

    /// Encodes as the old store did: `parentId` always present (null for a root), absent optionals omitted.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(workspaceId, forKey: .workspaceId)
        try container.encodeIfPresent(title, forKey: .title)
        try container.encode(parentId, forKey: .parentId)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(messageIds, forKey: .messageIds)
        try container.encodeIfPresent(model, forKey: .model)
        try container.encodeIfPresent(agent, forKey: .agent)
        try container.encodeIfPresent(revert, forKey: .revert)
        try container.encodeIfPresent(forkedFrom, forKey: .forkedFrom)
    }
}

extension Session {
    /// Creates a session value.
    public init(
        id: String, workspaceId: String, title: String?, parentId: String?, createdAt: Int64, updatedAt: Int64,
        messageIds: [String] = [], model: ModelSelection? = nil, agent: String? = nil, revert: RevertMarker? = nil,
        forkedFrom: ForkPoint? = nil
    ) {
        self.init(
            id: id, workspaceId: workspaceId, createdAt: createdAt, updatedAt: updatedAt, title: title,
            parentId: parentId, messageIds: messageIds, model: model, agent: agent, revert: revert, forkedFrom: forkedFrom)
    }
}

/// The model a session uses: a provider and one of its models.
public struct ModelSelection: Codable, Sendable, Hashable {
    /// The provider, such as "anthropic".
    public var providerId: String
    /// The provider's model id.
    public var modelId: String

    /// Creates a model selection.
    public init(providerId: String, modelId: String) {
        self.providerId = providerId
        self.modelId = modelId
    }
}

/// The old store's revert marker, kept for clients that set it.
public struct RevertMarker: Codable, Sendable, Hashable {
    /// The message the session was reverted to. (The capital `ID` is the old store's spelling.)
    public var messageID: String
    /// Why, if the client said.
    public var reason: String?

    /// Creates a revert marker.
    public init(messageID: String, reason: String? = nil) {
        self.messageID = messageID
        self.reason = reason
    }
}

/// Where a fork was cut: the session it came from and the last message it inherited. It outlives the original,
/// whose id then names a deleted session.
public struct ForkPoint: Codable, Sendable, Hashable {
    /// The session the fork was made from.
    public var sessionId: String
    /// The last message the fork inherited; nil for a fork of an empty session.
    public var messageId: String?

    /// Creates a fork point.
    public init(sessionId: String, messageId: String?) {
        self.sessionId = sessionId
        self.messageId = messageId
    }
}
