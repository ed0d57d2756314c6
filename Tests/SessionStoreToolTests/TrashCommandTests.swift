import Foundation
import SessionStore
import Testing
import TestSupport

/// `session-store trash` and what export does with the trash and reverted tails.
@Suite struct TrashCommandTests {
    let directory: TemporaryDirectory
    let database: String
    static let fortyDaysAgo = Int64((Date().timeIntervalSince1970 - 40 * 86400) * 1000)

    init() throws {
        directory = try TemporaryDirectory()
        database = directory.file("sessions.sqlite")
    }

    struct Listing: Decodable {
        struct Row: Decodable {
            let workspaceId: String
            let id: String
            let trashedAt: String
        }

        let trash: [Row]
    }

    /// An old trashed session (trashed 40 days ago), a recently trashed one, and a live one; returns their ids.
    func store() async throws -> (old: String, recent: String, live: String) {
        let past = try await SessionRepository(path: database, configuration: Configuration(now: { Self.fortyDaysAgo }))
        let old = try await past.createSession(workspaceId: "w", title: "old")
        _ = try await past.addMessage(workspaceId: "w", sessionId: old.id, message: NewMessage(role: .user, content: "old"))
        #expect(try await past.trashSession(workspaceId: "w", sessionId: old.id))
        await past.close()
        let now = try await SessionRepository(path: database)
        let recent = try await now.createSession(workspaceId: "w", title: "recent")
        #expect(try await now.trashSession(workspaceId: "w", sessionId: recent.id))
        let live = try await now.createSession(workspaceId: "w", title: "live")
        await now.close()
        return (old.id, recent.id, live.id)
    }

    @Test func listRestoreAndEmptyTheTrash() async throws {
        let (old, recent, live) = try await store()
        let (_, listing) = try await Tool.json(Listing.self, "trash", "list", "--db", database)
        #expect(listing.trash.map(\.id) == [recent, old])

        let dry = try await Tool.succeed("trash", "empty", "--older-than", "30d", "--db", database, "--dry-run")
        #expect(dry.standardOutput.contains("would delete 1 session trashed before"))
        #expect(try count("SELECT count(*) FROM sessions", in: database) == 3)

        try await Tool.succeed("trash", "empty", "--older-than", "30d", "--db", database)
        #expect(try count("SELECT count(*) FROM sessions", in: database) == 2)
        #expect(try count("SELECT count(*) FROM sessions WHERE id = '\(old)'", in: database) == 0)
        #expect(try count("SELECT count(*) FROM messages", in: database) == 0)

        let restored = try await Tool.succeed("trash", "restore", recent, "--workspace", "w", "--db", database)
        #expect(restored.standardOutput.hasPrefix("restored \(recent) (recent"))
        #expect(try count("SELECT count(*) FROM sessions WHERE trashed_at IS NULL", in: database) == 2)
        let again = try await Tool.run("trash", "restore", recent, "--workspace", "w", "--db", database)
        #expect(again.status != 0)
        #expect(again.standardError == "session-store: no session \(recent) in the trash of workspace w\n")
        _ = live
    }

    @Test func aMalformedAgeIsRefused() async throws {
        _ = try await store()
        for age in ["30", "d", "-3d", "3y"] {
            let result = try await Tool.run("trash", "empty", "--older-than", age, "--db", database)
            #expect(result.status != 0, "\(age)")
        }
        #expect(try count("SELECT count(*) FROM sessions", in: database) == 3)
    }

    @Test func anAgeOlderThanTheCalendarCutsOffAtItsFirstDay() async throws {
        _ = try await store()
        for age in ["99999999w", "\(UInt.max)w"] {
            let result = try await Tool.succeed("trash", "empty", "--older-than", age, "--db", database)
            #expect(result.standardOutput.hasSuffix("deleted 0 sessions trashed before 0001-01-01T00:00:00Z\n"), "\(age)")
        }
        #expect(try count("SELECT count(*) FROM sessions", in: database) == 3)
    }

    @Test func exportLeavesTheTrashOutUnlessAskedAndSaysWhatItLeftOut() async throws {
        let (old, recent, live) = try await store()
        let repository = try await SessionRepository(path: database)
        for index in 0..<3 {
            _ = try await repository.addMessage(workspaceId: "w", sessionId: live, message: NewMessage(role: .user, content: "m\(index)"))
        }
        _ = try await repository.revert(workspaceId: "w", sessionId: live)
        await repository.close()

        let (result, output) = try await Tool.json(ExportOutput.self, "export", directory.file("out"), "--db", database)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(output.notes.contains("w: 2 sessions in the trash left out (--include-trash exports them)"))
        #expect(output.notes.contains("w: 1 reverted messages left out (the old store keeps no reverted tail)"))
        let exported = try LegacyWorkspace(jsonData: Data(contentsOf: URL(fileURLWithPath: directory.file("out/w/sessions.json"))))
        #expect(Set(exported.sessions.keys) == [live])
        #expect(exported.messages.count == 2, "the tail's message and the trashed session's are left out")

        try await Tool.succeed("export", directory.file("all"), "--db", database, "--include-trash")
        let all = try LegacyWorkspace(jsonData: Data(contentsOf: URL(fileURLWithPath: directory.file("all/w/sessions.json"))))
        #expect(Set(all.sessions.keys) == [old, recent, live])
        #expect(all.messages.count == 3)
    }
}
