import SessionStore
import TestSupport

/// Random creates, appends, session updates, forks, reverts, unreverts, message updates, deletes and trash moves on a store, each
/// compared with ``ReferenceStore`` after it is made: what each session shows, with which contents, under which
/// title and parent; which sessions are live or in the trash; who finds a message by search. The first call
/// after which the store and the reference disagree ends the history with a ``Disagreement``.
public struct RandomHistory {
    /// What the store showed that the reference did not, and after which call.
    public struct Disagreement: Error, CustomStringConvertible {
        public let description: String
    }

    public static let workspace = "ws-1"

    public var random: SplitMix64
    public private(set) var reference = ReferenceStore()
    /// How many contents it has written, so that each has a word of its own.
    private var written = 0
    /// The sessions deleted so far: unknown ids, as far as every call is concerned.
    private var deleted: [String] = []

    public init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// Makes `steps` random calls on `store`, comparing it with the reference after each (and searching every 20).
    public mutating func run(_ steps: Int, on store: some HistoryStore) async throws {
        for step in 0..<steps {
            let call = try await randomCall(store)
            try await Self.expectAgreement(store, reference, after: "step \(step), \(call)")
            if step % 20 == 19 {
                try await expectSearchAgreement(store, after: "step \(step)")
            }
        }
    }

