import Foundation
import Testing
import TestSupport

@testable import SessionStore

@Suite struct SessionTests {
    let workspace = "ws-1"

    @Test func createSessionAssignsAULIDAndTheDefaults() async throws {
        let repository = try await Fixtures.inMemory()
        let session = try await repository.createSession(workspaceId: workspace)
        #expect(ULID.isValid(session.id))
        #expect(session.workspaceId == workspace)
        #expect(session.title == "New Session")
        #expect(session.parentId == nil)
        #expect(session.messageIds.isEmpty)
        #expect(session.createdAt == session.updatedAt)
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: session.id) == session)
    }

    @Test func createSessionKeepsWhatItIsGiven() async throws {
        let repository = try await Fixtures.inMemory()
        let parent = try await repository.createSession(workspaceId: workspace)
        let model = ModelSelection(providerId: "anthropic", modelId: "m-large")
        let child = try await repository.createSession(
            workspaceId: workspace, title: "Plan", parentId: parent.id, model: model, agent: "plan")
        let stored = try await repository.getSession(workspaceId: workspace, sessionId: child.id)
        #expect(stored?.title == "Plan")
        #expect(stored?.parentId == parent.id)
        #expect(stored?.model == model)
        #expect(stored?.agent == "plan")
    }

    @Test func createSessionRefusesAnUnknownParent() async throws {
        let repository = try await Fixtures.inMemory()
        await #expect(throws: SessionStoreError.parentNotFound(workspaceId: workspace, parentId: "nope")) {
            try await repository.createSession(workspaceId: workspace, parentId: "nope")
        }
        #expect(try await repository.listSessions(workspaceId: workspace).isEmpty)
    }

    @Test func getSessionOfAnUnknownIdIsNil() async throws {
        let repository = try await Fixtures.inMemory()
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: "01M8861N5K1DB96S2Z487FWAP6") == nil)
    }

    @Test func listSessionsIsNewestFirstWithTiesByIdAndEmptyForAnEmptyWorkspace() async throws {
        let clock = TestClock(frozen: true)
        let repository = try await Fixtures.inMemory(clock: clock)
        #expect(try await repository.listSessions(workspaceId: workspace) == [])

        let a = try await repository.createSession(workspaceId: workspace, title: "a")
        let b = try await repository.createSession(workspaceId: workspace, title: "b")
        let c = try await repository.createSession(workspaceId: workspace, title: "c")
        // All three share one millisecond: ties go to the later id first.
        #expect(try await repository.listSessions(workspaceId: workspace).map(\.id) == [c.id, b.id, a.id])

        let ticking = try await Fixtures.inMemory()
        let first = try await ticking.createSession(workspaceId: workspace)
        let second = try await ticking.createSession(workspaceId: workspace)
        _ = try await ticking.addMessage(workspaceId: workspace, sessionId: first.id, message: Fixtures.text(.user, "hi"))
        let listed = try await ticking.listSessions(workspaceId: workspace)
        #expect(listed.map(\.id) == [first.id, second.id])
        #expect(listed[0].messageIds.count == 1)
    }

    @Test func updateSessionChangesTheEditableFieldsOnly() async throws {
        let repository = try await Fixtures.inMemory()
        let parent = try await repository.createSession(workspaceId: workspace)
        let session = try await repository.createSession(workspaceId: workspace, title: "Old")
        let message = try await repository.addMessage(
            workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "hello"))

        let updated = try await repository.updateSession(workspaceId: workspace, sessionId: session.id) { changes in
            changes.title = "New"
            changes.parentId = parent.id
            changes.model = ModelSelection(providerId: "p", modelId: "m")
            changes.agent = "build"
            changes.revert = RevertMarker(messageID: message.id, reason: "try again")
        }
        let stored = try await repository.getSession(workspaceId: workspace, sessionId: session.id)
        #expect(updated == stored)
        #expect(stored?.id == session.id)
        #expect(stored?.workspaceId == workspace)
        #expect(stored?.createdAt == session.createdAt)
        #expect(stored?.messageIds == [message.id])
        #expect(stored?.title == "New")
        #expect(stored?.parentId == parent.id)
        #expect(stored?.model == ModelSelection(providerId: "p", modelId: "m"))
        #expect(stored?.agent == "build")
        #expect(stored?.revert == RevertMarker(messageID: message.id, reason: "try again"))
        #expect(stored!.updatedAt > session.updatedAt)

        let cleared = try await repository.updateSession(workspaceId: workspace, sessionId: session.id) { changes in
            changes.parentId = nil
            changes.revert = nil
            changes.model = nil
        }
        #expect(cleared?.parentId == nil && cleared?.revert == nil && cleared?.model == nil)
    }

    @Test func updateSessionOfAnUnknownIdIsNil() async throws {
        let repository = try await Fixtures.inMemory()
        #expect(try await repository.updateSession(workspaceId: workspace, sessionId: "missing") { $0.title = "x" } == nil)
    }

    @Test func updateSessionRefusesAnUnknownParentOrItself() async throws {
        let repository = try await Fixtures.inMemory()
        let session = try await repository.createSession(workspaceId: workspace)
        await #expect(throws: SessionStoreError.parentNotFound(workspaceId: workspace, parentId: "missing")) {
            try await repository.updateSession(workspaceId: workspace, sessionId: session.id) { $0.parentId = "missing" }
        }
        await #expect(throws: SessionStoreError.parentCycle(sessionId: session.id, parentId: session.id)) {
            try await repository.updateSession(workspaceId: workspace, sessionId: session.id) { [id = session.id] in
                $0.parentId = id
            }
        }
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: session.id) == session)
    }

    @Test func deleteSessionRemovesItAndOrphansItsChildren() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("db.sqlite")
        let repository = try await SessionRepository(path: path, configuration: Fixtures.configuration())
        let parent = try await repository.createSession(workspaceId: workspace)
        let child = try await repository.createSession(workspaceId: workspace, parentId: parent.id)
        _ = try await repository.addMessage(workspaceId: workspace, sessionId: parent.id, message: Fixtures.text(.user, "a"))

        #expect(try await repository.deleteSession(workspaceId: workspace, sessionId: parent.id))
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: parent.id) == nil)
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: child.id)?.parentId == nil)
        #expect(try Fixtures.count("messages", in: path) == 0)
        #expect(try Fixtures.count("session_messages", in: path) == 0)
        #expect(try await repository.deleteSession(workspaceId: workspace, sessionId: parent.id) == false)
    }

    @Test func activeSessionCountCountsTheWorkspacesSessions() async throws {
        let repository = try await Fixtures.inMemory()
        #expect(try await repository.getActiveSessionCount(workspaceId: workspace) == 0)
        let first = try await repository.createSession(workspaceId: workspace)
        _ = try await repository.createSession(workspaceId: workspace)
        _ = try await repository.createSession(workspaceId: "other")
        #expect(try await repository.getActiveSessionCount(workspaceId: workspace) == 2)
        _ = try await repository.deleteSession(workspaceId: workspace, sessionId: first.id)
        #expect(try await repository.getActiveSessionCount(workspaceId: workspace) == 1)
    }

    @Test func clearWorkspaceDeletesNothing() async throws {
        let repository = try await Fixtures.inMemory()
        let session = try await repository.createSession(workspaceId: workspace)
        try await repository.clearWorkspace(workspaceId: workspace)
        #expect(try await repository.getSession(workspaceId: workspace, sessionId: session.id) == session)
        #expect(try await repository.getActiveSessionCount(workspaceId: workspace) == 1)
    }
}
