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
    /// What the model call that produced the message used and cost.
    public var usage: Usage?
}

extension SessionMessage {
    /// Creates a message value.
    public init(
        id: String, sessionId: String, role: Role, content: String? = nil, parts: [MessagePart]? = nil,
        createdAt: Int64, updatedAt: Int64, toolCalls: [ToolCall]? = nil, toolCallId: String? = nil, status: Status? = nil,
        usage: Usage? = nil
    ) {
        self.init(
            id: id, sessionId: sessionId, createdAt: createdAt, updatedAt: updatedAt, role: role, content: content,
            parts: parts, toolCalls: toolCalls, toolCallId: toolCallId, status: status, usage: usage)
    }
}

/// What `addMessage` takes: a message without the fields the store assigns (session, timestamps, and the id
/// unless the caller gives one).
public struct NewMessage: Sendable, Hashable {
    /// The id to store the message under (1 to 128 bytes) instead of a new ULID: a request retried with the same
    /// id and payload then returns the stored message instead of adding it twice.
    public var id: String?
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
    /// What the model call that produced the message used and cost.
    public var usage: Usage?

    /// Creates a message to add.
    public init(
        id: String? = nil, role: SessionMessage.Role, content: String? = nil, parts: [MessagePart]? = nil,
        toolCalls: [ToolCall]? = nil, toolCallId: String? = nil, status: SessionMessage.Status? = nil, usage: Usage? = nil
    ) {
        self.id = id
        self.role = role
        self.content = content
        self.parts = parts
        self.toolCalls = toolCalls
        self.toolCallId = toolCallId
        self.status = status
        self.usage = usage
    }
}

/// What a model call used and cost: tokens by kind, and a cost in the provider's currency. Sums of it are what
/// ``SessionRepository/getSessionUsage(workspaceId:sessionId:)`` returns.
///
/// A message's token counts are 0 to ``maximumTokens`` and its cost a finite number of at most ``maximumCost``
/// either way; a write of another usage is refused with ``SessionStoreError/invalidUsage(reason:)``.
public struct Usage: Codable, Sendable, Hashable {
    /// The most tokens of one kind a message may count: more than any model call uses, and few enough that the
    /// sums of a session of any length stay exact 64-bit integers.
    public static let maximumTokens = Int(UInt32.max)
    /// The largest cost, in either sign, a message may hold: small enough that a session's sums stay finite.
    public static let maximumCost = 1e15

    /// Tokens read from the prompt.
    public var inputTokens: Int
    /// Tokens written in the answer.
    public var outputTokens: Int
    /// Tokens spent reasoning.
    public var reasoningTokens: Int
    /// Prompt tokens read from the provider's cache.
    public var cacheReadTokens: Int
    /// Prompt tokens written to the provider's cache.
    public var cacheWriteTokens: Int
    /// The cost, in the provider's currency.
    public var cost: Double

    /// Creates a usage; every count defaults to zero.
    public init(
        inputTokens: Int = 0, outputTokens: Int = 0, reasoningTokens: Int = 0, cacheReadTokens: Int = 0,
        cacheWriteTokens: Int = 0, cost: Double = 0
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.reasoningTokens = reasoningTokens
        self.cacheReadTokens = cacheReadTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.cost = cost
    }
}

extension Usage {
    /// Refuses a message's usage outside the documented ranges, which the schema's CHECKs (tokens) or JSON
    /// (a cost that is not finite) would refuse with less telling errors, or a session's sums would overflow.
    package func check() throws(SessionStoreError) {
        let counts = [
            ("inputTokens", inputTokens), ("outputTokens", outputTokens), ("reasoningTokens", reasoningTokens),
            ("cacheReadTokens", cacheReadTokens), ("cacheWriteTokens", cacheWriteTokens),
        ]
        for (name, count) in counts where !(0...Self.maximumTokens).contains(count) {
            throw .invalidUsage(reason: "\(name) is \(count), not 0 to \(Self.maximumTokens)")
        }
        guard cost.isFinite, abs(cost) <= Self.maximumCost else {
            let bound = Int64(Self.maximumCost)
            throw .invalidUsage(reason: "cost is \(cost), not a finite number from -\(bound) to \(bound)")
        }
    }
}
