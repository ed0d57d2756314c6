import Hummingbird

/// The request context of the server's routes: Hummingbird's core storage, nothing more. Access is checked by
/// ``AuthenticationMiddleware`` before a route runs, so routes need no record of who called.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
    }
}
