import Foundation
import SessionStoreSQLite
import Testing
import TestSupport

@testable import SessionStore

/// Bad input gets a typed error naming the problem, and the database is unchanged.
@Suite struct BadInputTests {
    let workspace = "ws-1"
    let directory: TemporaryDirectory
    let path: String
    let repository: SessionRepository
    let session: Session

    init() async throws {
        directory = try TemporaryDirectory()
        path = directory.file("db.sqlite")
        repository = try await SessionRepository(
            path: path, configuration: Configuration(limits: Limits(labelBytes: 64, messageBytes: 1024)))
        session = try await repository.createSession(workspaceId: workspace, title: "kept")
        _ = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "kept"))
    }

    /// Everything the database holds, as text, to show that a refused call changed nothing.
    func snapshot() throws -> String {
        let connection = try Connection(location: .file(path), options: .init(access: .readOnly))
        var lines: [String] = []
        for table in ["sessions", "messages", "session_messages"] {
            lines += try connection.prepare("SELECT * FROM \(table) ORDER BY 1, 2").map { row in
                (0..<row.count).map { "\(row.value($0))" }.joined(separator: "|")
            }
        }
        return lines.joined(separator: "\n")
    }

    @Test func emptyAndOversizedIdsAreRefusedEverywhere() async throws {
        let before = try snapshot()
        let long = String(repeating: "x", count: 129)
        for bad in ["", long, "\u{0}w", "w\u{0}"] {
            let reason = bad.isEmpty ? "it is empty" : bad == long ? "it is 129 bytes, over the limit of 128" : "it contains a NUL character"
            await #expect(throws: SessionStoreError.invalidIdentifier(field: "workspaceId", reason: reason)) {
                try await repository.createSession(workspaceId: bad)
            }
            await #expect(throws: SessionStoreError.invalidIdentifier(field: "workspaceId", reason: reason)) {
                try await repository.listSessions(workspaceId: bad)
            }
            await #expect(throws: SessionStoreError.invalidIdentifier(field: "sessionId", reason: reason)) {
                try await repository.getSession(workspaceId: workspace, sessionId: bad)
            }
            await #expect(throws: SessionStoreError.invalidIdentifier(field: "sessionId", reason: reason)) {
                try await repository.addMessage(workspaceId: workspace, sessionId: bad, message: Fixtures.text(.user, "x"))
            }
            await #expect(throws: SessionStoreError.invalidIdentifier(field: "sessionId", reason: reason)) {
                try await repository.deleteSession(workspaceId: workspace, sessionId: bad)
            }
            await #expect(throws: SessionStoreError.invalidIdentifier(field: "messageId", reason: reason)) {
                try await repository.revert(workspaceId: workspace, sessionId: session.id, messageId: bad)
            }
            await #expect(throws: SessionStoreError.invalidIdentifier(field: "messageId", reason: reason)) {
                try await repository.updateMessage(workspaceId: workspace, messageId: bad) { $0.content = "x" }
            }
            await #expect(throws: SessionStoreError.invalidIdentifier(field: "parentId", reason: reason)) {
                try await repository.createSession(workspaceId: workspace, parentId: bad)
            }
        }
        #expect(try snapshot() == before)
    }

    @Test func oversizedTitlesAndMessagesAreRefused() async throws {
        let before = try snapshot()
        let longTitle = String(repeating: "t", count: 65)
        await #expect(throws: SessionStoreError.valueTooLarge(field: "title", byteCount: 65, limit: 64)) {
            try await repository.createSession(workspaceId: workspace, title: longTitle)
        }
        await #expect(throws: SessionStoreError.valueTooLarge(field: "title", byteCount: 65, limit: 64)) {
            try await repository.updateSession(workspaceId: workspace, sessionId: session.id) { $0.title = longTitle }
        }
        let big = String(repeating: "é", count: 513)  // 1026 bytes
        await #expect(throws: SessionStoreError.valueTooLarge(field: "message", byteCount: 1026, limit: 1024)) {
            try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, big))
        }
        let messageId = try await repository.getSession(workspaceId: workspace, sessionId: session.id)!.messageIds[0]
        await #expect(throws: SessionStoreError.valueTooLarge(field: "message", byteCount: 1026, limit: 1024)) {
            try await repository.updateMessage(workspaceId: workspace, messageId: messageId) { $0.content = big }
        }
        // Parts count toward the limit too.
        let parts = [MessagePart(type: .text, content: String(repeating: "p", count: 1000))]
        await #expect(throws: SessionStoreError.self) {
            try await repository.addMessage(
                workspaceId: workspace, sessionId: session.id, message: NewMessage(role: .assistant, content: "x", parts: parts))
        }
        #expect(try snapshot() == before)
    }

    @Test func errorsSayWhatWasWrongInOneLine() {
        let errors: [SessionStoreError] = [
            .invalidIdentifier(field: "sessionId", reason: "it is empty"),
            .valueTooLarge(field: "message", byteCount: 2, limit: 1),
            .sessionNotFound(workspaceId: "w", sessionId: "s"),
            .parentNotFound(workspaceId: "w", parentId: "p"),
            .messageNotInSession(sessionId: "s", messageId: "m"),
            .schemaTooNew(databaseVersion: 3, supportedVersion: 1),
            .migrationModified(version: 1, name: "create_sessions"),
        ]
        for error in errors {
            #expect(!error.description.isEmpty && !error.description.contains("\n"))
        }
        #expect(SessionStoreError.sessionNotFound(workspaceId: "w", sessionId: "s").description == "no session s in workspace w")
    }
}
