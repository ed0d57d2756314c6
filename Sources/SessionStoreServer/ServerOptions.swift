import Prometheus
import SessionStore

/// How the server listens, whom it lets in, and what it accepts.
public struct ServerOptions: Sendable {
    /// The address to listen on. Default 127.0.0.1; without ``tokens``, only a loopback address is accepted.
    public var host: String
    /// The port; 0 picks a free one. Default 8080.
    public var port: Int
    /// The bearer tokens the server accepts; nil lets every request in (loopback only).
    public var tokens: AccessTokens?
    /// The largest request body read, in bytes (413 past it). Default: the store's message limit and 1 MiB for
    /// the JSON around it. A streamed reply is held to the message limit instead.
    public var bodyLimit: Int
    /// How long a connection may stay open without a request. Default 60 s.
    public var idleTimeout: Duration
    /// How long a client may leave the server's output unread before it is disconnected. Default 30 s.
    public var slowClientTimeout: Duration
    /// Between two keep-alive comments of an idle change feed. Default 15 s.
    public var keepAliveInterval: Duration
    /// The largest header block of a request, in bytes. Default 16 KiB.
    public var headerLimit: Int
    /// How long a shutdown waits for requests in flight before it cancels them. Default 10 s.
    public var shutdownTimeout: Duration
    /// Where the requests' counts and durations go (Hummingbird's `MetricsMiddleware`), served at `/metrics` in
    /// Prometheus's text format; nil serves none. The caller bootstraps swift-metrics with a factory of this
    /// registry: a library never does, as only one bootstrap is allowed per process. The store's call durations
    /// join them when its configuration's `callObserver` is ``StoreCallMetrics/record(_:)``.
    public var metrics: PrometheusCollectorRegistry?

    /// The defaults, for a store with `limits`.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, tokens: AccessTokens? = nil, limits: Limits = Limits(),
        idleTimeout: Duration = .seconds(60), slowClientTimeout: Duration = .seconds(30), keepAliveInterval: Duration = .seconds(15),
        headerLimit: Int = 16 << 10, shutdownTimeout: Duration = .seconds(10), metrics: PrometheusCollectorRegistry? = nil
    ) {
        self.host = host
        self.port = port
        self.tokens = tokens
        bodyLimit = limits.messageBytes + (1 << 20)
        self.idleTimeout = idleTimeout
        self.slowClientTimeout = slowClientTimeout
        self.keepAliveInterval = keepAliveInterval
        self.headerLimit = headerLimit
        self.shutdownTimeout = shutdownTimeout
        self.metrics = metrics
    }

    /// Whether ``host`` is a loopback address.
    var listensOnLoopbackOnly: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
