import Foundation
import SessionStoreSQLite
import Testing
import TestSupport

@testable import SessionStore

/// Reverts kept as a reverted tail, and undone.
@Suite struct UnrevertTests {
    let workspace = "ws-1"
    let directory: TemporaryDirectory
    let path: String
    let repository: SessionRepository

    init() async throws {
        directory = try TemporaryDirectory()
        path = directory.file("db.sqlite")
        repository = try await SessionRepository(path: path, configuration: Fixtures.configuration())
    }

    func conversation(_ count: Int) async throws -> (Session, [SessionMessage]) {
        try await Fixtures.conversation(count, in: repository, workspace: workspace)
    }

    func shown(_ session: Session) async throws -> [String] {
        try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id).map(\.id)
    }

    @Test func unrevertShowsExactlyWhatTheSessionShowedBefore() async throws {
        let (session, bodies) = try await conversation(5)
        let reverted = try await repository.revert(workspaceId: workspace, sessionId: session.id, messageId: bodies[1].id)
        #expect(reverted.messageIds == bodies.prefix(2).map(\.id))
        #expect(reverted.revert == RevertMarker(messageID: bodies[2].id))
        let restored = try await repository.unrevert(workspaceId: workspace, sessionId: session.id)
        #expect(restored.messageIds == bodies.map(\.id))
        #expect(restored.revert == nil)
        #expect(try await shown(session) == bodies.map(\.id))
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: session.id) == restored)
        #expect(try await repository.check().isEmpty)
    }

    @Test func twoRevertsAreUndoneByOneUnrevert() async throws {
        let (session, bodies) = try await conversation(5)
        _ = try await repository.revert(workspaceId: workspace, sessionId: session.id, messageId: bodies[2].id)
        let second = try await repository.revert(workspaceId: workspace, sessionId: session.id)
        #expect(second.messageIds == bodies.prefix(2).map(\.id))
        #expect(second.revert == RevertMarker(messageID: bodies[2].id), "the marker names the front of the tail")
        #expect(try await repository.unrevert(workspaceId: workspace, sessionId: session.id).messageIds == bodies.map(\.id))
        #expect(try await repository.check().isEmpty)
    }

    @Test func unrevertWithNothingRevertedChangesNothing() async throws {
        let (session, _) = try await conversation(2)
        #expect(try await repository.unrevert(workspaceId: workspace, sessionId: session.id) == session)
    }

    @Test func anAppendDiscardsTheTailAndItsBodiesUnlessAnotherSessionShowsThem() async throws {
        let (session, bodies) = try await conversation(4)
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: session.id, messageId: bodies[2].id)
        _ = try await repository.revert(workspaceId: workspace, sessionId: session.id, messageId: bodies[1].id)
        #expect(try Fixtures.count("reverted_links", in: path) == 2)
        let added = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "new"))
        #expect(try await shown(session) == [bodies[0].id, bodies[1].id, added.id])
        let unreverted = try await repository.unrevert(workspaceId: workspace, sessionId: session.id)
        #expect(unreverted.messageIds == [bodies[0].id, bodies[1].id, added.id], "nothing left to restore")
        #expect(unreverted.revert == nil)
        // m2 lives on in the fork; m3 went with the tail.
        #expect(try Fixtures.count("messages", in: path, where: "id = '\(bodies[2].id)'") == 1)
        #expect(try Fixtures.count("messages", in: path, where: "id = '\(bodies[3].id)'") == 0)
        #expect(try await shown(fork) == bodies.prefix(3).map(\.id))
        #expect(try await repository.check().isEmpty)
    }

    @Test func aForkOfARevertedSessionDiscardsTheTailAndDoesNotCopyIt() async throws {
        let (session, bodies) = try await conversation(3)
        _ = try await repository.revert(workspaceId: workspace, sessionId: session.id)
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: session.id)
        #expect(fork.messageIds == bodies.prefix(2).map(\.id))
        #expect(try await repository.unrevert(workspaceId: workspace, sessionId: session.id).messageIds == bodies.prefix(2).map(\.id))
        #expect(try Fixtures.count("messages", in: path, where: "id = '\(bodies[2].id)'") == 0)
    }

    @Test func aRevertInAForkLeavesTheOriginalUntouched() async throws {
        let (original, bodies) = try await conversation(4)
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: original.id)
        _ = try await repository.revert(workspaceId: workspace, sessionId: fork.id, messageId: bodies[0].id)
        #expect(try await shown(original) == bodies.map(\.id))
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: original.id)?.revert == nil)
        #expect(try await repository.unrevert(workspaceId: workspace, sessionId: fork.id).messageIds == bodies.map(\.id))
    }

    @Test func aTailSharedWithAForkSurvivesTheForksDeletion() async throws {
        let (original, bodies) = try await conversation(3)
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: original.id)
        _ = try await repository.revert(workspaceId: workspace, sessionId: original.id, messageId: bodies[0].id)
        #expect(try await repository.deleteSession(workspaceId: workspace, sessionId: fork.id))
        // Only the original's tail holds m1 and m2 now: their bodies stay, and unrevert brings them back.
        #expect(try Fixtures.count("messages", in: path) == 3)
        #expect(try await repository.check().isEmpty)
        #expect(try await repository.unrevert(workspaceId: workspace, sessionId: original.id).messageIds == bodies.map(\.id))
        #expect(try await repository.getSessionMessages(workspaceId: workspace, sessionId: original.id).map(\.content) == ["m0", "m1", "m2"])
    }

    @Test func deletingARevertedSessionDeletesTheBodiesOnlyItsTailHeld() async throws {
        let (session, _) = try await conversation(3)
        _ = try await repository.revert(workspaceId: workspace, sessionId: session.id)
        #expect(try await repository.deleteSession(workspaceId: workspace, sessionId: session.id))
        #expect(try Fixtures.count("messages", in: path) == 0)
        #expect(try Fixtures.count("reverted_links", in: path) == 0)
    }
}

