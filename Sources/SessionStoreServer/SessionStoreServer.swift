import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import SessionStore
import UnixSignals

/// SessionStore over HTTP: JSON routes for the manager API under `/v1/workspaces/{workspace}/`, the change feed
/// as server-sent events, `/health`, `/metrics` and `/openapi.json` (the committed OpenAPI document, which lists
/// every route).
public enum SessionStoreServer {
    /// Why the server would not start.
    public struct SetupError: Error, CustomStringConvertible {
        /// One line saying what was wrong.
        public let description: String
    }

    /// The router of every route, for `store` and `options`.
    public static func router(store: any SessionStoring, options: ServerOptions) -> Router<ServerContext> {
        // HEAD answers as GET does, without the body: HTTP asks it of every server, and health checks use it.
        let router = Router(context: ServerContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: LogRequestsMiddleware(.info))
        router.add(middleware: ErrorMiddleware())
        if options.metrics != nil {
            router.add(middleware: MetricsMiddleware())
        }
        router.get("health") { _, _ in
            // A read of the store: it answers, and its file is readable.
            _ = try await store.getActiveSessionCount(workspaceId: "health")
            return try JSONBody.response(["status": "ok"])
        }
        router.get("openapi.json") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(data: try OpenAPIDocument.data())))
        }
        router.get("metrics") { _, _ in
            guard let registry = options.metrics else { throw ServerError(status: .notFound, code: "notFound", message: "metrics are off") }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        let workspace = router.group("v1/workspaces/:workspace").add(middleware: AuthenticationMiddleware(tokens: options.tokens))
        SessionRoutes(store: store, bodyLimit: options.bodyLimit).add(to: workspace)
        MessageRoutes(store: store, bodyLimit: options.bodyLimit).add(to: workspace)
        SearchRoutes(store: store).add(to: workspace)
        ChangeRoutes(store: store, keepAliveInterval: options.keepAliveInterval).add(to: workspace)
        router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))
        return router
    }

    /// The server as a Hummingbird application, to run in a service group of one's own or in tests.
    ///
    /// - Throws: ``SetupError`` for a host other than loopback without tokens, or a port outside 0…65535.
    public static func application(
        store: any SessionStoring, options: ServerOptions, logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        guard options.tokens != nil || options.listensOnLoopbackOnly else {
            throw SetupError(description: "without --tokens the server listens on loopback only, not on \(options.host)")
        }
        // The socket layer keeps only the low 16 bits: port 70000 would listen on 4464.
        guard (0...65535).contains(options.port) else {
            throw SetupError(description: "port \(options.port) is not a TCP port (0 to 65535)")
        }
        let channel = HTTP1Channel.Configuration(
            additionalChannelHandlers: [SlowReaderHandler(timeout: TimeAmount(options.slowClientTimeout)), ContinueHandler()],
            idleTimeout: TimeAmount(options.idleTimeout),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: options.headerLimit, maxHeaderListSize: options.headerLimit))
        return Application(
            router: router(store: store, options: options), server: .http1(configuration: channel),
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port), serverName: "session-store"),
            onServerRunning: onServerRunning, logger: logger)
    }

    /// Serves `store` until SIGTERM or SIGINT, then stops accepting connections, lets the requests in flight
    /// finish (for up to ``ServerOptions/shutdownTimeout``), and closes the store. SIGHUP reads the tokens file
    /// again.
    public static func run(
        store: any SessionStoring, options: ServerOptions, logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) async throws {
        let application = try application(store: store, options: options, logger: logger, onServerRunning: onServerRunning)
        // Shut down in reverse order: the server first, the store last.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: StoreService(store: store))]
        if let tokens = options.tokens {
            services.append(.init(service: TokenReloadService(tokens: tokens, logger: logger)))
        }
        services.append(.init(service: application))
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = options.shutdownTimeout
        try await ServiceGroup(configuration: configuration).run()
    }
}

/// Closes the store once the service group shuts down, after the server.
struct StoreService: Service {
    let store: any SessionStoring

    func run() async throws {
        try? await gracefulShutdown()
        await store.close()
    }
}

/// Reads the tokens file again on SIGHUP; a file that does not parse leaves the tokens in use.
struct TokenReloadService: Service {
    let tokens: AccessTokens
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                try tokens.reload()
                logger.info("tokens file read again")
            } catch {
                logger.error("tokens file refused, the tokens in use stay", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// The committed OpenAPI document, `openapi.json` among the target's resources.
enum OpenAPIDocument {
    static func data() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw SessionStoreServer.SetupError(description: "openapi.json is missing from the server's resources")
        }
        return try Data(contentsOf: url)
    }
}
