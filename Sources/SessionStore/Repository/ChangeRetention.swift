/// How much of the change feed a workspace keeps. Changes past either bound are deleted as writes go on, except
/// the workspace's newest, which keeps the numbering going. A follower that asks for a deleted change gets
/// ``SessionStoreError/changesTrimmed(oldestKept:)``.
public struct ChangeRetention: Sendable, Hashable {
    /// Changes older than this go; nil keeps them whatever their age.
    public var maximumAge: Duration?
    /// Beyond this many changes in a workspace the oldest go; nil keeps any number.
    public var maximumCount: Int?

    /// The defaults: 30 days and 100,000 changes per workspace.
    public init(maximumAge: Duration? = .seconds(30 * 24 * 3600), maximumCount: Int? = 100_000) {
        self.maximumAge = maximumAge
        self.maximumCount = maximumCount
    }

    /// The oldest sequence number kept by count in a workspace whose newest change is `latest`.
    package func oldestKept(latest: Int64) -> Int64 {
        guard let maximumCount else { return .min }
        return latest - Int64(max(maximumCount, 1)) + 1
    }

    /// The oldest time (milliseconds since the Unix epoch) kept by age at `now`. An age longer than the epoch
    /// keeps everything, as nil does, instead of overflowing; a negative one keeps nothing older than `now`.
    package func oldestKept(now: Int64) -> Int64 {
        guard let maximumAge else { return .min }
        let (milliseconds, overflow) = maximumAge.components.seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow, milliseconds <= now else { return .min }
        return now - max(milliseconds, 0)
    }
}
