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
}
