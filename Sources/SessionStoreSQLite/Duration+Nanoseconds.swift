extension Duration {
    /// The duration in whole nanoseconds, clamped to what `Int64` holds: a timeout of `.seconds(.max)` is how a
    /// caller says "as long as it takes", and must not trap.
    package var clampedNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, carry) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        guard !overflow, !carry else { return seconds < 0 ? .min : .max }
        return total
    }
}
