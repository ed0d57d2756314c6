import CSQLite
import Foundation

/// How a connection waits for a lock another connection holds: a few yields of the thread, then sleeps that start
/// at 20 µs and double up to 250 µs, until the lock is free or the busy timeout has passed.
///
/// SQLite's own handler (`sqlite3_busy_timeout`) sleeps 1, 2, 5, 10 … 100 ms between tries, so a call that meets a
/// lock held for a fraction of a millisecond can wait tens of milliseconds after it was freed, while the holder
/// takes the lock again and again. These waits follow the lock's real holding times, and a waiting connection never
/// spins: each try past the first few sleeps. The longest sleep was chosen with the benchmark's group `processes`
/// (Benchmarks/README.md, "Several processes").
final class BusyWait {
    private static let yields: Int32 = 3
    private static let firstSleepNanoseconds: UInt64 = 20_000
    private static let longestSleepNanoseconds: UInt64 = 250_000

    private let timeoutNanoseconds: UInt64
    private var deadline: UInt64 = 0
    /// While false, a connection that meets a lock fails at once with `SQLITE_BUSY`: for work that must not wait,
    /// such as the writer's truncating checkpoint.
    var waits = true

    private init(timeout: Duration) {
        timeoutNanoseconds = UInt64(max(timeout.clampedNanoseconds, 0))
    }

    /// Installs the wait on `handle`, bounded by `timeout`; pass the result to ``remove(_:from:)`` before closing it.
    static func install(timeout: Duration, on handle: OpaquePointer) -> Unmanaged<BusyWait> {
        let wait = Unmanaged.passRetained(BusyWait(timeout: timeout))
        sqlite3_busy_handler(handle, { context, tries in
            guard let context else { return 0 }
            return Unmanaged<BusyWait>.fromOpaque(context).takeUnretainedValue().tryAgain(after: tries) ? 1 : 0
        }, wait.toOpaque())
        return wait
    }

    static func remove(_ wait: Unmanaged<BusyWait>, from handle: OpaquePointer) {
        sqlite3_busy_handler(handle, nil, nil)
        wait.release()
    }

    /// Whether SQLite should try again after `tries` tries that met the lock, having waited for it first.
    private func tryAgain(after tries: Int32) -> Bool {
        guard waits else { return false }
        let now = Self.monotonicNanoseconds()
        if tries == 0 {
            let (sum, overflow) = now.addingReportingOverflow(timeoutNanoseconds)
            deadline = overflow ? .max : sum
        }
        guard now < deadline else { return false }
        if tries < Self.yields {
            sched_yield()
            return true
        }
        let doubling = min(UInt64(tries - Self.yields), 8)
        let sleep = min(Self.firstSleepNanoseconds << doubling, Self.longestSleepNanoseconds, deadline - now)
        var pause = timespec(tv_sec: 0, tv_nsec: Int(sleep))
        nanosleep(&pause, nil)
        return true
    }

    private static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
