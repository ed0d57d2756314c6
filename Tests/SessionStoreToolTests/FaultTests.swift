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

    /// With one task, each append commits alone; with 8 and FULL, the appends share commits (group commit).
    @Test(arguments: [(tasks: 1, synchronous: "normal"), (tasks: 8, synchronous: "full")])
    func aProcessKilledAtARandomMomentLosesNoAcknowledgedMessage(tasks: Int, synchronous: String) async throws {
        var generator = SystemRandomNumberGenerator()
        var acknowledgedInAll = 0
        for trial in 0..<Self.crashTrials {
            let directory = try TemporaryDirectory()
            let path = directory.file("crash.sqlite")
            let setup = try await SessionRepository(path: path)
            let session = try await setup.createSession(workspaceId: "w")
            await setup.close()

            let killAfter = Duration.milliseconds(Int.random(in: 50...600, using: &generator))
            let acknowledged = try await runUntilKilled(
                "StoreAppender", [path, "w", session.id, "1000000", "crash", "\(tasks)", synchronous], after: killAfter)
            acknowledgedInAll += acknowledged.count

            let store = try await SessionRepository(path: path)
            let stored = try await store.getSessionMessages(workspaceId: "w", sessionId: session.id).map(\.id)
            // Every acknowledged message is there, each task's in its order; at most one more per task committed
            // before its id was printed.
            #expect(Set(acknowledged).subtracting(stored).isEmpty, "trial \(trial), killed after \(killAfter)")
            if tasks == 1 {
                #expect(Array(stored.prefix(acknowledged.count)) == acknowledged, "trial \(trial)")
            }
            #expect(stored.count <= acknowledged.count + tasks, "trial \(trial)")
            #expect(Set(stored).count == stored.count, "trial \(trial)")
            #expect(try await store.check().isEmpty, "trial \(trial)")
            await store.close()
        }
        #expect(acknowledgedInAll > 0, "the appender never got to append before it was killed")
    }

    @Test func aProcessKilledMidStreamKeepsEveryAcknowledgedFlush() async throws {
        var generator = SystemRandomNumberGenerator()
        var acknowledgedInAll = 0
        for trial in 0..<Self.crashTrials {
            let directory = try TemporaryDirectory()
            let path = directory.file("stream.sqlite")
            let setup = try await SessionRepository(path: path)
            let session = try await setup.createSession(workspaceId: "w")
            await setup.close()

            let killAfter = Duration.milliseconds(Int.random(in: 200...800, using: &generator))
            let lines = try await runUntilKilled("StoreStreamer", [path, "w", session.id], after: killAfter)
            let messageId = try #require(lines.first, "trial \(trial): the streamer never opened its stream")
            let acknowledged = lines.dropFirst().compactMap { Int($0) }.last ?? 0
            acknowledgedInAll += acknowledged

            let store = try await SessionRepository(path: path)
            let reply = try #require(try await store.getSessionMessages(workspaceId: "w", sessionId: session.id).first { $0.id == messageId })
            let stored = Array((reply.content ?? "").utf8)
            #expect(stored.count >= acknowledged, "trial \(trial), killed after \(killAfter)")
            #expect(Array(StreamedText.text(atLeast: stored.count).utf8.prefix(stored.count)) == stored, "trial \(trial): not a prefix")
            #expect(reply.status == .streaming)
            #expect(try await store.check().isEmpty, "trial \(trial)")
            await store.close()
        }
        #expect(acknowledgedInAll > 0, "the streamer never got to flush before it was killed")
    }

    /// Starts the test helper `product` with `arguments`, kills it with SIGKILL `delay` after its first line
    /// (a loaded machine may take longer than any delay to start it), and returns the lines it printed whole.
    func runUntilKilled(_ product: String, _ arguments: [String], after delay: Duration) async throws -> [String] {
        let child = try ChildProcess(Paths.products.appendingPathComponent(product), arguments, standardError: .discard)
        // Read on a dispatch thread while it runs, so that a full pipe never holds the child up; the pipe ends
        // when the kill closes it.
        let (first, data) = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let first = child.readStandardOutputLine()
                let (seconds, attoseconds) = delay.components
                DispatchQueue.global().asyncAfter(
                    deadline: .now() + .milliseconds(Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
                ) { child.send(SIGKILL) }
                continuation.resume(returning: (first, child.readStandardOutput()))
            }
        }
        _ = child.wait()
        // A line cut short by the kill is no acknowledgement.
        let rest = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        return (first.map { [$0] } ?? []) + rest.map(String.init)
    }
}
