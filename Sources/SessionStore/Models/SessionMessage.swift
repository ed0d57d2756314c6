/// One turn of a conversation. A message can be shown by several sessions (forks share history).
///
/// Encodes to the JSON of the store SessionStore replaces, key for key; absent optionals are omitted.
public struct SessionMessage: Codable, Sendable, Hashable, Identifiable {
    /// Who speaks.
    public enum Role: String, Codable, Sendable, CaseIterable {
        case user, assistant, system, tool
    }

    /// Where a streamed message stands.
    public enum Status: String, Codable, Sendable, CaseIterable {
        case pending, streaming, completed, error
    }

    // Identity and times first, then the turn; the public initializer lives in an extension and takes the times
    // later, so that Swift still synthesizes the memberwise initializer, which reads build messages with
    // (Benchmarks/README.md, "Model layout").

    /// A ULID.
    public var id: String
    /// The session the message was created in.
    public var sessionId: String
    /// Creation time, in milliseconds since the Unix epoch.
    public var createdAt: Int64
    /// Time of the latest update, in milliseconds since the Unix epoch.
    public var updatedAt: Int64
    /// Who speaks.
    public var role: Role
    /// The text of the turn.
    public var content: String?
    /// Structured pieces of the turn.
    public var parts: [MessagePart]?
    /// The tools an assistant turn calls.
    public var toolCalls: [ToolCall]?
    /// The call a tool turn answers.
    public var toolCallId: String?
    /// Streaming status.
    public var status: Status?
}

extension SessionMessage {
    /// Creates a message value.
    public init(
        id: String, sessionId: String, role: Role, content: String? = nil, parts: [MessagePart]? = nil,
        createdAt: Int64, updatedAt: Int64, toolCalls: [ToolCall]? = nil, toolCallId: String? = nil, status: Status? = nil
    ) {
        self.init(
            id: id, sessionId: sessionId, createdAt: createdAt, updatedAt: updatedAt, role: role, content: content,
            parts: parts, toolCalls: toolCalls, toolCallId: toolCallId, status: status)
    }
}

/// What `addMessage` takes: a message without the fields the store assigns (id, session, timestamps).
public struct NewMessage: Sendable, Hashable {
    /// Who speaks.
    public var role: SessionMessage.Role
    /// The text of the turn.
    public var content: String?
    /// Structured pieces of the turn.
    public var parts: [MessagePart]?
    /// The tools an assistant turn calls.
    public var toolCalls: [ToolCall]?
    /// The call a tool turn answers.
    public var toolCallId: String?
    /// Streaming status.
    public var status: SessionMessage.Status?

    /// Creates a message to add.
    public init(
        role: SessionMessage.Role, content: String? = nil, parts: [MessagePart]? = nil, toolCalls: [ToolCall]? = nil,
        toolCallId: String? = nil, status: SessionMessage.Status? = nil
    ) {
        self.role = role
        self.content = content
        self.parts = parts
        self.toolCalls = toolCalls
        self.toolCallId = toolCallId
        self.status = status
    }
}
