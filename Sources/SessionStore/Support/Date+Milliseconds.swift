import Foundation

extension Date {
    /// Milliseconds since the Unix epoch, rounded down. A date beyond what `Int64` counts comes out as its bound
    /// (and an undefined one as `Int64.min`) instead of trapping: such dates arrive from callers, e.g. a trash
    /// cutoff of `Int64.max` milliseconds.
    package var millisecondsSince1970: Int64 {
        let milliseconds = (timeIntervalSince1970 * 1000).rounded(.down)
        if milliseconds >= 0x1p63 { return .max }
        if milliseconds < -0x1p63 || milliseconds.isNaN { return .min }
        return Int64(milliseconds)
    }
}
