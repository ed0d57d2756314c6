import Dispatch
import Foundation
import SessionStoreSQLite
import TestSupport
import Testing

@Suite struct DatabasePoolTests {
    let directory: TemporaryDirectory
    let pool: DatabasePool

    init() async throws {
        directory = try TemporaryDirectory()
        pool = try DatabasePool(location: .file(directory.file("pool.sqlite")), readerCount: 2)
        try await pool.write { try $0.execute("CREATE TABLE t (n INTEGER NOT NULL)") }
    }

    @Test func aReadCompletesWhileAWriteTransactionIsOpen() async throws {
        let writeStarted = DispatchSemaphore(value: 0)
        let readFinished = DispatchSemaphore(value: 0)
        async let write: Void = pool.write { connection in
            try connection.execute("INSERT INTO t VALUES (1)")
            writeStarted.signal()
            // Holds the transaction open until the read has finished: the read must not need the writer.
            readFinished.wait()
        }
        await writeStarted.waitForSignal()
        let countDuringWrite = try await pool.read { try $0.prepare("SELECT count(*) FROM t").first { $0.int64(0) } }
        readFinished.signal()
        try await write
        #expect(countDuringWrite == 0)
        #expect(try await pool.read { try $0.prepare("SELECT count(*) FROM t").first { $0.int64(0) } } == 1)
    }

