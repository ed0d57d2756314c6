/// What forking and reverting make of a session, whichever backend stores it.
extension Session {
    /// The fork of `original` showing `inherited` (its first messages), created now: titled after it, under its
    /// parent (or under it, for a root session), with its model and agent.
    package static func fork(of original: Session, id: String, at now: Int64, showing inherited: [String]) -> Session {
        let title = original.title.flatMap { $0.isEmpty ? nil : "\($0) (fork)" } ?? "Forked Session"
        return Session(
            id: id, workspaceId: original.workspaceId, title: title, parentId: original.parentId ?? original.id,
            createdAt: now, updatedAt: now, messageIds: inherited, model: original.model, agent: original.agent,
            forkedFrom: ForkPoint(sessionId: original.id, messageId: inherited.last))
    }

    /// How many of its messages a revert to `messageId` keeps (all but the last when nil).
    ///
    /// - Throws: ``SessionStoreError/messageNotInSession(sessionId:messageId:)``.
    package func keptCount(revertingTo messageId: String?) throws(SessionStoreError) -> Int {
        guard let messageId else { return max(messageIds.count - 1, 0) }
        guard let index = messageIds.firstIndex(of: messageId) else {
            throw .messageNotInSession(sessionId: id, messageId: messageId)
        }
        return index + 1
    }
}

extension SessionMessage {
    /// `message` as `addMessage` stores it at the end of the session now: under its id, or else a new ULID.
    package init(adding message: NewMessage, to sessionId: String, at now: Int64) {
        self.init(
            id: message.id ?? ULID.make(now: now), sessionId: sessionId, role: message.role, content: message.content,
            parts: message.parts, createdAt: now, updatedAt: now, toolCalls: message.toolCalls,
            toolCallId: message.toolCallId, status: message.status, usage: message.usage)
    }
}
