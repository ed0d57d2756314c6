import CSQLite

/// Hears of every statement that ran longer than a threshold, with its SQL (without bound values) and duration.
public struct SlowStatementObserver: Sendable {
    /// Statements that take at least this long are reported.
    public var threshold: Duration
    /// Called on the connection's thread, right after the slow statement finished.
    public var report: @Sendable (_ sql: String, _ duration: Duration) -> Void

    /// An observer of statements slower than `threshold`.
    public init(threshold: Duration, report: @escaping @Sendable (_ sql: String, _ duration: Duration) -> Void) {
        self.threshold = threshold
        self.report = report
    }
}

/// The observer installed on one connection through `sqlite3_trace_v2`; the trace context keeps it alive.
final class StatementProfiler {
    private let observer: SlowStatementObserver
    private let thresholdNanoseconds: Int64

    private init(_ observer: SlowStatementObserver) {
        self.observer = observer
        thresholdNanoseconds = observer.threshold.clampedNanoseconds
    }

    /// Installs `observer` on `handle`; pass the result to ``remove(_:from:)`` before closing it.
    static func install(_ observer: SlowStatementObserver, on handle: OpaquePointer) -> Unmanaged<StatementProfiler> {
        let profiler = Unmanaged.passRetained(StatementProfiler(observer))
        sqlite3_trace_v2(handle, UInt32(SQLITE_TRACE_PROFILE), { _, context, statement, elapsed in
            guard let context, let statement, let nanoseconds = elapsed?.load(as: Int64.self) else { return 0 }
            let profiler = Unmanaged<StatementProfiler>.fromOpaque(context).takeUnretainedValue()
            if nanoseconds >= profiler.thresholdNanoseconds {
                let sql = sqlite3_sql(OpaquePointer(statement)).map { String(cString: $0) } ?? ""
                profiler.observer.report(sql, .nanoseconds(nanoseconds))
            }
            return 0
        }, profiler.toOpaque())
        return profiler
    }

    static func remove(_ profiler: Unmanaged<StatementProfiler>, from handle: OpaquePointer) {
        sqlite3_trace_v2(handle, 0, nil, nil)
        profiler.release()
    }
}
