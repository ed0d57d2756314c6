extension MessageStream {
    /// When a stream writes what was appended to it: whichever of the two comes first, and at its finish.
    public struct Options: Sendable, Hashable {
        /// The longest that appended text stays in memory only: what a crash can lose. Default 50 ms.
        public var flushInterval: Duration
        /// How many bytes (UTF-8) of appended text are written at once, without waiting for the interval.
        /// Default 4 KiB.
        public var flushBytes: Int

        /// A stream that writes every `flushInterval`, or sooner once `flushBytes` are waiting.
        public init(flushInterval: Duration = .milliseconds(50), flushBytes: Int = 4096) {
            self.flushInterval = flushInterval
            self.flushBytes = max(flushBytes, 1)
        }
    }
}
