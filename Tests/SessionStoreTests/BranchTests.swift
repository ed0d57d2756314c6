import Foundation
import Testing
import TestSupport

@testable import SessionStore

/// Forks cut at a message, their fork points, and the tree they make.
@Suite struct BranchTests {
    let workspace = "ws-1"
    let repository: SessionRepository

    init() async throws {
        repository = try await Fixtures.inMemory()
    }

    func conversation(_ count: Int) async throws -> (Session, [SessionMessage]) {
        try await Fixtures.conversation(count, in: repository, workspace: workspace)
    }

    @Test(arguments: [0, 2, 4])
    func aForkAtAMessageShowsTheOriginalsMessagesUpToIt(cut: Int) async throws {
        let (original, bodies) = try await conversation(5)
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: original.id, messageId: bodies[cut].id)
        let expected = bodies.prefix(cut + 1).map(\.id)
        #expect(fork.messageIds == expected)
        #expect(try await repository.getSessionMessages(workspaceId: workspace, sessionId: fork.id).map(\.id) == expected)
        #expect(fork.forkedFrom == ForkPoint(sessionId: original.id, messageId: bodies[cut].id))
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: fork.id) == fork)
        // The original is untouched, and the fork goes on on its own.
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: original.id)?.messageIds == bodies.map(\.id))
        _ = try await repository.addMessage(workspaceId: workspace, sessionId: fork.id, message: Fixtures.text(.assistant, "other path"))
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: original.id)?.messageIds == bodies.map(\.id))
    }

    @Test func aForkAtAMessageTheSessionDoesNotShowCreatesNothing() async throws {
        let (original, _) = try await conversation(2)
        let (other, elsewhere) = try await conversation(1)
        await #expect(throws: SessionStoreError.messageNotInSession(sessionId: original.id, messageId: elsewhere[0].id)) {
            try await repository.forkSession(workspaceId: workspace, sessionId: original.id, messageId: elsewhere[0].id)
        }
        #expect(Set(try await repository.listSessions(workspaceId: workspace).map(\.id)) == [original.id, other.id])
    }

    @Test func forkPointsOfAForkOfAForkAndOfAnEmptySession() async throws {
        let (original, bodies) = try await conversation(3)
        let first = try await repository.forkSession(workspaceId: workspace, sessionId: original.id, messageId: bodies[1].id)
        let second = try await repository.forkSession(workspaceId: workspace, sessionId: first.id)
        #expect(second.forkedFrom == ForkPoint(sessionId: first.id, messageId: bodies[1].id))
        #expect(second.parentId == original.id, "the parent keeps the old store's rule")
        let (empty, _) = try await conversation(0)
        #expect(try await repository.forkSession(workspaceId: workspace, sessionId: empty.id).forkedFrom
            == ForkPoint(sessionId: empty.id, messageId: nil))
        #expect(original.forkedFrom == nil)
    }

    @Test func theTreeIsTheSameFromAnyOfItsSessionsAndOrdersChildrenByCreation() async throws {
        let (root, bodies) = try await conversation(3)
        let a = try await repository.forkSession(workspaceId: workspace, sessionId: root.id, messageId: bodies[0].id)
        let b = try await repository.forkSession(workspaceId: workspace, sessionId: root.id)
        let aa = try await repository.forkSession(workspaceId: workspace, sessionId: a.id)
        _ = try await repository.addMessage(workspaceId: workspace, sessionId: aa.id, message: Fixtures.text(.user, "more"))
        let (unrelated, _) = try await conversation(1)

        let tree = try #require(try await repository.getSessionTree(workspaceId: workspace, sessionId: root.id))
        #expect(tree.id == root.id && tree.forkedFrom == nil && tree.messageCount == 3)
        #expect(tree.children.map(\.id) == [a.id, b.id])
        #expect(tree.children[0].children.map(\.id) == [aa.id])
        #expect(tree.children[0].children[0].messageCount == 2)
        #expect(tree.children[0].children[0].forkedFrom == ForkPoint(sessionId: a.id, messageId: bodies[0].id))
        for member in [a, b, aa] {
            #expect(try await repository.getSessionTree(workspaceId: workspace, sessionId: member.id) == tree)
        }
        let alone = try await repository.getSessionTree(workspaceId: workspace, sessionId: unrelated.id)
        #expect(alone?.id == unrelated.id && alone?.children == [])
    }

    @Test func aCycleOfForkPointsMadeByHandEndsTheTreeInsteadOfLoopingForEver() async throws {
        let (root, _) = try await conversation(2)
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: root.id)
        let further = try await repository.forkSession(workspaceId: workspace, sessionId: fork.id)
        // No fork makes a cycle; an edit in the shell can.
        try await repository.database.write {
            try $0.execute("UPDATE sessions SET forked_from_session_id = ?1 WHERE id = ?2", [.text(further.id), .text(root.id)])
        }
        let call = Task { [repository, workspace] in try await repository.getSessionTree(workspaceId: workspace, sessionId: fork.id) }
        // Cancelling interrupts a statement that runs on: the guard against a hang of the test, not the answer.
        let deadline = Task {
            try await Task.sleep(for: .seconds(20))
            call.cancel()
        }
        let tree = try await call.value
        deadline.cancel()
        // No session of a cycle is its root: the tree starts at the one asked for and goes round once.
        #expect(tree?.id == fork.id)
        #expect(tree?.children.map(\.id) == [further.id])
        #expect(tree?.children.first?.children.map(\.id) == [root.id])
        #expect(tree?.children.first?.children.first?.children == [])
    }

    @Test func aForkOutlivesItsOriginalWithItsMessagesAndForkPoint() async throws {
        let (original, bodies) = try await conversation(3)
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: original.id, messageId: bodies[1].id)
        #expect(try await repository.deleteSession(workspaceId: workspace, sessionId: original.id))
        let kept = try #require(try await repository.getSession(workspaceId: workspace, sessionId: fork.id))
        #expect(kept.forkedFrom == ForkPoint(sessionId: original.id, messageId: bodies[1].id))
        #expect(try await repository.getSessionMessages(workspaceId: workspace, sessionId: fork.id).map(\.content) == ["m0", "m1"])
        // With its original gone, the fork is the root of its own tree.
        #expect(try await repository.getSessionTree(workspaceId: workspace, sessionId: fork.id)?.id == fork.id)
    }
}
