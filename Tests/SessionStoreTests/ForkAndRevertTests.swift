import Foundation
import Testing
import TestSupport

@testable import SessionStore

@Suite struct ForkAndRevertTests {
    let workspace = "ws-1"
    let directory: TemporaryDirectory
    let path: String
    let repository: SessionRepository

    init() async throws {
        directory = try TemporaryDirectory()
        path = directory.file("db.sqlite")
        repository = try await SessionRepository(path: path, configuration: Fixtures.configuration())
    }

    /// A session showing `count` messages "m1"…
    func conversation(_ count: Int, title: String? = "Fix login") async throws -> (Session, [SessionMessage]) {
        let session = try await repository.createSession(workspaceId: workspace, title: title)
        var messages: [SessionMessage] = []
        for index in 1...max(count, 1) where count > 0 {
            messages.append(try await repository.addMessage(
                workspaceId: workspace, sessionId: session.id, message: Fixtures.text(index % 2 == 1 ? .user : .assistant, "m\(index)")))
        }
        return (try await repository.getSession(workspaceId: workspace, sessionId: session.id)!, messages)
    }

    func messages(of session: Session) async throws -> [SessionMessage] {
        try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id)
    }

    @Test func aForkSharesTheMessagesWithoutCopyingBodies() async throws {
        let (original, bodies) = try await conversation(3)
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: original.id)
        #expect(fork.id != original.id)
        #expect(fork.title == "Fix login (fork)")
        #expect(fork.parentId == original.id)
        #expect(fork.messageIds == original.messageIds)
        #expect(try await messages(of: fork) == bodies)
        #expect(try Fixtures.count("messages", in: path) == 3)
        #expect(try Fixtures.count("session_messages", in: path) == 6)
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: fork.id) == fork)
    }

    @Test func aForkKeepsModelAndAgentAndFollowsTheSeedsTitleAndParentRules() async throws {
        let model = ModelSelection(providerId: "anthropic", modelId: "m-small")
        let root = try await repository.createSession(workspaceId: workspace, title: "", model: model, agent: "build")
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: root.id)
        #expect(fork.title == "Forked Session")
        #expect(fork.model == model && fork.agent == "build")

        let untitled = try await repository.updateSession(workspaceId: workspace, sessionId: root.id) { $0.title = nil }
        #expect(try await repository.forkSession(workspaceId: workspace, sessionId: untitled!.id).title == "Forked Session")

        // A fork of a fork names the original's parent, as the old JSON store did.
        let forkOfFork = try await repository.forkSession(workspaceId: workspace, sessionId: fork.id)
        #expect(forkOfFork.parentId == root.id)
        #expect(forkOfFork.title == "Forked Session (fork)")
    }

    @Test func aForkOfAnEmptySessionIsEmpty() async throws {
        let (empty, _) = try await conversation(0)
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: empty.id)
        #expect(fork.messageIds.isEmpty)
        #expect(try await messages(of: fork).isEmpty)
    }

    @Test func forkingAnUnknownSessionIsAnError() async throws {
        await #expect(throws: SessionStoreError.sessionNotFound(workspaceId: workspace, sessionId: "missing")) {
            try await repository.forkSession(workspaceId: workspace, sessionId: "missing")
        }
        #expect(try await repository.getActiveSessionCount(workspaceId: workspace) == 0)
    }

    @Test func revertingAForkLeavesTheOriginalWhole() async throws {
        // The old JSON store deleted the reverted messages' bodies, which the original still listed.
        let (original, bodies) = try await conversation(4)
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: original.id)
        let reverted = try await repository.revert(workspaceId: workspace, sessionId: fork.id, messageId: bodies[1].id)
        #expect(reverted.messageIds == [bodies[0].id, bodies[1].id])
        #expect(try await messages(of: fork) == Array(bodies[0...1]))
        #expect(try await messages(of: original) == bodies)
        #expect(try Fixtures.count("messages", in: path) == 4)

        _ = try await repository.revert(workspaceId: workspace, sessionId: fork.id)
        #expect(try await messages(of: fork) == [bodies[0]])
        #expect(try await messages(of: original) == bodies)
    }

    @Test func aForkOfAForkRevertsIndependently() async throws {
        let (original, bodies) = try await conversation(3)
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: original.id)
        let extra = try await repository.addMessage(workspaceId: workspace, sessionId: fork.id, message: Fixtures.text(.user, "m4"))
        let forkOfFork = try await repository.forkSession(workspaceId: workspace, sessionId: fork.id)
        _ = try await repository.revert(workspaceId: workspace, sessionId: forkOfFork.id, messageId: bodies[0].id)

        #expect(try await messages(of: forkOfFork) == [bodies[0]])
        #expect(try await messages(of: fork) == bodies + [extra])
        #expect(try await messages(of: original) == bodies)
    }

    @Test func revertWithoutAMessageRemovesTheLastOne() async throws {
        let (session, bodies) = try await conversation(3)
        let reverted = try await repository.revert(workspaceId: workspace, sessionId: session.id)
        #expect(reverted.messageIds == [bodies[0].id, bodies[1].id])
        #expect(reverted.updatedAt > session.updatedAt)
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: session.id) == reverted)
        // The removed message is the reverted tail now: its body stays until the next append discards the tail.
        #expect(reverted.revert == RevertMarker(messageID: bodies[2].id))
        #expect(try Fixtures.count("messages", in: path) == 3)
        _ = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "next"))
        #expect(try Fixtures.count("messages", in: path) == 3)
        #expect(try Fixtures.count("messages", in: path, where: "id = '\(bodies[2].id)'") == 0)
    }

    @Test func revertOfAnEmptySessionChangesNoMessage() async throws {
        let (empty, _) = try await conversation(0)
        let reverted = try await repository.revert(workspaceId: workspace, sessionId: empty.id)
        #expect(reverted.messageIds.isEmpty)
    }

    @Test func revertToTheLastMessageKeepsEverything() async throws {
        let (session, bodies) = try await conversation(3)
        let reverted = try await repository.revert(workspaceId: workspace, sessionId: session.id, messageId: bodies[2].id)
        #expect(reverted.messageIds == bodies.map(\.id))
        #expect(try await messages(of: session) == bodies)
    }

    @Test func revertToAMessageTheSessionDoesNotShowChangesNothing() async throws {
        let (session, bodies) = try await conversation(2)
        let (other, otherBodies) = try await conversation(1)
        let before = try await repository.getSession(workspaceId: workspace, sessionId: session.id)
        await #expect(throws: SessionStoreError.messageNotInSession(sessionId: session.id, messageId: otherBodies[0].id)) {
            try await repository.revert(workspaceId: workspace, sessionId: session.id, messageId: otherBodies[0].id)
        }
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: session.id) == before)
        #expect(try await messages(of: session) == bodies)
        #expect(try await messages(of: other) == otherBodies)
    }

    @Test func revertOfAnUnknownSessionIsAnError() async throws {
        await #expect(throws: SessionStoreError.sessionNotFound(workspaceId: workspace, sessionId: "missing")) {
            try await repository.revert(workspaceId: workspace, sessionId: "missing")
        }
    }

    @Test func deletingTheOriginalLeavesTheForkWhole() async throws {
        let (original, bodies) = try await conversation(3)
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: original.id)
        #expect(try await repository.deleteSession(workspaceId: workspace, sessionId: original.id))
        #expect(try await messages(of: fork) == bodies)
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: fork.id)?.parentId == nil)
        #expect(try Fixtures.count("messages", in: path) == 3)

        // The last session showing them goes: so do the bodies.
        #expect(try await repository.deleteSession(workspaceId: workspace, sessionId: fork.id))
        #expect(try Fixtures.count("messages", in: path) == 0)
        #expect(try Fixtures.count("session_messages", in: path) == 0)
    }

    @Test func positionsStayGaplessThroughForksRevertsAndAppends() async throws {
        let (original, bodies) = try await conversation(5)
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: original.id)
        _ = try await repository.revert(workspaceId: workspace, sessionId: fork.id, messageId: bodies[2].id)
        _ = try await repository.addMessage(workspaceId: workspace, sessionId: fork.id, message: Fixtures.text(.user, "new"))
        _ = try await repository.revert(workspaceId: workspace, sessionId: original.id)
        let gaps = try Fixtures.count(
            "(SELECT session_id, max(position) AS top, count(*) AS n FROM session_messages GROUP BY session_id)",
            in: path, where: "top != n")
        #expect(gaps == 0)
    }
}
