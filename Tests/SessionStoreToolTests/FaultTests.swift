import Foundation
import SessionStore
import Testing
import TestSupport

/// The store under faults: processes killed mid-write, and I/O failures at every write and sync of an operation.
/// `swift test` runs a few crash trials; `SESSION_STORE_CRASH_TRIALS=200 swift test --filter FaultTests` runs more.
@Suite struct FaultTests {
    static let crashTrials = ProcessInfo.processInfo.environment["SESSION_STORE_CRASH_TRIALS"].flatMap(Int.init) ?? 5

    @Test func anIOFailureAtAnyWriteOrSyncLeavesTheStoreIntactAndTheNextCallWorks() async throws {
        let directory = try TemporaryDirectory()
        let result = try await runProcess(Paths.products.appendingPathComponent("FaultInjector"), [directory.path])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count == 9, "\(result.standardOutput)")
        for line in lines {
            #expect(line.hasSuffix("store intact every time"), "\(line)")
            // Each operation reaches at least one write or sync, so every kind injected some faults.
            #expect(!line.contains(": 0 injected"), "\(line)")
        }
    }

    @Test func aProcessKilledAtARandomMomentLosesNoAcknowledgedMessage() async throws {
        var generator = SystemRandomNumberGenerator()
        var acknowledgedInAll = 0
        for trial in 0..<Self.crashTrials {
            let directory = try TemporaryDirectory()
            let path = directory.file("crash.sqlite")
            let setup = try await SessionRepository(path: path)
            let session = try await setup.createSession(workspaceId: "w")
            await setup.close()

            let killAfter = Duration.milliseconds(Int.random(in: 50...600, using: &generator))
            let acknowledged = try await appendUntilKilled(path: path, session: session.id, after: killAfter)
            acknowledgedInAll += acknowledged.count

            let store = try await SessionRepository(path: path)
            let stored = try await store.getSessionMessages(workspaceId: "w", sessionId: session.id).map(\.id)
            // Every acknowledged message is there, in order; at most one more committed before its id was printed.
            #expect(Array(stored.prefix(acknowledged.count)) == acknowledged, "trial \(trial), killed after \(killAfter)")
            #expect(stored.count <= acknowledged.count + 1, "trial \(trial)")
            #expect(try await store.check().isEmpty, "trial \(trial)")
            await store.close()
        }
        #expect(acknowledgedInAll > 0, "the appender never got to append before it was killed")
    }

    /// Starts StoreAppender on `session`, kills it with SIGKILL after `delay`, and returns the ids it acknowledged.
    func appendUntilKilled(path: String, session: String, after delay: Duration) async throws -> [String] {
        let appender = try ChildProcess(
            Paths.products.appendingPathComponent("StoreAppender"), [path, "w", session, "1000000", "crash"], standardError: .discard)
        let (seconds, attoseconds) = delay.components
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))) {
            appender.send(SIGKILL)
        }
        // Read on a dispatch thread while it runs, so that a full pipe never holds the appender up; the pipe ends
        // when the kill closes it.
        let data = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: appender.readStandardOutput()) }
        }
        _ = appender.wait()
        // A line cut short by the kill is no acknowledgement.
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}
