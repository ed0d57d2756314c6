/// The fields of a session that ``SessionRepository/updateSession(workspaceId:sessionId:_:)`` may change, holding
/// their current values. Id, workspace, creation time and the message list are not among them.
public struct SessionChanges: Sendable, Hashable {
    public var title: String?
    public var parentId: String?
    public var model: ModelSelection?
    public var agent: String?
    public var revert: RevertMarker?
}

/// The fields of a message that ``SessionRepository/updateMessage(workspaceId:messageId:_:)`` may change,
/// holding their current values. Id, role, session and creation time are not among them.
public struct MessageChanges: Sendable, Hashable {
    public var content: String?
    public var parts: [MessagePart]?
    public var toolCalls: [ToolCall]?
    public var toolCallId: String?
    public var status: SessionMessage.Status?
}
