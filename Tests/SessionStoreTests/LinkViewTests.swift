import Foundation
import SessionStoreSQLite
import Testing
import TestSupport

@testable import SessionStore

/// The views `session_messages` and `reverted_links`, written by hand as the tables of those names were.
@Suite struct LinkViewTests {
    let workspace = "ws-1"
    let directory: TemporaryDirectory
    let path: String
    let repository: SessionRepository

    init() async throws {
        directory = try TemporaryDirectory()
        path = directory.file("db.sqlite")
        repository = try await SessionRepository(path: path, configuration: Fixtures.configuration())
    }

    func shell(_ sql: String) throws {
        let connection = try Connection(location: .file(path), options: Configuration().connectionOptions)
        defer { connection.close() }
        try connection.execute(sql)
    }

    @Test func deletingAShownLinkThroughTheViewReleasesItsBody() async throws {
        let (session, bodies) = try await Fixtures.conversation(3, in: repository, workspace: workspace)
        try shell("DELETE FROM session_messages WHERE session_id = '\(session.id)' AND position = 3")
        #expect(try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id).map(\.id) == bodies.prefix(2).map(\.id))
        #expect(try Fixtures.count("messages", in: path) == 2)
        #expect(try await repository.check().isEmpty)
    }

    @Test func updatingALinkThroughTheViewMovesIt() async throws {
        let (session, bodies) = try await Fixtures.conversation(2, in: repository, workspace: workspace)
        try shell("UPDATE session_messages SET position = 3 WHERE session_id = '\(session.id)' AND position = 2")
        #expect(try Fixtures.count("session_links", in: path, where: "position = 3 AND message_id = '\(bodies[1].id)'") == 1)
        #expect(try await repository.check().map(\.rule) == ["position_gap"])
    }

    @Test func deletingFromARevertedTailThroughTheViewKeepsTheRestOfIt() async throws {
        let (session, bodies) = try await Fixtures.conversation(4, in: repository, workspace: workspace)
        _ = try await repository.revert(workspaceId: workspace, sessionId: session.id, messageId: bodies[0].id)
        try shell("DELETE FROM reverted_links WHERE session_id = '\(session.id)' AND position = 3")
        #expect(try Fixtures.count("messages", in: path) == 3)
        #expect(try await repository.check().isEmpty)
        #expect(try await repository.unrevert(workspaceId: workspace, sessionId: session.id).messageIds == bodies.prefix(3).map(\.id))
    }
}
