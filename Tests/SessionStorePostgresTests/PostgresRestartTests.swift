import Foundation
import PostgresTestSupport
import SessionStore
import SessionStorePostgres
import Testing
import TestSupport

/// The PostgreSQL server restarted under a running store: a cluster of the test's own, since the shared one
/// serves the other tests meanwhile. `.ci/postgres` makes it (installing Debian's PostgreSQL when missing).
// A call left waiting on a closed connection would hang the run: the limit turns that into a failure (generous: a
// loaded run under the thread sanitizer, making its cluster, took over 3 minutes).
@Suite(.enabled(if: PostgresTestServer.isAvailable), .timeLimit(.minutes(10))) struct PostgresRestartTests {
    @Test func callsInFlightFailTypedLaterCallsSucceedAndNothingAcknowledgedIsLost() async throws {
        let cluster = try await PostgresTestCluster()
        let store = try await PostgresRepository(url: cluster.url)
        let session = try await store.createSession(workspaceId: "ws-1")
        // Appends and reads every 10 ms for 1.5 s; the restart comes 200 ms in and takes the server away for a while.
        let (appends, reads, restart) = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for index in 0..<150 {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(10 * index))
                    let message = NewMessage(role: .user, content: "\(index)")
                    return .append(await Self.outcome { try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: message).id })
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(10 * index + 5))
                    return .read(await Self.outcome { "\(try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id).count)" })
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(200))
                return .restart(await Self.outcome { try await cluster.restart(); return "" })
            }
            var appends: [Result<String, any Error>] = []
            var reads: [Result<String, any Error>] = []
            var restart: Result<String, any Error>?
            for try await outcome in group {
                switch outcome {
                case .append(let result): appends.append(result)
                case .read(let result): reads.append(result)
                case .restart(let result): restart = result
                }
            }
            return (appends, reads, restart)
        }
        _ = try #require(restart).get()

        var acknowledged: [String] = []
        var failed = 0
        for append in appends {
            switch append {
            case .success(let id):
                acknowledged.append(id)
            case .failure(PostgresStoreError.connectionLost):
                failed += 1
            case .failure(let error):
                Issue.record("an append cut short by the restart failed with \(error), not connectionLost")
            }
        }
        for case .failure(let error) in reads {
            guard case PostgresStoreError.connectionLost = error else {
                Issue.record("a read cut short by the restart failed with \(error), not connectionLost")
                continue
            }
        }
        #expect(reads.count == 150)
        #expect(acknowledged.count + failed == 150)
        #expect(failed < 150, "the store never worked around the restart")
        // After the restart the store works again, and shows every append it acknowledged.
        let after = try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "after"))
        let shown = try #require(try await store.getSession(workspaceId: "ws-1", sessionId: session.id)).messageIds
        #expect(Set(acknowledged).isSubset(of: Set(shown)))
        #expect(shown.last == after.id)
        #expect(shown.count == Set(shown).count)
        await store.close()
    }

    private enum Outcome: Sendable {
        case append(Result<String, any Error>)
        case read(Result<String, any Error>)
        case restart(Result<String, any Error>)
    }

    private static func outcome(_ body: () async throws -> String) async -> Result<String, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    @Test func aServerThatStaysDownFailsEveryCallWithConnectionLost() async throws {
        // Long enough for a loaded machine to open the store.
        let cluster = try await PostgresTestCluster(connectTimeout: 10)
        let store = try await PostgresRepository(url: cluster.url)
        let session = try await store.createSession(workspaceId: "ws-1")
        try await cluster.stop()
        let stopped = ContinuousClock.now
        // The first call finds the pool's connection closed; the second asks the pool for a new one, which fails
        // after the URL's 10 s, not after the minute the pool goes on trying.
        for attempt in 1...2 {
            await #expect("call \(attempt)") {
                try await store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "hi"))
            } throws: { error in
                guard case PostgresStoreError.connectionLost = error else { return false }
                return (error as? any TransientStoreError)?.isTransient == true
            }
        }
        #expect(ContinuousClock.now - stopped < .seconds(50))
        await store.close()
    }
}
