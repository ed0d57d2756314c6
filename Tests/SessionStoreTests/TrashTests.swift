import Foundation
import Testing
import TestSupport

@testable import SessionStore

/// A trash that keeps sessions whole, hides them from every other method, and deletes only when emptied.
@Suite struct TrashTests {
    let workspace = "ws-1"
    let clock = TestClock()
    let directory: TemporaryDirectory
    let path: String
    let repository: SessionRepository

    init() async throws {
        directory = try TemporaryDirectory()
        path = directory.file("db.sqlite")
        repository = try await SessionRepository(path: path, configuration: Fixtures.configuration(clock: clock))
    }

    @Test func aTrashedSessionIsUnknownToEveryOtherMethod() async throws {
        let trashed = try await repository.createSession(workspaceId: workspace, title: "trashed")
        let message = try await repository.addMessage(workspaceId: workspace, sessionId: trashed.id, message: Fixtures.text(.user, "hidden"))
        let live = try await repository.createSession(workspaceId: workspace, title: "live")
        #expect(try await repository.trashSession(workspaceId: workspace, sessionId: trashed.id))
        try await expectUnknown(repository, workspaceId: workspace, sessionId: trashed.id, messageId: message.id, liveSessionId: live.id)
        #expect(try await repository.getActiveSessionCount(workspaceId: workspace) == 1)
        #expect(try await repository.listSessions(workspaceId: workspace).map(\.id) == [live.id])
        // Still stored, whole.
        #expect(try Fixtures.count("messages", in: path, where: "id = '\(message.id)' AND content = 'hidden'") == 1)
        #expect(try await repository.listTrash(workspaceId: workspace).map(\.session.id) == [trashed.id])
        #expect(try await repository.check().isEmpty)
    }

    @Test func restoreBringsTheSessionBackAsItWas() async throws {
        let original = try await repository.createSession(workspaceId: workspace, title: "original")
        for index in 0..<3 {
            _ = try await repository.addMessage(workspaceId: workspace, sessionId: original.id, message: Fixtures.text(.user, "m\(index)"))
        }
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: original.id)
        _ = try await repository.revert(workspaceId: workspace, sessionId: fork.id)
        let before = try #require(try await repository.getSession(workspaceId: workspace, sessionId: fork.id))
        let messages = try await repository.getSessionMessages(workspaceId: workspace, sessionId: fork.id)

        #expect(try await repository.trashSession(workspaceId: workspace, sessionId: fork.id))
        #expect(try await repository.trashSession(workspaceId: workspace, sessionId: fork.id) == false, "already in the trash")
        #expect(try await repository.getSessionTree(workspaceId: workspace, sessionId: original.id)?.children == [])
        let restored = try await repository.restoreSession(workspaceId: workspace, sessionId: fork.id)
        #expect(restored == before)
        #expect(restored?.forkedFrom == fork.forkedFrom)
        #expect(try await repository.getSessionMessages(workspaceId: workspace, sessionId: fork.id) == messages)
        #expect(try await repository.unrevert(workspaceId: workspace, sessionId: fork.id).messageIds.count == 3, "the tail came back too")
        #expect(try await repository.restoreSession(workspaceId: workspace, sessionId: fork.id) == nil, "no longer in the trash")
    }

    @Test func emptyTrashDeletesOnlyWhatWasTrashedBeforeTheDate() async throws {
        var trashedAt: [String: Int64] = [:]
        for title in ["old", "older", "new"] {
            let session = try await repository.createSession(workspaceId: workspace, title: title)
            _ = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, title))
            #expect(try await repository.trashSession(workspaceId: workspace, sessionId: session.id))
            trashedAt[title] = try await repository.listTrash(workspaceId: workspace).first!.trashedAt
        }
        let trash = try await repository.listTrash(workspaceId: workspace)
        #expect(trash.map(\.session.title) == ["new", "older", "old"], "most recently trashed first")
        let cutoff = Date(timeIntervalSince1970: Double(trashedAt["new"]!) / 1000)
        #expect(try await repository.emptyTrash(workspaceId: "ws-other", olderThan: cutoff) == 0)
        #expect(try await repository.emptyTrash(workspaceId: workspace, olderThan: cutoff) == 2)
        #expect(try await repository.listTrash(workspaceId: workspace).map(\.session.title) == ["new"])
        #expect(try Fixtures.count("messages", in: path) == 1)
        #expect(try await repository.check().isEmpty)
    }
}
