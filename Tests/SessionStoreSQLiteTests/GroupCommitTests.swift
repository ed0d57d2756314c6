import Dispatch
import Foundation
@testable import SessionStoreSQLite
import TestSupport
import Testing

/// Writes made while the writer is busy share a transaction; each one's failure stays its own.
///
/// A write learns whether it shares its transaction from `savepointDepth`: a group runs each write in a savepoint,
/// a lone write runs in a transaction of its own.
@Suite struct GroupCommitTests {
    struct Failure: Error, Equatable {
        let index: Int
    }

    let directory: TemporaryDirectory
    let pool: DatabasePool

    init() async throws {
        directory = try TemporaryDirectory()
        pool = try DatabasePool(location: .file(directory.file("group.sqlite")), readerCount: 1)
        try await pool.write { try $0.execute("CREATE TABLE t (n INTEGER PRIMARY KEY)") }
    }

    /// Holds the writer with a write of the test's until the function returned is called; that function waits
    /// for the write to end.
    func holdTheWriter() async -> @Sendable () async throws -> Void {
        let pool = self.pool
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holder = Task { try await pool.write { _ in holding.signal(); release.wait() } }
        await holding.waitForSignal()
        return {
            release.signal()
            try await holder.value
        }
    }

    /// Starts `writes` while a write of the test's holds the writer, and lets the writer go once they are all
    /// waiting for it; returns each one's outcome, in order.
    func whileTheWriterIsHeld<T: Sendable>(
        _ writes: [@Sendable (Connection) throws -> T]
    ) async throws -> [Result<T, any Error>] {
        let pool = self.pool
        let releaseTheWriter = await holdTheWriter()
        let tasks = writes.map { body in
            Task { () -> Result<T, any Error> in
                do { return .success(try await pool.write(body)) } catch { return .failure(error) }
            }
        }
        // Time for the tasks to queue their writes (there is no way to watch them arrive).
        try await Task.sleep(for: .milliseconds(300))
        try await releaseTheWriter()
        var outcomes: [Result<T, any Error>] = []
        for task in tasks {
            outcomes.append(await task.value)
        }
        return outcomes
    }

    func storedRows() async throws -> [Int64] {
        try await pool.read { try $0.prepare("SELECT n FROM t ORDER BY n").map { $0.int64(0) } }
    }

    @Test func aLoneWriteRunsInATransactionOfItsOwn() async throws {
        for value in 1...3 {
            let depth = try await pool.write { connection in
                try connection.execute("INSERT INTO t VALUES (?1)", [.integer(Int64(value))])
                return connection.savepointDepth
            }
            #expect(depth == 0)
        }
        #expect(try await storedRows() == [1, 2, 3])
    }

    @Test func writesQueuedBehindABusyWriterShareOneTransactionAndEachFailureIsUndoneAlone() async throws {
        let outcomes = try await whileTheWriterIsHeld((1...8).map { index in
            { @Sendable connection in
                try connection.execute("INSERT INTO t VALUES (?1)", [.integer(Int64(index))])
                switch index {
                case 3:
                    throw Failure(index: index)
                case 5:
                    // A statement's own error, after the write's first row: the row goes with it.
                    try connection.execute("INSERT INTO t VALUES (1)")
                default:
                    break
                }
                return connection.savepointDepth
            }
        })
        for (index, outcome) in zip(1..., outcomes) {
            switch (index, outcome) {
            case (3, .failure(let error)):
                #expect(error as? Failure == Failure(index: 3))
            case (5, .failure(let error)):
                #expect((error as? SQLiteError)?.resultCode == .constraint)
            case (_, .success(let depth)) where index != 3 && index != 5:
                #expect(depth > 0, "write \(index) ran alone")
            default:
                Issue.record("write \(index): \(outcome)")
            }
        }
        #expect(try await storedRows() == [1, 2, 4, 6, 7, 8])
    }

    @Test func aWriteCancelledWhileItRunsInAGroupIsUndoneAndTheOthersCommit() async throws {
        let started = DispatchSemaphore(value: 0)
        let mayFinish = DispatchSemaphore(value: 0)
        let pool = self.pool
        let releaseTheWriter = await holdTheWriter()
        let before = Task { try await pool.write { try $0.execute("INSERT INTO t VALUES (1)") } }
        let cancelled = Task {
            try await pool.write { connection in
                try connection.execute("INSERT INTO t VALUES (2)")
                started.signal()
                mayFinish.wait()
            }
        }
        let after = Task { try await pool.write { try $0.execute("INSERT INTO t VALUES (3)") } }
        try await Task.sleep(for: .milliseconds(300))
        try await releaseTheWriter()
        await started.waitForSignal()
        cancelled.cancel()
        mayFinish.signal()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        try await before.value
        try await after.value
        #expect(try await storedRows() == [1, 3])
    }

    @Test func whenTheGroupsTransactionIsLostTheWritesBeforeFailAndTheOnesAfterCommit() async throws {
        let outcomes = try await whileTheWriterIsHeld((1...4).map { index in
            { @Sendable connection in
                try connection.execute("INSERT INTO t VALUES (?1)", [.integer(Int64(index))])
                // What a full disk can do to the transaction in the middle of a group.
                if index == 2 {
                    try connection.execute("ROLLBACK")
                }
            }
        })
        // 1's work went with the transaction: it must not be acknowledged.
        #expect(throws: (any Error).self) { try outcomes[0].get() }
        #expect(throws: (any Error).self) { try outcomes[1].get() }
        #expect(throws: Never.self) { try outcomes[2].get() }
        #expect(throws: Never.self) { try outcomes[3].get() }
        #expect(try await storedRows() == [3, 4])
    }

    @Test func closeCommitsTheWritesQueuedBeforeIt() async throws {
        let pool = self.pool
        let releaseTheWriter = await holdTheWriter()
        let queued = (1...4).map { value in
            Task { try await pool.write { try $0.execute("INSERT INTO t VALUES (?1)", [.integer(Int64(value))]) } }
        }
        try await Task.sleep(for: .milliseconds(300))
        async let closing: Void = pool.close()
        try await Task.sleep(for: .milliseconds(100))
        try await releaseTheWriter()
        await closing
        for task in queued {
            try await task.value
        }
        await #expect(throws: SQLiteError.self) { try await pool.write { _ in } }
        let check = try Connection(location: .file(directory.file("group.sqlite")), options: ConnectionOptions(access: .readOnly))
        #expect(try check.prepare("SELECT count(*) FROM t").first { $0.int64(0) } == 4)
    }
}
