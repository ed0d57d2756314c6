import Foundation
import SessionStore
import SessionStorePostgres
import Testing
import TestSupport

/// Random sequences of creates, appends, forks, reverts, unreverts, message updates, deletes and trash moves, on
/// every backend, each compared after every call with ``ReferenceStore``: what each session shows, with which
/// contents, under which parent; which sessions are live or in the trash; who finds each message by search.
@Suite struct RandomHistoryConformanceTests {
    static let workspace = "ws-1"

    @Test(arguments: Backend.available, [1, 2, 3] as [UInt64])
    func everyCallLeavesTheStoreAsTheReferenceSays(backend: Backend, seed: UInt64) async throws {
        let opened = try await backend.open()
        var history = History(seed: seed)
        try await history.run(200, on: opened.store)
        try await Self.expectPagesAgree(opened.store, history.reference)
        try await Self.expectSound(opened.store)
        await opened.store.close()

        // Copied to the other backend, the same history is the same store there, and goes on as one.
        guard let other = Backend.available.first(where: { $0 != backend }) else { return }
        let (destination, directory) = try await other.newLocation()
        try await StoreCopy.copy(from: opened.location, to: destination)
        #expect(try await StoreCopy.compare(opened.location, destination).allSatisfy(\.matches))
        let copy = try await other.open(destination)
        try await Self.expectAgreement(copy, history.reference, after: "the copy to \(other)")
        try await Self.expectSearchAgreement(copy, history.reference, &history.random, after: "the copy to \(other)")
        try await history.run(50, on: copy)
        try await Self.expectSound(copy)
        await copy.close()
        withExtendedLifetime(directory) {}
    }

    /// A random history under way: the reference it is checked against, and where its randomness stands.
    struct History {
        var random: SplitMix64
        var reference = ReferenceStore()
        /// How many contents it has written, so that each has a word of its own.
        var written = 0

        init(seed: UInt64) {
            random = SplitMix64(seed: seed)
        }

        /// Makes `steps` random calls on `store`, checking it against the reference after each.
        mutating func run(_ steps: Int, on store: any SessionStoring) async throws {
            for step in 0..<steps {
                let call = try await RandomHistoryConformanceTests.randomCall(store, &reference, &random, &written)
                try await RandomHistoryConformanceTests.expectAgreement(store, reference, after: "step \(step), \(call)")
                if step % 20 == 19 {
                    try await RandomHistoryConformanceTests.expectSearchAgreement(store, reference, &random, after: "step \(step)")
                }
            }
        }
    }

    /// A SQLite store's own check finds nothing wrong (PostgreSQL's has no such check).
    static func expectSound(_ store: any SessionStoring) async throws {
        if let repository = store as? SessionRepository {
            #expect(try await repository.check() == [])
        }
    }

