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

    // The public initializer calls the memberwise one, because Swift 6.3 leaves a retain and release of every
    // field behind a value built by an explicit initializer of a struct with this many optionals, and none behind
    // the memberwise one: 5% of reading a conversation. So the public one is declared in an extension (Swift then
    // still synthesizes the memberwise one), and the timestamps come before `role` (so the two differ).

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
