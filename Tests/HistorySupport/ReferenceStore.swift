/// DESIGN's semantics of sessions, their updates, forks, reverts with their tails, deletes and the trash, in memory: what a store
/// must show after any sequence of these calls. Ids come from the store under test.
public struct ReferenceStore {
    public struct Session {
        public var title: String
        public var parentId: String?
        public var shown: [String] = []
        public var tail: [String] = []
        public var trashed = false
    }

    public private(set) var sessions: [String: Session] = [:]
    /// Each stored body's content, by message id.
    public private(set) var bodies: [String: String] = [:]
    /// Session ids in creation order, so that random picks replay.
    public private(set) var order: [String] = []

    public var liveIds: [String] { order.filter { sessions[$0]?.trashed == false } }
    public var trashedIds: [String] { order.filter { sessions[$0]?.trashed == true } }

    public init() {}

    public mutating func create(_ id: String, title: String, parentId: String?) {
        sessions[id] = Session(title: title, parentId: parentId)
        order.append(id)
    }

    public mutating func add(_ messageId: String, content: String, to sessionId: String) {
        discardTail(of: sessionId)
        sessions[sessionId]!.shown.append(messageId)
        bodies[messageId] = content
    }

    /// The title and parent the seed's rules give a fork of `sessionId`.
    public func forkLabels(of sessionId: String) -> (title: String, parentId: String) {
        let original = sessions[sessionId]!
        return (original.title.isEmpty ? "Forked Session" : original.title + " (fork)", original.parentId ?? sessionId)
    }

    public mutating func fork(_ sessionId: String, at messageId: String?, as forkId: String) {
        discardTail(of: sessionId)
        let original = sessions[sessionId]!
        let kept = messageId.map { original.shown.firstIndex(of: $0)! + 1 } ?? original.shown.count
        let labels = forkLabels(of: sessionId)
        create(forkId, title: labels.title, parentId: labels.parentId)
        sessions[forkId]!.shown = Array(original.shown.prefix(kept))
    }

    public mutating func revert(_ sessionId: String, to messageId: String?) {
        var session = sessions[sessionId]!
        let kept = messageId.map { session.shown.firstIndex(of: $0)! + 1 } ?? max(session.shown.count - 1, 0)
        session.tail = Array(session.shown[kept...]) + session.tail
        session.shown.removeSubrange(kept...)
        sessions[sessionId] = session
    }

    public mutating func unrevert(_ sessionId: String) {
        sessions[sessionId]!.shown += sessions[sessionId]!.tail
        sessions[sessionId]!.tail = []
    }

    public mutating func delete(_ sessionId: String) {
        sessions[sessionId] = nil
        order.removeAll { $0 == sessionId }
        for id in order where sessions[id]!.parentId == sessionId {
            sessions[id]!.parentId = nil
        }
        collectBodies()
    }

    /// Whether `id` is `ancestorId` or one of its descendants, in the trash or not.
    public func descends(_ id: String, from ancestorId: String) -> Bool {
        var next: String? = id
        var seen: Set<String> = []
        while let current = next, seen.insert(current).inserted {
            if current == ancestorId { return true }
            next = sessions[current]?.parentId
        }
        return false
    }

    public mutating func update(_ sessionId: String, title: String, parentId: String?, clearingRevert: Bool) {
        sessions[sessionId]!.title = title
        sessions[sessionId]!.parentId = parentId
        if clearingRevert {
            discardTail(of: sessionId)
        }
    }

    public mutating func setTrashed(_ sessionId: String, _ trashed: Bool) {
        sessions[sessionId]!.trashed = trashed
    }

    /// Whether `updateMessage` finds the message: a live session shows it or holds it in its tail.
    public func isUpdatable(_ messageId: String) -> Bool {
        sessions.values.contains { !$0.trashed && ($0.shown.contains(messageId) || $0.tail.contains(messageId)) }
    }

    public mutating func update(_ messageId: String, content: String) {
        bodies[messageId] = content
    }

    /// The live sessions that show the message, in id order: a search hit's `sessionIds`.
    public func liveSessions(showing messageId: String) -> [String] {
        sessions.filter { !$0.value.trashed && $0.value.shown.contains(messageId) }.map(\.key).sorted()
    }

    private mutating func discardTail(of sessionId: String) {
        sessions[sessionId]!.tail = []
        collectBodies()
    }

    /// Drops the bodies that no session, live or trashed, shows or holds in a tail.
    private mutating func collectBodies() {
        let linked = Set(sessions.values.flatMap { $0.shown + $0.tail })
        bodies = bodies.filter { linked.contains($0.key) }
    }
}