    /// Makes one random call on the store and the reference alike; returns what it was, for a failure's message.
    static func randomCall(
        _ store: any SessionStoring, _ reference: inout ReferenceStore, _ random: inout SplitMix64, _ written: inout Int
    ) async throws -> String {
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
        case 0..<35:
            written += 1
            let content = "message \(written) word\(written)x"
            let message = try await store.addMessage(
                workspaceId: workspace, sessionId: sessionId, message: NewMessage(role: .user, content: content))
            reference.add(message.id, content: content, to: sessionId)
            return "addMessage(\(sessionId))"
        case 35..<50:
            let messageId = Bool.random(using: &random) ? shown.randomElement(using: &random) : nil
            let fork = try await store.forkSession(workspaceId: workspace, sessionId: sessionId, messageId: messageId)
            let labels = reference.forkLabels(of: sessionId)
            #expect(fork.title == labels.title && fork.parentId == labels.parentId)
            reference.fork(sessionId, at: messageId, as: fork.id)
            return "forkSession(\(sessionId), at: \(messageId ?? "nil"))"
        case 50..<65:
            let messageId = Bool.random(using: &random) ? shown.randomElement(using: &random) : nil
            let session = try await store.revert(workspaceId: workspace, sessionId: sessionId, messageId: messageId)
            reference.revert(sessionId, to: messageId)
            #expect(session.messageIds == reference.sessions[sessionId]!.shown)
            return "revert(\(sessionId), to: \(messageId ?? "nil"))"
        case 65..<75:
            let session = try await store.unrevert(workspaceId: workspace, sessionId: sessionId)
            reference.unrevert(sessionId)
            #expect(session.messageIds == reference.sessions[sessionId]!.shown)
            return "unrevert(\(sessionId))"
        case 75..<83:
            guard let messageId = reference.bodies.keys.sorted().randomElement(using: &random) else { return "nothing" }
            written += 1
            let content = "edited \(written) word\(written)x"
            let updated = try await store.updateMessage(workspaceId: workspace, messageId: messageId) { $0.content = content }
            #expect((updated != nil) == reference.isUpdatable(messageId), "updateMessage(\(messageId))")
            if updated != nil {
                reference.update(messageId, content: content)
            }
            return "updateMessage(\(messageId))"
        case 83..<89:
            #expect(try await store.deleteSession(workspaceId: workspace, sessionId: sessionId))
            reference.delete(sessionId)
            return "deleteSession(\(sessionId))"
        case 89..<95:
            #expect(try await store.trashSession(workspaceId: workspace, sessionId: sessionId))
            reference.setTrashed(sessionId, true)
            return "trashSession(\(sessionId))"
        default:
            guard let trashedId = reference.trashedIds.randomElement(using: &random) else { return "nothing" }
            if Bool.random(using: &random) {
                #expect(try await store.restoreSession(workspaceId: workspace, sessionId: trashedId)?.id == trashedId)
                reference.setTrashed(trashedId, false)
                return "restoreSession(\(trashedId))"
            }
            #expect(try await store.emptyTrash(workspaceId: workspace, olderThan: .distantFuture) == reference.trashedIds.count)
            reference.trashedIds.forEach { reference.delete($0) }
            return "emptyTrash"
        }
    }

    /// Every session of the reference, live or trashed, as the store shows it.
    static func expectAgreement(_ store: any SessionStoring, _ reference: ReferenceStore, after call: String) async throws {
        let listed = try await store.listSessions(workspaceId: workspace).map(\.id)
        #expect(Set(listed) == Set(reference.liveIds) && listed.count == reference.liveIds.count, "\(call)")
        #expect(try await store.getActiveSessionCount(workspaceId: workspace) == reference.liveIds.count, "\(call)")
        #expect(Set(try await store.listTrash(workspaceId: workspace).map(\.session.id)) == Set(reference.trashedIds), "\(call)")
        for (id, expected) in reference.sessions {
            let session = try await store.getSession(workspaceId: workspace, sessionId: id)
            let messages = try await store.getSessionMessages(workspaceId: workspace, sessionId: id)
            guard !expected.trashed else {
                #expect(session == nil && messages.isEmpty, "\(call): trashed \(id)")
                continue
            }
            #expect(session?.messageIds == expected.shown && session?.parentId == expected.parentId, "\(call): \(id)")
            #expect(session?.title == expected.title, "\(call): \(id)")
            #expect(messages.map(\.id) == expected.shown, "\(call): \(id)")
            #expect(messages.map(\.content) == expected.shown.map { reference.bodies[$0] }, "\(call): \(id)")
        }
    }

    /// A few stored bodies, each searched for by its own word: found with exactly the live sessions that show it.
    static func expectSearchAgreement(
        _ store: any SessionStoring, _ reference: ReferenceStore, _ random: inout SplitMix64, after call: String
    ) async throws {
        for messageId in reference.bodies.keys.sorted().shuffled(using: &random).prefix(5) {
            let word = reference.bodies[messageId]!.split(separator: " ").last!
            let hits = try await store.searchMessages(workspaceId: workspace, query: String(word)).items
            let expected = reference.liveSessions(showing: messageId)
            #expect(hits.map(\.messageId) == (expected.isEmpty ? [] : [messageId]), "\(call): \(word)")
            #expect(hits.first.map(\.sessionIds) ?? [] == expected, "\(call): \(word)")
        }
    }

    /// Each live session walked forwards by pages of 2: exactly what it shows.
    static func expectPagesAgree(_ store: any SessionStoring, _ reference: ReferenceStore) async throws {
        for id in reference.liveIds {
            var walked: [String] = []
            var page = try await store.getSessionMessages(workspaceId: workspace, sessionId: id, page: .first(2))
            walked += page.items.map(\.id)
            while let cursor = page.after {
                page = try await store.getSessionMessages(workspaceId: workspace, sessionId: id, page: .after(cursor, limit: 2))
                walked += page.items.map(\.id)
            }
            #expect(walked == reference.sessions[id]!.shown, "pages of \(id)")
        }
    }
}
