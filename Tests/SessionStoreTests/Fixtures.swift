import Foundation
import SessionStoreSQLite
import TestSupport

@testable import SessionStore

/// A clock the test moves by hand; every reading is one millisecond after the last unless `frozen`.
final class TestClock: Sendable {
    private let milliseconds = Locked<Int64>(1_795_571_111_000)
    private let frozen: Bool

    init(frozen: Bool = false) {
        self.frozen = frozen
    }

    func now() -> Int64 {
        milliseconds.withLock { value in
            if !frozen { value += 1 }
            return value
        }
    }
}

enum Fixtures {
    static func configuration(clock: TestClock = TestClock()) -> Configuration {
        Configuration(now: { clock.now() })
    }

    static func inMemory(clock: TestClock = TestClock()) async throws -> SessionRepository {
        try await SessionRepository.inMemory(configuration: configuration(clock: clock))
    }

    /// Counts rows with a connection of its own, so the repository's caches play no part.
    static func count(_ table: String, in path: String, where condition: String = "1") throws -> Int64 {
        let connection = try Connection(location: .file(path), options: ConnectionOptions(access: .readOnly))
        return try connection.prepare("SELECT count(*) FROM \(table) WHERE \(condition)").first { $0.int64(0) } ?? -1
    }

    static func text(_ role: SessionMessage.Role, _ content: String) -> NewMessage {
        NewMessage(role: role, content: content)
    }

    /// A session titled "Fix login" showing `count` user messages "m0", "m1"…, read back as stored.
    static func conversation(
        _ count: Int, in repository: SessionRepository, workspace: String
    ) async throws -> (Session, [SessionMessage]) {
        let session = try await repository.createSession(workspaceId: workspace, title: "Fix login")
        var messages: [SessionMessage] = []
        for index in 0..<count {
            messages.append(try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: text(.user, "m\(index)")))
        }
        return (try await repository.getSession(workspaceId: workspace, sessionId: session.id) ?? session, messages)
    }
}