extension UnrevertTests {
    @Test func clearingTheRevertMarkerAbandonsTheTail() async throws {
        let (session, bodies) = try await conversation(3)
        _ = try await repository.revert(workspaceId: workspace, sessionId: session.id)
        let cleared = try await repository.updateSession(workspaceId: workspace, sessionId: session.id) { $0.revert = nil }
        #expect(cleared?.revert == nil)
        #expect(try Fixtures.count("reverted_links", in: path) == 0)
        #expect(try Fixtures.count("messages", in: path, where: "id = '\(bodies[2].id)'") == 0)
        #expect(try await repository.unrevert(workspaceId: workspace, sessionId: session.id).messageIds == bodies.prefix(2).map(\.id))
        // A marker set by hand, with no revert behind it, is the client's: an append leaves it.
        let marker = RevertMarker(messageID: bodies[1].id, reason: "by hand")
        _ = try await repository.updateSession(workspaceId: workspace, sessionId: session.id) { $0.revert = marker }
        _ = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "next"))
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: session.id)?.revert == marker)
        #expect(try await repository.check().isEmpty)
    }
}

extension UnrevertTests {
    /// The rows the writer's connection has changed so far, triggers' changes included.
    func rowsChanged() async throws -> Int64 {
        try await repository.write { try $0.prepare("SELECT total_changes()").first { $0.int64(0) } ?? 0 }
    }

    /// The rows one revert to the first message and one unrevert change, in a session of `count` messages.
    func rowsChangedByRevertAndUnrevert(ofMessages count: Int) async throws -> (revert: Int64, unrevert: Int64) {
        let (session, bodies) = try await conversation(count)
        let start = try await rowsChanged()
        _ = try await repository.revert(workspaceId: workspace, sessionId: session.id, messageId: bodies[0].id)
        let reverted = try await rowsChanged()
        #expect(try await repository.unrevert(workspaceId: workspace, sessionId: session.id).messageIds == bodies.map(\.id))
        return (reverted - start, try await rowsChanged() - reverted)
    }

    @Test func revertAndUnrevertChangeAsManyRowsForALongTailAsForAShortOne() async throws {
        let short = try await rowsChangedByRevertAndUnrevert(ofMessages: 3)
        let long = try await rowsChangedByRevertAndUnrevert(ofMessages: 300)
        #expect(long == short)
        #expect(short.revert <= 3 && short.unrevert <= 3, "the session's row and the change feed's")
        #expect(try await repository.check().isEmpty)
    }

    @Test func aTailStartLeftPastTheLastLinkByHandNeverHidesANewMessage() async throws {
        let (session, bodies) = try await conversation(3)
        try await repository.write { try $0.execute("UPDATE sessions SET reverted_from = 5 WHERE id = ?1", [.text(session.id)]) }
        let fourth = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "m3"))
        let fifth = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "m4"))
        #expect(try await shown(session) == bodies.map(\.id) + [fourth.id, fifth.id])
        #expect(try await repository.check().isEmpty)
    }
}
