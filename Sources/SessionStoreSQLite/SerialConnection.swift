import Dispatch

/// A ``Connection`` that lives on its own serial dispatch queue, so that SQLite never blocks Swift's
/// cooperative thread pool, even while it waits for a lock.
///
/// Jobs run one at a time, in the order they were submitted. Cancelling the task that awaits a job skips the
/// job when it has not started, and interrupts it (`sqlite3_interrupt`) when it has: either way the task gets
/// `CancellationError` and the connection stays usable.
///
/// The connection is also a `TaskExecutor`: a task that prefers it (`withTaskExecutorPreference`) runs on the
/// connection's queue, between the other jobs, and its calls to ``run(_:)`` run at once, without going to
/// another thread and back.
package final class SerialConnection: TaskExecutor, Sendable {
    /// Where the database lives.
    package let location: DatabaseLocation

    private let queue: DispatchQueue
    // Set on `queue` only, so that a job can tell it runs there.
    private let onQueue = DispatchSpecificKey<Void>()
    // Touched only on `queue`, or through the thread-safe `interrupt()`.
    private nonisolated(unsafe) let connection: Connection
    private let isClosed = Locked(false)

    /// Opens a connection on a new serial queue; `slowStatements`, when given, hears of its slow statements.
    package init(
        location: DatabaseLocation, options: ConnectionOptions = ConnectionOptions(), label: String,
        slowStatements: SlowStatementObserver? = nil
    ) throws(SQLiteError) {
        self.location = location
        self.connection = try Connection(location: location, options: options)
        self.queue = DispatchQueue(label: label)
        queue.setSpecific(key: onQueue, value: ())
        if let slowStatements {
            connection.observeSlowStatements(slowStatements)
        }
    }

    /// Runs `body` with the connection on the connection's queue and returns its result.
    ///
    /// - Throws: what `body` throws; `CancellationError` when the task is cancelled; ``SQLiteError`` with
    ///   code `.misuse` after ``close()``.
    package func run<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        // Work submitted before close() still runs; work submitted after it is refused here.
        guard !isClosed.withLock({ $0 }) else {
            throw SQLiteError.databaseClosed
        }
        let job = ConnectionJob()
        return try await withTaskCancellationHandler {
            // A task running on this queue already is the queue's current job: nothing else can use the connection.
            if isCurrent {
                return perform(job, body)
            }
            return await queue.result { self.perform(job, body) }
        } onCancel: {
            job.cancel(interrupt: self.interrupt)
        }.get()
    }

    /// Whether the caller runs on the connection's queue, as a task that prefers the connection as its executor
    /// does.
    var isCurrent: Bool {
        DispatchQueue.getSpecific(key: onQueue) != nil
    }

    /// Runs the job of a task that prefers this connection as its executor on the connection's queue.
    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }

    /// Runs `work` with the connection on the connection's queue, after the jobs already submitted, without
    /// waiting for it; after ``close()``, `work` gets nil.
    package func submit(_ work: @escaping @Sendable (Connection?) -> Void) {
        queue.async {
            work(self.connection.isOpen ? self.connection : nil)
        }
    }

    /// Makes the connection's running statement, and the ones after it until its job ends, fail with
    /// `SQLITE_INTERRUPT`; safe from any thread.
    package func interrupt() {
        connection.interrupt()
    }

    /// Runs `body` for `job`; called on `queue` only.
    private func perform<T>(_ job: ConnectionJob, _ body: (Connection) throws -> T) -> Result<T, any Error> {
        // A job that raced past the check in run(_:) finds the connection gone: refuse it too.
        guard connection.isOpen else {
            return .failure(SQLiteError.databaseClosed)
        }
        return job.run(on: connection, body)
    }

    /// Lets the jobs already submitted finish, then closes the connection. Later jobs fail with `.misuse`.
    package func close() async {
        isClosed.withLock { $0 = true }
        // Jobs submitted before this point were queued first, so they run before the connection goes.
        _ = await queue.result {
            self.connection.close()
            return .success(())
        }
    }
}
