import Foundation
import SessionStoreSQLite
import Testing
import TestSupport

@testable import SessionStore

/// Values that anyone with the file can write by hand, bypassing the schema's checks: reading them must end in a
/// typed error, never a crash.
@Suite struct HostileValueTests {
    static let deep = 200_000
    static let hostileParts: [(name: String, json: String)] = [
        ("nested arrays", String(repeating: "[", count: deep) + String(repeating: "]", count: deep)),
        ("nested inside an unknown field",
         #"[{"type":"text","extra":"# + String(repeating: "[", count: deep) + String(repeating: "]", count: deep) + "}]"),
        ("nested objects", String(repeating: #"{"a":"#, count: deep) + "1" + String(repeating: "}", count: deep)),
    ]

    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.file("db.sqlite")
    }

    /// A store with one message whose `parts` column holds `json`, written past the CHECK constraints.
    func storeWithParts(_ json: String) async throws -> (SessionRepository, Session, String) {
        let repository = try await SessionRepository(path: path)
        let session = try await repository.createSession(workspaceId: "w")
        let message = try await repository.addMessage(workspaceId: "w", sessionId: session.id, message: NewMessage(role: .user, content: "x"))
        let connection = try Connection(location: .file(path), options: Configuration().connectionOptions)
        try connection.execute("PRAGMA ignore_check_constraints = ON")
        try connection.execute("UPDATE messages SET parts = ?1 WHERE id = ?2", [.text(json), .text(message.id)])
        connection.close()
        return (repository, session, message.id)
    }

    @Test(arguments: hostileParts.map(\.name))
    func deeplyNestedPartsAreACorruptValueNotACrash(name: String) async throws {
        let json = Self.hostileParts.first { $0.name == name }!.json
        let (repository, session, messageId) = try await storeWithParts(json)
        await #expect {
            try await repository.getSessionMessages(workspaceId: "w", sessionId: session.id)
        } throws: { error in
            guard case SessionStoreError.corruptValue(let table, let id, let reason) = error else { return false }
            return table == "messages" && id == messageId && reason.contains("nested deeper than 512 levels")
        }
        // A write that reads the message first is refused the same way, and changes nothing.
        await #expect(throws: SessionStoreError.self) {
            try await repository.updateMessage(workspaceId: "w", messageId: messageId) { $0.content = "changed" }
        }
        #expect(try Fixtures.count("messages", in: path, where: "content = 'x'") == 1)
        // The store goes on serving everything else.
        let other = try await repository.createSession(workspaceId: "w")
        #expect(try await repository.getSessionMessages(workspaceId: "w", sessionId: other.id).isEmpty)
        await repository.close()
    }

    @Test func partsNestedWithinTheLimitStillRead() async throws {
        let nested = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        let (repository, session, _) = try await storeWithParts(#"[{"type":"text","content":"ok","extra":"# + nested + "}]")
        let messages = try await repository.getSessionMessages(workspaceId: "w", sessionId: session.id)
        #expect(messages.first?.parts == [MessagePart(type: .text, content: "ok")])
        await repository.close()
    }

    @Test func aLegacyFileNestedTooDeepIsReportedNotACrash() throws {
        let json = #"{"sessions": {}, "messages": {"m": "# + String(repeating: "[", count: Self.deep) + String(repeating: "]", count: Self.deep) + "}}"
        #expect {
            try LegacyFileContent.decode(Data(json.utf8))
        } throws: { error in
            (error as? LegacyFileError)?.reason.hasPrefix("JSON nested deeper than 512 levels at offset 545 (line 1, column 546)") == true
        }
        #expect(throws: LegacyFileError.self) {
            try LegacyWorkspace(jsonData: Data(json.utf8))
        }
    }

    @Test func checkNamesEveryRowThatAReadWouldRefuse() async throws {
        let repository = try await SessionRepository(path: path)
        let session = try await repository.createSession(workspaceId: "w")
        var ids: [String] = []
        for index in 0..<5 {
            ids.append(try await repository.addMessage(
                workspaceId: "w", sessionId: session.id, message: NewMessage(role: .user, content: "\(index)")).id)
        }
        #expect(try await repository.check().isEmpty)
        let connection = try Connection(location: .file(path), options: Configuration().connectionOptions)
        try connection.execute("PRAGMA ignore_check_constraints = ON")
        try connection.execute("UPDATE messages SET parts = '[{\"type\": 5}]' WHERE id = ?1", [.text(ids[0])])
        try connection.execute("UPDATE messages SET role = 'wizard' WHERE id = ?1", [.text(ids[1])])
        try connection.execute("UPDATE messages SET status = 'weird' WHERE id = ?1", [.text(ids[2])])
        try connection.execute("UPDATE messages SET parts = ?1 WHERE id = ?2", [.text(Self.hostileParts[0].json), .text(ids[3])])
        connection.close()

        let progress = Locked<[Int]>([])
        let violations = try await repository.check { done, total in progress.withLock { $0.append(done * 100 + total) } }
        let unreadable = violations.filter { $0.rule == "unreadable_row" }
        #expect(unreadable.count == 4)
        for id in ids.prefix(4) {
            #expect(unreadable.contains { $0.detail.contains("messages row \(id)") }, "\(id) not named: \(unreadable)")
        }
        #expect(unreadable.contains { $0.detail.contains("unknown role wizard") })
        #expect(unreadable.contains { $0.detail.contains("unknown status weird") })
        #expect(progress.withLock { $0 } == [505])
        await repository.close()
    }
}
