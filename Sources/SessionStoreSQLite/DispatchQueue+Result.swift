import Dispatch

extension DispatchQueue {
    /// Runs `work` on this queue and waits for its result without holding a thread.
    ///
    /// The result crosses back through a lock, not through the continuation alone: when the continuation is
    /// resumed before the task has finished suspending, the Swift runtime orders the two threads with atomics the
    /// thread sanitizer cannot see, and it would report every value made on the queue as a data race.
    func result<T: Sendable>(of work: @escaping @Sendable () -> Result<T, any Error>) async -> Result<T, any Error> {
        // Overwritten by `work` before anyone reads it.
        let outcome = Locked<Result<T, any Error>>(.failure(CancellationError()))
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            self.async {
                let result = work()
                outcome.withLock { $0 = result }
                continuation.resume()
            }
        }
        return outcome.withLock { $0 }
    }
}
