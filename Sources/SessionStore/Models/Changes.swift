/// The fields of a session that ``SessionRepository/updateSession(workspaceId:sessionId:_:)`` may change, holding
/// their current values. Id, workspace, creation time and the message list are not among them.
public struct SessionChanges: Sendable, Hashable {
    /// The title; nil for none.
    public var title: String?
    /// The parent session, which must belong to the same workspace; nil for a root session.
    public var parentId: String?
    /// The model the session talks to.
    public var model: ModelSelection?
    /// The agent driving the session.
    public var agent: String?
    /// A client's revert marker.
    public var revert: RevertMarker?
}

/// The fields of a message that ``SessionRepository/updateMessage(workspaceId:messageId:_:)`` may change,
/// holding their current values. Id, role, session and creation time are not among them.
public struct MessageChanges: Sendable, Hashable {
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
}

extension SessionChanges {
    package init(of session: Session) {
        self.init(title: session.title, parentId: session.parentId, model: session.model, agent: session.agent, revert: session.revert)
    }

    package func apply(to session: inout Session) {
        session.title = title
        session.parentId = parentId
        session.model = model
        session.agent = agent
        session.revert = revert
    }
}

extension MessageChanges {
    package init(of message: SessionMessage) {
        self.init(
            content: message.content, parts: message.parts, toolCalls: message.toolCalls, toolCallId: message.toolCallId,
            status: message.status, usage: message.usage)
    }

    package func apply(to message: inout SessionMessage) {
        message.content = content
        message.parts = parts
        message.toolCalls = toolCalls
        message.toolCallId = toolCallId
        message.status = status
        message.usage = usage
    }
}
