import CSQLite
import Synchronization

/// A connection's interrupt that lasts until it is lifted, so that it also stops the statements that start after
/// it: `sqlite3_interrupt` alone is forgotten when it arrives between two statements (SQLite clears it as the next
/// one starts with none running), and a transaction cancelled there would run its next statement to the end.
///
/// SQLite asks the interruption every thousand virtual-machine steps of a running statement (its progress handler).
final class Interruption: Sendable {
    private static let stepsBetweenChecks: Int32 = 1000

    private let isRaised = Atomic(false)

    /// Makes SQLite ask this interruption while statements of `handle` run; the caller keeps it alive until
    /// ``remove(from:)``.
    func install(on handle: OpaquePointer) {
        sqlite3_progress_handler(handle, Self.stepsBetweenChecks, { context in
            guard let context else { return 0 }
            return Unmanaged<Interruption>.fromOpaque(context).takeUnretainedValue().isRaised.load(ordering: .relaxed) ? 1 : 0
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    func remove(from handle: OpaquePointer) {
        sqlite3_progress_handler(handle, 0, nil, nil)
    }

    /// Makes the running statement and every later one fail with `SQLITE_INTERRUPT` until ``lift()``; safe from
    /// any thread while the connection is open.
    func raise(on handle: OpaquePointer) {
        isRaised.store(true, ordering: .relaxed)
        sqlite3_interrupt(handle)
    }

    /// Lets statements run again.
    func lift() {
        isRaised.store(false, ordering: .relaxed)
    }
}
