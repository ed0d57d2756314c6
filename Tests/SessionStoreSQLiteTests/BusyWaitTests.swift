import Dispatch
import Foundation
import SessionStoreSQLite
import TestSupport
import Testing

/// How a connection waits for a lock that another connection holds.
@Suite struct BusyWaitTests {
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.file("db.sqlite")
        try Connection(location: .file(path)).execute("CREATE TABLE t (n INTEGER)")
    }

    /// Holds the write lock from another connection, on a thread of its own, for `duration`; returns once it is
    /// held, with a semaphore signalled once it is released.
    func holdLock(for duration: Duration) throws -> DispatchSemaphore {
        let held = DispatchSemaphore(value: 0)
        let released = DispatchSemaphore(value: 0)
        let (seconds, attoseconds) = duration.components
        let path = path
        Thread.detachNewThread {
            guard let holder = try? Connection(location: .file(path)), (try? holder.execute("BEGIN IMMEDIATE")) != nil else { return }
            held.signal()
            Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
            try? holder.execute("COMMIT")
            released.signal()
        }
        guard held.wait(timeout: .now() + 5) == .success else { throw SQLiteError(code: .busy, message: "the lock was never held") }
        return released
    }

    /// Whether beginning a write transaction on `connection` fails with SQLITE_BUSY.
    func beginIsBusy(_ connection: Connection) throws -> Bool {
        do {
            try connection.execute("BEGIN IMMEDIATE")
            try connection.execute("COMMIT")
            return false
        } catch SQLiteError.busy {
            return true
        }
    }

    @Test func aLockFreedMidWaitIsTakenWithinAMillisecondOrTwo() throws {
        // SQLite's own handler sleeps 1, 2, 5, 10, 15, 20 and 25 ms: a lock freed after 60 ms is taken at 78 ms.
        let connection = try Connection(location: .file(path), options: ConnectionOptions(busyTimeout: .seconds(5)))
        var lateness: [Duration] = []
        for _ in 0..<5 {
            let started = ContinuousClock.now
            let released = try holdLock(for: .milliseconds(60))
            try connection.execute("BEGIN IMMEDIATE")
            let took = ContinuousClock.now - started
            try connection.execute("COMMIT")
            released.wait()
            lateness.append(took - .milliseconds(60))
        }
        // The best of five tries: a busy machine may delay any thread now and then.
        #expect(lateness.min()! < .milliseconds(5), "\(lateness)")
    }

    @Test func aLockHeldPastTheTimeoutFailsWithBusyAboutThen() throws {
        let connection = try Connection(location: .file(path), options: ConnectionOptions(busyTimeout: .milliseconds(100)))
        let released = try holdLock(for: .milliseconds(800))
        let started = ContinuousClock.now
        #expect(try beginIsBusy(connection))
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(100) && waited < .milliseconds(400), "\(waited)")
        released.wait()
        #expect(try !beginIsBusy(connection))
    }

    @Test func aConnectionThatReportsSlowStatementsWaitsAsWell() throws {
        let connection = try Connection(location: .file(path), options: ConnectionOptions(busyTimeout: .seconds(5)))
        connection.observeSlowStatements(SlowStatementObserver(threshold: .seconds(60)) { _, _ in })
        let released = try holdLock(for: .milliseconds(100))
        #expect(try !beginIsBusy(connection))
        released.wait()
        connection.close()
    }

    /// `.seconds(.max)` is how a caller says "wait as long as it takes"; it once trapped converting to nanoseconds.
    @Test func theLongestTimeoutAndThresholdWaitInsteadOfTrapping() throws {
        let connection = try Connection(location: .file(path), options: ConnectionOptions(busyTimeout: .seconds(Int64.max)))
        let slow = Locked<[String]>([])
        connection.observeSlowStatements(SlowStatementObserver(threshold: .seconds(Int64.max)) { sql, _ in slow.withLock { $0.append(sql) } })
        let released = try holdLock(for: .milliseconds(100))
        #expect(try !beginIsBusy(connection))
        released.wait()
        #expect(slow.withLock { $0 }.isEmpty)
        connection.close()
    }

    @Test func aZeroTimeoutFailsAtOnce() throws {
        let connection = try Connection(location: .file(path), options: ConnectionOptions(busyTimeout: .zero))
        let released = try holdLock(for: .milliseconds(300))
        let started = ContinuousClock.now
        #expect(try beginIsBusy(connection))
        #expect(ContinuousClock.now - started < .milliseconds(50))
        released.wait()
    }
}
