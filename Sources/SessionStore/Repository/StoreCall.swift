/// One call of the manager API, as ``Configuration/callObserver`` sees it once the call has returned or thrown.
public struct StoreCall: Sendable, Hashable {
    /// The method's name, such as `"addMessage"`.
    public let operation: String
    /// How long the call took, waiting for the database included.
    public let duration: Duration
    /// Whether it returned rather than threw.
    public let succeeded: Bool

    /// Creates a call record.
    public init(operation: String, duration: Duration, succeeded: Bool) {
        self.operation = operation
        self.duration = duration
        self.succeeded = succeeded
    }
}
