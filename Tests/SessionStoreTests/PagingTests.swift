import Foundation
import SessionStoreSQLite
import Testing
import TestSupport

@testable import SessionStore

/// Keyset paging of a session's messages and of a workspace's session summaries.
@Suite struct PagingTests {
    let workspace = "ws-1"
    let directory: TemporaryDirectory
    let repository: SessionRepository

    init() async throws {
        directory = try TemporaryDirectory()
        repository = try await SessionRepository(path: directory.file("db.sqlite"), configuration: Fixtures.configuration())
    }

    /// Every message of the session, page by page from the first or from the last.
    func walk(_ sessionId: String, pageSize: Int, forward: Bool) async throws -> [String] {
        var seen: [String] = []
        var page = try await repository.getSessionMessages(
            workspaceId: workspace, sessionId: sessionId, page: forward ? .first(pageSize) : .last(pageSize))
        while true {
            #expect(page.items.count <= pageSize)
            seen = forward ? seen + page.items.map(\.id) : page.items.map(\.id) + seen
            guard let next = forward ? page.after : page.before else { break }
            #expect(page.items.count == pageSize)
            page = try await repository.getSessionMessages(
                workspaceId: workspace, sessionId: sessionId, page: forward ? .after(next, limit: pageSize) : .before(next, limit: pageSize))
        }
        return seen
    }

