/// An error of a store's backend that may say the backend could not serve the call at that moment (unreachable,
/// restarting, out of connections) rather than that the call was wrong: the same call may then succeed later.
///
/// The HTTP server answers a transient error with 503, so that clients try again; every other backend error is
/// the server's failure, 500.
public protocol TransientStoreError: Error {
    /// True when the call failed for the backend's state at that moment and may succeed unchanged later.
    var isTransient: Bool { get }
}