    @Test func writesAreAtomic() async throws {
        struct Failure: Error {}
        await #expect(throws: Failure.self) {
            try await pool.write { connection in
                try connection.execute("INSERT INTO t VALUES (1)")
                throw Failure()
            }
        }
        #expect(try await pool.read { try $0.prepare("SELECT count(*) FROM t").first { $0.int64(0) } } == 0)
    }

    @Test func readsCannotWrite() async throws {
        let error = await #expect(throws: SQLiteError.self) {
            try await pool.read { try $0.execute("INSERT INTO t VALUES (1)") }
        }
        #expect(error?.resultCode == .readOnly)
    }

    @Test(arguments: [false, true])
    func cancellingALongReadInterruptsItAndTheConnectionStaysUsable(fromAReadersExecutor: Bool) async throws {
        let pool = self.pool
        let started = DispatchSemaphore(value: 0)
        let longRead = {
            try await pool.read { connection in
                started.signal()
                // Counts far beyond what finishes in a test's lifetime, unless interrupted.
                return try connection.prepare(
                    "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT count(*) FROM c"
                ).first { $0.int64(0) }
            }
        }
        let task = Task {
            fromAReadersExecutor ? try await pool.withReaderExecutor(longRead) : try await longRead()
        }
        await started.waitForSignal()
        task.cancel()
        await #expect(throws: CancellationError.self) {
            try await task.value
        }
        for _ in 0..<4 {
            #expect(try await pool.read { try $0.prepare("SELECT 7").first { $0.int64(0) } } == 7)
        }
    }

    /// SQLite forgets an interrupt that arrives while no statement runs: a task cancelled between two statements
    /// of its work ran the next to its end (here, a minute or more), then returned its result.
    @Test(.timeLimit(.minutes(10)), arguments: [false, true])
    func aTaskCancelledBetweenTwoStatementsStopsAtTheNext(writing: Bool) async throws {
        let pool = self.pool
        let firstDone = DispatchSemaphore(value: 0)
        let cancelled = DispatchSemaphore(value: 0)
        let work: @Sendable (Connection) throws -> Int64? = { connection in
            _ = try connection.prepare("SELECT 1").first { $0.int64(0) }
            firstDone.signal()
            cancelled.wait()
            return try connection.prepare(
                "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c LIMIT 300000000) SELECT count(*) FROM c"
            ).first { $0.int64(0) }
        }
        let task = Task { writing ? try await pool.write(work) : try await pool.read(work) }
        await firstDone.waitForSignal()
        task.cancel()
        cancelled.signal()
        await #expect(throws: CancellationError.self) {
            try await task.value
        }
        #expect(try await pool.read { try $0.prepare("SELECT 7").first { $0.int64(0) } } == 7)
        try await pool.write { try $0.execute("INSERT INTO t VALUES (1)") }
        #expect(try await pool.read { try $0.prepare("SELECT count(*) FROM t").first { $0.int64(0) } } == 1)
    }

    @Test func writesFromTheWritersExecutorRunAtOnceAheadOfWritesWaitingInLine() async throws {
        let pool = self.pool
        let order = Locked<[String]>([])
        try await pool.withWriterExecutor {
            let other = Task.detached {
                try await pool.write { _ in order.withLock { $0.append("other") } }
            }
            // This body holds the writer's queue while it runs, so the other task's write can only queue up behind it.
            let deadline = ContinuousClock.now + .seconds(30)
            while pool.queuedWriteCount < 1, ContinuousClock.now < deadline {
                usleep(1_000)
            }
            try await pool.write { _ in order.withLock { $0.append("mine") } }
            try await other.value
        }
        #expect(order.withLock { $0 } == ["mine", "other"])
    }

    @Test func aWriteFromTheWritersExecutorSeesItsTaskCancelledAndWritesNothing() async throws {
        let pool = self.pool
        let task = Task {
            try await pool.withWriterExecutor {
                withUnsafeCurrentTask { $0?.cancel() }
                try await pool.write { try $0.execute("INSERT INTO t VALUES (1)") }
            }
        }
        await #expect(throws: CancellationError.self) {
            try await task.value
        }
        #expect(try await pool.read { try $0.prepare("SELECT count(*) FROM t").first { $0.int64(0) } } == 0)
    }

    @Test(arguments: [false, true])
    func cancellingALongWriteInterruptsIt(fromTheWritersExecutor: Bool) async throws {
        let pool = self.pool
        let started = DispatchSemaphore(value: 0)
        let longWrite = {
            try await pool.write { connection in
                started.signal()
                // Inserts far beyond what finishes in a test's lifetime, unless interrupted.
                try connection.execute(
                    "INSERT INTO t WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c")
            }
        }
        let task = Task {
            fromTheWritersExecutor ? try await pool.withWriterExecutor(longWrite) : try await longWrite()
        }
        await started.waitForSignal()
        task.cancel()
        await #expect(throws: CancellationError.self) {
            try await task.value
        }
        #expect(try await pool.read { try $0.prepare("SELECT count(*) FROM t").first { $0.int64(0) } } == 0)
        try await pool.write { try $0.execute("INSERT INTO t VALUES (1)") }
        #expect(try await pool.read { try $0.prepare("SELECT count(*) FROM t").first { $0.int64(0) } } == 1)
    }

    /// The connections whose executor a task can prefer.
    enum PreferredConnection: CaseIterable, Sendable {
        case writer, reader
    }

    @Test(arguments: PreferredConnection.allCases)
    func readsFromAConnectionsExecutorSeeTheWritesOfTheirTask(_ preferred: PreferredConnection) async throws {
        let pool = self.pool
        let countAfterEachWrite = {
            var counts: [Int64?] = []
            for _ in 0..<3 {
                try await pool.write { try $0.execute("INSERT INTO t VALUES (1)") }
                counts.append(try await pool.read { try $0.prepare("SELECT count(*) FROM t").first { $0.int64(0) } })
            }
            return counts
        }
        let counts = switch preferred {
        case .writer: try await pool.withWriterExecutor(countAfterEachWrite)
        case .reader: try await pool.withReaderExecutor(countAfterEachWrite)
        }
        #expect(counts == [1, 2, 3])
    }

    @Test func readsFromAReadersExecutorRunOnThatReaderAndOtherTasksReadOnAnother() async throws {
        let pool = self.pool
        let (mine, others) = try await pool.withReaderExecutor {
            let mine = [try await pool.read { ObjectIdentifier($0) }, try await pool.read { ObjectIdentifier($0) }]
            let others = try await Task.detached { try await pool.read { ObjectIdentifier($0) } }.value
            return (mine, others)
        }
        #expect(mine[0] == mine[1])
        #expect(others != mine[0])
    }

    @Test func aReadersExecutorInMemoryIsTheWriters() async throws {
        let pool = try DatabasePool(location: .inMemory)
        let count = try await pool.withReaderExecutor {
            try await pool.write { connection in
                try connection.execute("CREATE TABLE t (n INTEGER NOT NULL)")
                try connection.execute("INSERT INTO t VALUES (1)")
            }
            return try await pool.read { try $0.prepare("SELECT count(*) FROM t").first { $0.int64(0) } }
        }
        #expect(count == 1)
    }

    @Test func callsAfterCloseAreRefused() async throws {
        await pool.close()
        let error = await #expect(throws: SQLiteError.self) {
            try await pool.read { try $0.prepare("SELECT 1").first { $0.int64(0) } }
        }
        #expect(error?.resultCode == .misuse)
    }

    @Test func closeFinishesTheWorkInFlightFirst() async throws {
        let writeStarted = DispatchSemaphore(value: 0)
        let mayFinish = DispatchSemaphore(value: 0)
        async let write: Void = pool.write { connection in
            writeStarted.signal()
            mayFinish.wait()
            try connection.execute("INSERT INTO t VALUES (1)")
        }
        await writeStarted.waitForSignal()
        async let closing: Void = pool.close()
        mayFinish.signal()
        try await write
        await closing
        // The write that was running when close() was called committed.
        let path = directory.file("pool.sqlite")
        let check = try Connection(location: .file(path), options: ConnectionOptions(access: .readOnly))
        #expect(try check.prepare("SELECT count(*) FROM t").first { $0.int64(0) } == 1)
    }

    @Test func workSubmittedBeforeCloseStillRuns() async throws {
        let path = directory.file("pool.sqlite")
        let serial = try SerialConnection(location: .file(path), label: "test")
        let gate = DispatchSemaphore(value: 0)
        // The first job holds the queue, so the others are still waiting in it when close() is called.
        async let first: Void = serial.run { _ in gate.wait() }
        var queued: [Task<Int64?, any Error>] = []
        for value in 1...5 {
            queued.append(Task { try await serial.run { try $0.prepare("SELECT \(value)").first { $0.int64(0) } } })
        }
        // Time for the five tasks to submit their jobs (there is no way to watch a dispatch queue fill up).
        try await Task.sleep(for: .milliseconds(500))
        async let closing: Void = serial.close()
        gate.signal()
        try await first
        await closing
        var results: [Int64?] = []
        for task in queued {
            results.append(try await task.value)
        }
        #expect(results == [1, 2, 3, 4, 5])
        await #expect(throws: SQLiteError.self) {
            try await serial.run { _ in }
        }
    }
}