    @Test func walkingALongSessionEitherWayGivesExactlyItsMessagesInOrder() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        var expected: [String] = []
        try await repository.withWriterExecutor {
            for index in 0..<10_000 {
                expected.append(try await repository.addMessage(
                    workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "m\(index)")).id)
            }
        }
        for pageSize in [1, 7, 1000] {
            #expect(try await walk(session.id, pageSize: pageSize, forward: true) == expected, "forward by \(pageSize)")
            #expect(try await walk(session.id, pageSize: pageSize, forward: false) == expected, "backward by \(pageSize)")
        }
    }

    @Test func aPageKnowsItsNeighboursAndTheEndsHaveNone() async throws {
        let (session, messages) = try await Fixtures.conversation(5, in: repository, workspace: workspace)
        let ids = messages.map(\.id)
        let first = try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id, page: .first(2))
        #expect(first.items.map(\.id) == Array(ids[0..<2]))
        #expect(first.before == nil)
        let middle = try await repository.getSessionMessages(
            workspaceId: workspace, sessionId: session.id, page: .after(try #require(first.after), limit: 2))
        #expect(middle.items.map(\.id) == Array(ids[2..<4]))
        let back = try await repository.getSessionMessages(
            workspaceId: workspace, sessionId: session.id, page: .before(try #require(middle.before), limit: 2))
        #expect(back == first)
        let last = try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id, page: .last(2))
        #expect(last.items.map(\.id) == Array(ids[3..<5]))
        #expect(last.after == nil)
        let all = try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id, page: .last(50))
        #expect(all.items.map(\.id) == ids && all.before == nil && all.after == nil)
        #expect(all.items == (try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id)))
    }

    @Test func aCursorWhoseMessageWasRevertedAwayIsStaleUntilItIsBack() async throws {
        let (session, messages) = try await Fixtures.conversation(6, in: repository, workspace: workspace)
        let page = try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id, page: .last(2))
        let cursor = try #require(page.before)
        _ = try await repository.revert(workspaceId: workspace, sessionId: session.id, messageId: messages[1].id)
        await #expect(throws: SessionStoreError.staleCursor(cursor)) {
            try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id, page: .before(cursor, limit: 2))
        }
        _ = try await repository.unrevert(workspaceId: workspace, sessionId: session.id)
        let again = try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id, page: .before(cursor, limit: 2))
        #expect(again.items.map(\.id) == [messages[2].id, messages[3].id])
        #expect(try await repository.trashSession(workspaceId: workspace, sessionId: session.id))
        await #expect(throws: SessionStoreError.staleCursor(cursor)) {
            try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id, page: .before(cursor, limit: 2))
        }
    }

    @Test func anUnknownSessionHasEmptyPagesAndAnotherWorkspaceSeesNone() async throws {
        let (session, _) = try await Fixtures.conversation(3, in: repository, workspace: workspace)
        #expect(try await repository.getSessionMessages(workspaceId: workspace, sessionId: "nope", page: .first(10)) == Page(items: []))
        #expect(try await repository.getSessionMessages(workspaceId: "other", sessionId: session.id, page: .last(10)) == Page(items: []))
        let page = try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id, page: .first(1))
        let cursor = try #require(page.after)
        await #expect(throws: SessionStoreError.staleCursor(cursor)) {
            try await repository.getSessionMessages(workspaceId: "other", sessionId: session.id, page: .after(cursor, limit: 1))
        }
    }

    @Test func aCursorThatNoMessageListHandedOutIsInvalid() async throws {
        let (session, _) = try await Fixtures.conversation(2, in: repository, workspace: workspace)
        let cursors = ["", "x", "bTE6", "%%%", String(repeating: "A", count: 600), "czE6YQ", "cTE6Mg", "bTA6YQ", "bTE6"]
        for page in cursors.flatMap({ [PageRequest.after($0, limit: 5), .before($0, limit: 5)] }) {
            do {
                _ = try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id, page: page)
                Issue.record("\(page) was accepted")
            } catch SessionStoreError.invalidCursor {
            } catch {
                Issue.record("\(page): \(error)")
            }
        }
    }

    @Test func aPageSizeOutsideOneToAThousandIsRefused() async throws {
        let (session, _) = try await Fixtures.conversation(1, in: repository, workspace: workspace)
        for limit in [0, -1, 1001, Int.max] {
            await #expect(throws: SessionStoreError.invalidPageSize(limit)) {
                try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id, page: .first(limit))
            }
            await #expect(throws: SessionStoreError.invalidPageSize(limit)) {
                try await repository.listSessionSummaries(workspaceId: workspace, page: .last(limit))
            }
        }
    }

    @Test func summariesAreNewestFirstWithCountsAndForkPointsAndWithoutTheTrash() async throws {
        let (original, messages) = try await Fixtures.conversation(3, in: repository, workspace: workspace)
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: original.id, messageId: messages[1].id)
        let trashed = try await repository.createSession(workspaceId: workspace, title: "gone")
        #expect(try await repository.trashSession(workspaceId: workspace, sessionId: trashed.id))
        let page = try await repository.listSessionSummaries(workspaceId: workspace, page: .first(10))
        #expect(page.items == [
            SessionSummary(
                id: fork.id, title: fork.title, parentId: fork.parentId, forkedFrom: fork.forkedFrom, createdAt: fork.createdAt,
                updatedAt: fork.updatedAt, messageCount: 2),
            SessionSummary(
                id: original.id, title: original.title, parentId: nil, forkedFrom: nil, createdAt: original.createdAt,
                updatedAt: original.updatedAt, messageCount: 3),
        ])
        #expect(page.before == nil && page.after == nil)
        // A cursor of one list is refused by the other.
        let one = try await repository.listSessionSummaries(workspaceId: workspace, page: .first(1))
        let cursor = try #require(one.after)
        await #expect(throws: SessionStoreError.invalidCursor(cursor)) {
            try await repository.getSessionMessages(workspaceId: workspace, sessionId: original.id, page: .after(cursor, limit: 1))
        }
    }

    @Test func summariesPagedWhileSessionsChangeShowEachOnceUnlessItWasUpdated() async throws {
        let clock = TestClock()
        let repository = try await SessionRepository(path: directory.file("walk.sqlite"), configuration: Fixtures.configuration(clock: clock))
        var ids: [String] = []
        try await repository.withWriterExecutor {
            for index in 0..<10_000 {
                ids.append(try await repository.createSession(workspaceId: workspace, title: "s\(index)").id)
            }
        }
        let sessionIds = ids
        for forward in [true, false] {
            let updater = Task {
                var touched: Set<String> = []
                var generator = SplitMix64(seed: forward ? 7 : 8)
                while !Task.isCancelled {
                    let id = sessionIds[Int(generator.next() % UInt64(sessionIds.count))]
                    // Counted before the call: a cancelled call may still have committed.
                    touched.insert(id)
                    do {
                        _ = try await repository.updateSession(workspaceId: workspace, sessionId: id) { $0.title = "updated" }
                    } catch is CancellationError {
                        break
                    }
                }
                return touched
            }
            var seen: [String: [Int64]] = [:]
            var page = try await repository.listSessionSummaries(workspaceId: workspace, page: forward ? .first(50) : .last(50))
            while true {
                for summary in page.items { seen[summary.id, default: []].append(summary.updatedAt) }
                guard let next = forward ? page.after : page.before else { break }
                page = try await repository.listSessionSummaries(
                    workspaceId: workspace, page: forward ? .after(next, limit: 50) : .before(next, limit: 50))
            }
            updater.cancel()
            let touched = try await updater.value
            #expect(touched.count > 10, "the updater ran during the walk")
            for id in sessionIds where !touched.contains(id) {
                #expect(seen[id]?.count == 1, "session \(id) seen \(seen[id]?.count ?? 0) times")
            }
            for (id, times) in seen where times.count > 1 {
                #expect(Set(times).count == times.count, "session \(id) seen twice with the same updatedAt")
            }
        }
        await repository.close()
    }
}
