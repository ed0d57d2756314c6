import Foundation

/// A value shared between threads, guarded by a lock.
///
/// A pthread mutex underneath (through `NSLock`), which the thread sanitizer understands; the futex-based
/// `Synchronization.Mutex` is invisible to it on Linux and shows as false data races.
package final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    /// Guards `value`.
    package init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with the value while holding the lock, and returns what it returns.
    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
