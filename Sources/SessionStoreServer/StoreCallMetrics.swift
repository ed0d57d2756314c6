import Metrics
import SessionStore

/// The store's call durations as swift-metrics timers, `session_store_call_duration` by `operation` and `outcome`
/// (`ok` or `error`): pass ``record(_:)`` as the repository's `Configuration.callObserver`, and they are served
/// at `/metrics` beside the requests' durations.
public enum StoreCallMetrics {
    /// Records `call`'s duration.
    @Sendable public static func record(_ call: StoreCall) {
        Timer(
            label: "session_store_call_duration",
            dimensions: [("operation", call.operation), ("outcome", call.succeeded ? "ok" : "error")],
            preferredDisplayUnit: .seconds
        ).recordNanoseconds(call.duration.clampedNanoseconds)
    }
}