    /// Makes one random call on the store and the reference alike; returns what it was, for a failure's message.
    private mutating func randomCall(_ store: some HistoryStore) async throws -> String {
        let workspace = Self.workspace
        let live = reference.liveIds
        guard let sessionId = live.randomElement(using: &random), live.count > 1 || Bool.random(using: &random) else {
            let parentId = live.randomElement(using: &random)
            let title = ["Plan", "", "Notes"].randomElement(using: &random)!
            let session = try await store.createSession(workspaceId: workspace, title: title, parentId: parentId)
            reference.create(session.id, title: title, parentId: parentId)
            return "createSession(parent: \(parentId ?? "nil"))"
        }
        let shown = reference.sessions[sessionId]!.shown
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<5:
            let title = ["Plan", "", "Renamed"].randomElement(using: &random)!
            let parentId = switch Int.random(in: 0..<4, using: &random) {
            case 0: nil as String?
            case 1: live.filter { $0 != sessionId }.randomElement(using: &random)
            default: reference.sessions[sessionId]!.parentId
            }
            let clearingRevert = Int.random(in: 0..<3, using: &random) == 0
            let call = "updateSession(\(sessionId), parent: \(parentId ?? "nil"), clearingRevert: \(clearingRevert))"
            let update = {
                try await store.updateSession(
                    workspaceId: workspace, sessionId: sessionId, title: title, parentId: parentId, clearingRevert: clearingRevert)
            }
            if let parentId, reference.descends(parentId, from: sessionId) {
                try await Self.expectRefusal("parentCycle", call) { _ = try await update() }
                return call
            }
            let session = try await update()
            reference.update(sessionId, title: title, parentId: parentId, clearingRevert: clearingRevert)
            try Self.expect(session?.messageIds == reference.sessions[sessionId]!.shown, "\(call) returned the session")
            return call
        case 5..<9:
            return try await refusedCall(store, besides: sessionId)
        case 9..<35:
            written += 1
            let content = "message \(written) word\(written)x"
            let message = try await store.addMessage(workspaceId: workspace, sessionId: sessionId, content: content)
            reference.add(message.id, content: content, to: sessionId)
            return "addMessage(\(sessionId))"
        case 35..<50:
            let messageId = Bool.random(using: &random) ? shown.randomElement(using: &random) : nil
            let call = "forkSession(\(sessionId), at: \(messageId ?? "nil"))"
            let fork = try await store.forkSession(workspaceId: workspace, sessionId: sessionId, messageId: messageId)
            let labels = reference.forkLabels(of: sessionId)
            try Self.expect(fork.title == labels.title && fork.parentId == labels.parentId, "\(call) titled and parented the fork")
            reference.fork(sessionId, at: messageId, as: fork.id)
            return call
        case 50..<65:
            let messageId = Bool.random(using: &random) ? shown.randomElement(using: &random) : nil
            let call = "revert(\(sessionId), to: \(messageId ?? "nil"))"
            let session = try await store.revert(workspaceId: workspace, sessionId: sessionId, messageId: messageId)
            reference.revert(sessionId, to: messageId)
            try Self.expect(session.messageIds == reference.sessions[sessionId]!.shown, "\(call) returned the session")
            return call
        case 65..<75:
            let session = try await store.unrevert(workspaceId: workspace, sessionId: sessionId)
            reference.unrevert(sessionId)
            try Self.expect(session.messageIds == reference.sessions[sessionId]!.shown, "unrevert(\(sessionId)) returned the session")
            return "unrevert(\(sessionId))"
        case 75..<83:
            guard let messageId = reference.bodies.keys.sorted().randomElement(using: &random) else { return "nothing" }
            written += 1
            let content = "edited \(written) word\(written)x"
            let updated = try await store.updateMessage(workspaceId: workspace, messageId: messageId, content: content)
            try Self.expect((updated != nil) == reference.isUpdatable(messageId), "updateMessage(\(messageId)) found it or not")
            if updated != nil {
                reference.update(messageId, content: content)
            }
            return "updateMessage(\(messageId))"
        case 83..<89:
            try Self.expect(try await store.deleteSession(workspaceId: workspace, sessionId: sessionId), "deleteSession(\(sessionId))")
            reference.delete(sessionId)
            deleted.append(sessionId)
            return "deleteSession(\(sessionId))"
        case 89..<95:
            try Self.expect(try await store.trashSession(workspaceId: workspace, sessionId: sessionId), "trashSession(\(sessionId))")
            reference.setTrashed(sessionId, true)
            return "trashSession(\(sessionId))"
        default:
            guard let trashedId = reference.trashedIds.randomElement(using: &random) else { return "nothing" }
            if Bool.random(using: &random) {
                let restored = try await store.restoreSession(workspaceId: workspace, sessionId: trashedId)
                try Self.expect(restored?.id == trashedId, "restoreSession(\(trashedId))")
                reference.setTrashed(trashedId, false)
                return "restoreSession(\(trashedId))"
            }
            let deleted = try await store.emptyTrash(workspaceId: workspace)
            try Self.expect(deleted == reference.trashedIds.count, "emptyTrash deleted \(deleted)")
            self.deleted += reference.trashedIds
            reference.trashedIds.forEach { reference.delete($0) }
            return "emptyTrash"
        }
    }

    /// A call the store must refuse, or answer with nothing, changing nothing: on a session in the trash or
    /// deleted, or cutting the live `sessionId` at a message it does not show.
    private mutating func refusedCall(_ store: some HistoryStore, besides sessionId: String) async throws -> String {
        let workspace = Self.workspace
        let shown = reference.sessions[sessionId]!.shown
        if Bool.random(using: &random), let other = reference.bodies.keys.filter({ !shown.contains($0) }).sorted().randomElement(using: &random) {
            let call = "a cut of \(sessionId) at \(other), which it does not show"
            try await Self.expectRefusal("messageNotInSession", call) {
                if Bool.random(using: &random) {
                    _ = try await store.forkSession(workspaceId: workspace, sessionId: sessionId, messageId: other)
                } else {
                    _ = try await store.revert(workspaceId: workspace, sessionId: sessionId, messageId: other)
                }
            }
            return call
        }
        guard let unknown = (reference.trashedIds + deleted).randomElement(using: &random) else { return "nothing" }
        let call = "calls on \(unknown), \(reference.sessions[unknown] == nil ? "deleted" : "in the trash")"
        try await Self.expectRefusal("sessionNotFound", call) {
            _ = try await store.addMessage(workspaceId: workspace, sessionId: unknown, content: "never stored")
        }
        try await Self.expectRefusal("sessionNotFound", call) {
            _ = try await store.forkSession(workspaceId: workspace, sessionId: unknown, messageId: nil)
        }
        try await Self.expectRefusal("sessionNotFound", call) {
            _ = try await store.revert(workspaceId: workspace, sessionId: unknown, messageId: nil)
        }
        try await Self.expectRefusal("sessionNotFound", call) {
            _ = try await store.unrevert(workspaceId: workspace, sessionId: unknown)
        }
        let updated = try await store.updateSession(workspaceId: workspace, sessionId: unknown, title: "never", parentId: nil, clearingRevert: true)
        try Self.expect(updated == nil, "\(call): updateSession")
        try Self.expect(try await store.deleteSession(workspaceId: workspace, sessionId: unknown) == false, "\(call): deleteSession")
        try Self.expect(try await store.trashSession(workspaceId: workspace, sessionId: unknown) == false, "\(call): trashSession")
        return call
    }

    /// Runs `body`, which must fail with a refusal of `code`.
    private static func expectRefusal(_ code: String, _ call: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let refusal as any HistoryRefusal {
            try expect(refusal.refusalCode == code, "\(call) was refused with \(refusal.refusalCode), not \(code)")
            return
        }
        try expect(false, "\(call) was not refused")
    }

    /// Every session of the reference, live or trashed, as the store shows it.
    public static func expectAgreement(_ store: some HistoryStore, _ reference: ReferenceStore, after call: String) async throws {
        let listed = try await store.listSessions(workspaceId: workspace).map(\.id)
        try expect(Set(listed) == Set(reference.liveIds) && listed.count == reference.liveIds.count, "\(call): listSessions")
        try expect(try await store.getActiveSessionCount(workspaceId: workspace) == reference.liveIds.count, "\(call): the count")
        let trash = try await store.listTrash(workspaceId: workspace).map(\.session.id)
        try expect(Set(trash) == Set(reference.trashedIds), "\(call): listTrash")
        for (id, expected) in reference.sessions {
            let session = try await store.getSession(workspaceId: workspace, sessionId: id)
            let messages = try await store.getSessionMessages(workspaceId: workspace, sessionId: id)
            guard !expected.trashed else {
                try expect(session == nil && messages.isEmpty, "\(call): trashed \(id) is shown")
                continue
            }
            try expect(session?.messageIds == expected.shown, "\(call): \(id) lists \(session?.messageIds ?? []), not \(expected.shown)")
            try expect(session?.parentId == expected.parentId && session?.title == expected.title, "\(call): \(id)'s parent or title")
            try expect(messages.map(\.id) == expected.shown, "\(call): \(id) shows \(messages.map(\.id)), not \(expected.shown)")
            try expect(messages.map(\.content) == expected.shown.map { reference.bodies[$0] }, "\(call): \(id)'s contents")
        }
    }

    /// A few stored bodies, each searched for by its own word: found with exactly the live sessions that show it.
    public mutating func expectSearchAgreement(_ store: some HistoryStore, after call: String) async throws {
        for messageId in reference.bodies.keys.sorted().shuffled(using: &random).prefix(5) {
            let word = String(reference.bodies[messageId]!.split(separator: " ").last!)
            let hits = try await store.searchMessages(workspaceId: Self.workspace, query: word)
            let expected = reference.liveSessions(showing: messageId)
            try Self.expect(hits.map(\.messageId) == (expected.isEmpty ? [] : [messageId]), "\(call): the hits for \(word)")
            try Self.expect(hits.first.map(\.sessionIds) ?? [] == expected, "\(call): the sessions of \(word)'s hit")
        }
    }

    /// Each live session walked forwards by pages of `size`: exactly what it shows.
    public func expectPagesAgree(_ store: some HistoryStore, size: Int = 2) async throws {
        for id in reference.liveIds {
            var page = try await store.getSessionMessages(workspaceId: Self.workspace, sessionId: id, page: .first(size))
            let shown = reference.sessions[id]!.shown
            var walked = page.items.map(\.id)
            while let cursor = page.after {
                // A store whose last page still names a next one would keep this walk going forever.
                try Self.expect(
                    !page.items.isEmpty && walked.count <= shown.count, "pages of \(id) go on past its \(shown.count) messages")
                page = try await store.getSessionMessages(workspaceId: Self.workspace, sessionId: id, page: .after(cursor, limit: size))
                walked += page.items.map(\.id)
            }
            try Self.expect(walked == shown, "pages of \(id)")
        }
    }

    private static func expect(_ condition: Bool, _ what: @autoclosure () -> String) throws {
        guard condition else { throw Disagreement(description: "the store and the reference disagree: \(what())") }
    }
}
