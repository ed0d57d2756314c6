import Hummingbird

/// The request context of the server's routes: Hummingbird's core storage, nothing more. Access is checked by
/// ``AuthenticationMiddleware`` before a route runs, so routes need no record of who called.
public struct ServerContext: RequestContext {
    /// Hummingbird's per-request storage: the logger with the request id, the path's parameters.
    public var coreContext: CoreRequestContextStorage

    /// The context of a request that `source` (the server's connection) received.
    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
    }
}
