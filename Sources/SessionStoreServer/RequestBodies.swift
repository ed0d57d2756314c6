import SessionStore

// The bodies clients send, in the models' JSON names. Fields not listed are ignored. In an update, a field
// left out keeps its value and a field set to null clears it.

struct CreateSessionBody: Decodable {
    var title: String?
    var parentId: String?
    var model: ModelSelection?
    var agent: String?
}

struct UpdateSessionBody: Decodable {
    var title: String??
    var parentId: String??
    var model: ModelSelection??
    var agent: String??
    var revert: RevertMarker??

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.patch(.title)
        parentId = try container.patch(.parentId)
        model = try container.patch(.model)
        agent = try container.patch(.agent)
        revert = try container.patch(.revert)
    }

    private enum CodingKeys: String, CodingKey {
        case title, parentId, model, agent, revert
    }

    func apply(to changes: inout SessionChanges) {
        if let title { changes.title = title }
        if let parentId { changes.parentId = parentId }
        if let model { changes.model = model }
        if let agent { changes.agent = agent }
        if let revert { changes.revert = revert }
    }
}

struct NewMessageBody: Decodable {
    var id: String?
    var role: SessionMessage.Role
    var content: String?
    var parts: [MessagePart]?
    var toolCalls: [ToolCall]?
    var toolCallId: String?
    var status: SessionMessage.Status?
    var usage: Usage?

    var message: NewMessage {
        NewMessage(
            id: id, role: role, content: content, parts: parts, toolCalls: toolCalls, toolCallId: toolCallId, status: status,
            usage: usage)
    }
}

struct UpdateMessageBody: Decodable {
    var content: String??
    var parts: [MessagePart]??
    var toolCalls: [ToolCall]??
    var toolCallId: String??
    var status: SessionMessage.Status??
    var usage: Usage??

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        content = try container.patch(.content)
        parts = try container.patch(.parts)
        toolCalls = try container.patch(.toolCalls)
        toolCallId = try container.patch(.toolCallId)
        status = try container.patch(.status)
        usage = try container.patch(.usage)
    }

    private enum CodingKeys: String, CodingKey {
        case content, parts, toolCalls, toolCallId, status, usage
    }

    func apply(to changes: inout MessageChanges) {
        if let content { changes.content = content }
        if let parts { changes.parts = parts }
        if let toolCalls { changes.toolCalls = toolCalls }
        if let toolCallId { changes.toolCallId = toolCallId }
        if let status { changes.status = status }
        if let usage { changes.usage = usage }
    }
}

/// The body of a fork or a revert: the message to cut at, or none for the default.
struct MessageReferenceBody: Decodable {
    var messageId: String?
}

extension KeyedDecodingContainer {
    /// nil when `key` is absent, `.some(nil)` when it is null, else its value.
    func patch<T: Decodable>(_ key: Key) throws -> T?? {
        guard contains(key) else { return nil }
        return .some(try decodeNil(forKey: key) ? nil : decode(T.self, forKey: key))
    }
}
