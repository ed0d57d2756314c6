import Dispatch

extension DispatchSemaphore {
    /// Waits for the semaphore on a dispatch thread, so that the waiting task holds no thread of Swift's
    /// cooperative pool (the thread it would block may be the one that is to signal).
    public func waitForSignal() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                self.wait()
                continuation.resume()
            }
        }
    }
}
