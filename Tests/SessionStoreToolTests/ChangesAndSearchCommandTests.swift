import Foundation
import PostgresTestSupport
import SessionStore
import SessionStorePostgres
import Testing
import TestSupport

/// The `changes` and `search` verbs, and the change feed followed from other processes.
@Suite struct ChangesAndSearchCommandTests {
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.file("db.sqlite")
    }

    /// A process whose standard output goes to a file, read line by line while it runs.
    final class LineReader: Sendable {
        let child: ChildProcess
        let outputPath: String

        init(_ executable: URL, _ arguments: [String], output: String) throws {
            outputPath = output
            child = try ChildProcess(executable, arguments, standardOutput: .file(output), standardError: .discard)
        }

        /// The complete lines printed so far, once there are `count` of them or `timeout` has passed.
        func lines(atLeast count: Int, timeout: Duration = .seconds(60)) async throws -> [String] {
            let deadline = ContinuousClock.now + timeout
            while true {
                let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
                if lines.count >= count || ContinuousClock.now >= deadline { return lines }
                try await Task.sleep(for: .milliseconds(10))
            }
        }

        func stop() {
            child.send(SIGTERM)
            _ = child.wait()
        }
    }

    func follower(of database: String, after sequence: Int64) throws -> LineReader {
        try LineReader(
            Tool.executable, ["changes", "--workspace", "w", "--after", "\(sequence)", "--follow", "--json", "--db", database],
            output: directory.file("follower-\(sequence).txt"))
    }

    /// The databases a follower is tried on: this test's file, and a PostgreSQL database when the run has a server.
    static var backends: [String] { PostgresTestServer.isAvailable ? ["sqlite", "postgres"] : ["sqlite"] }

    @Test(arguments: backends)
    func aFollowerInAnotherProcessSeesEveryChangeOfFourWritingProcessesOnceAndInOrder(backend: String) async throws {
        let database = backend == "postgres" ? try await PostgresTestServer.freshDatabase() : path
        let repository: any SessionStoring =
            backend == "postgres" ? try await PostgresRepository(url: database) : try await SessionRepository(path: database)
        let sessions = [try await repository.createSession(workspaceId: "w"), try await repository.createSession(workspaceId: "w")]

        let first = try follower(of: database, after: 2)
        let appender = Paths.products.appendingPathComponent("StoreAppender")
        let writers = Task {
            try await withThrowingTaskGroup(of: ProcessResult.self) { group in
                for (index, label) in ["a", "b", "c", "d"].enumerated() {
                    group.addTask { try await runProcess(appender, [database, "w", sessions[index % 2].id, "250", label]) }
                }
                return try await group.reduce(into: [ProcessResult]()) { $0.append($1) }
            }
        }
        // The first follower stops part of the way; a second one goes on from the last change it printed.
        let early = try await first.lines(atLeast: 300)
        first.stop()
        let seenFirst = try early.map { try JSONDecoder().decode(Change.self, from: Data($0.utf8)) }
        let resumeAfter = try #require(seenFirst.last?.sequence)
        let second = try follower(of: database, after: resumeAfter)
        for run in try await writers.value {
            #expect(run.status == 0, "\(run.standardError)")
        }
        let late = try await second.lines(atLeast: Int(1002 - resumeAfter))
        second.stop()
        let changes = try seenFirst + late.map { try JSONDecoder().decode(Change.self, from: Data($0.utf8)) }

        #expect(changes.map(\.sequence) == Array(3...1002))
        #expect(changes.allSatisfy { $0.kind == .messageAdded && $0.workspaceId == "w" })
        var stored: [String] = []
        for session in sessions {
            stored += try await repository.getSessionMessages(workspaceId: "w", sessionId: session.id).map(\.id)
        }
        #expect(Set(changes.compactMap(\.messageId)) == Set(stored))
        #expect(stored.count == 1000)
        await repository.close()
    }

    @Test func changesWithoutFollowPrintsWhatIsThereAndEnds() async throws {
        let repository = try await SessionRepository(path: path)
        let session = try await repository.createSession(workspaceId: "w")
        let message = try await repository.addMessage(workspaceId: "w", sessionId: session.id, message: NewMessage(role: .user, content: "hi"))
        await repository.close()

        let text = try await Tool.succeed("changes", "--workspace", "w", "--db", path)
        #expect(text.standardOutput.split(separator: "\n").map { $0.split(separator: " ").prefix(4).joined(separator: " ") } == [
            "1 sessionCreated \(session.id) -", "2 messageAdded \(session.id) \(message.id)",
        ])
        let json = try await Tool.succeed("changes", "--workspace", "w", "--after", "1", "--json", "--db", path)
        let lines = json.standardOutput.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(try JSONDecoder().decode(Change.self, from: Data(lines[0].utf8)).messageId == message.id)
        let none = try await Tool.succeed("changes", "--workspace", "w", "--after", "2", "--db", path)
        #expect(none.standardOutput.isEmpty)
        // A number from a newer copy of the store would print nothing, as if nothing had changed since.
        for after in ["3", "-1"] {
            let refused = try await Tool.run("changes", "--workspace", "w", "--after=\(after)", "--db", path)
            #expect(refused.status == 1)
            #expect(refused.standardOutput.isEmpty)
            #expect(refused.standardError == "session-store: the change feed never numbered a change \(after) (its latest is 2); reload and follow from the latest\n")
        }
    }

    @Test func searchPrintsHitsAndRefusesAnEmptyQueryInOneLine() async throws {
        let repository = try await SessionRepository(path: path)
        let session = try await repository.createSession(workspaceId: "w", title: "Parser rewrite")
        let message = try await repository.addMessage(
            workspaceId: "w", sessionId: session.id, message: NewMessage(role: .user, content: "the lexer drops tabs"))
        await repository.close()

        struct Hits<Hit: Decodable>: Decodable { let hits: [Hit] }
        let (_, messages) = try await Tool.json(Hits<MessageSearchHit>.self, "search", "lexer", "tab", "--workspace", "w", "--db", path)
        #expect(messages.hits.map(\.messageId) == [message.id])
        #expect(messages.hits.first?.snippet == "the **lexer** drops **tabs**")
        let (_, titles) = try await Tool.json(Hits<SessionSearchHit>.self, "search", "parser", "--sessions", "--workspace", "w", "--db", path)
        #expect(titles.hits.map(\.sessionId) == [session.id])
        let text = try await Tool.succeed("search", "lexer", "--workspace", "w", "--db", path)
        #expect(text.standardOutput.contains(message.id))

        let refused = try await Tool.run("search", "***", "--workspace", "w", "--db", path)
        #expect(refused.status != 0)
        #expect(refused.standardError == "session-store: invalid search query: it has no words to search for\n")
    }
}
