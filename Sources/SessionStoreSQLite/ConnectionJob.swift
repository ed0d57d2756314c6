/// The life of one job submitted to a connection, shared by the queue that runs it and the task that may cancel it.
final class ConnectionJob: Sendable {
    private enum State {
        case pending, running(interruptible: Bool), cancelledBeforeStart, cancelledWhileRunning, finished
    }

    private let state = Locked(State.pending)

    /// Runs `body` with `connection` unless the job was cancelled while it waited; then, or when cancelling it
    /// interrupted `body`, the result is `CancellationError`.
    ///
    /// An interruptible job's statements are interrupted when it is cancelled while it runs (and the connection's
    /// statements run again once it is done); another one runs on and can ask ``isCancelled`` when to give up.
    func run<T>(on connection: Connection, interruptible: Bool = true, _ body: (Connection) throws -> T) -> Result<T, any Error> {
        guard start(interruptible: interruptible) else {
            return .failure(CancellationError())
        }
        let result = Result { try body(connection) }
        let wasCancelled = finish()
        if wasCancelled {
            connection.endInterrupt()
        }
        return result.mapError { error in
            if wasCancelled, let error = error as? SQLiteError, error.resultCode == .interrupt {
                return CancellationError()
            }
            return error
        }
    }

    /// Whether the job was cancelled while it ran.
    var isCancelled: Bool {
        state.withLock { state in
            if case .cancelledWhileRunning = state { return true }
            return false
        }
    }

    /// Cancels the job; `interrupt` is called while the lock keeps a running interruptible job from finishing,
    /// so the interrupt can never reach a later job.
    func cancel(interrupt: () -> Void) {
        state.withLock { state in
            switch state {
            case .pending:
                state = .cancelledBeforeStart
            case .running(let interruptible):
                state = .cancelledWhileRunning
                if interruptible {
                    interrupt()
                }
            case .cancelledBeforeStart, .cancelledWhileRunning, .finished:
                break
            }
        }
    }

    /// Whether the job may run (it was not cancelled while queued).
    private func start(interruptible: Bool) -> Bool {
        state.withLock { state in
            guard case .pending = state else { return false }
            state = .running(interruptible: interruptible)
            return true
        }
    }

    /// Marks the job done; returns whether it was cancelled while it ran.
    private func finish() -> Bool {
        state.withLock { state in
            defer { state = .finished }
            if case .cancelledWhileRunning = state { return true }
            return false
        }
    }
}
