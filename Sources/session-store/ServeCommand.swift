import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import SessionStore
import SessionStoreServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the store over HTTP: JSON routes under /v1/workspaces/WORKSPACE/, /health, /metrics and /openapi.json.",
        discussion: """
            Prints `listening on http://HOST:PORT` once it accepts connections. SIGTERM or SIGINT stops it: it \
            stops accepting, lets the requests in flight finish, and closes the store. With --tokens, each request \
            needs `Authorization: Bearer TOKEN`; SIGHUP reads the file again. Without it, the server listens on \
            loopback only.
            """)

    @OptionGroup var database: DatabaseOption
    @OptionGroup var json: JSONOption

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = 8080

    @Option(help: "A file of bearer tokens: one per line, then the workspaces it may use (comma-separated) or *.")
    var tokens: String?

    // More readers than cores only take the CPU from the writer, whose appends then queue (Benchmarks/README.md,
    // "The HTTP server under load").
    @Option(help: "How many connections serve reads in parallel (1 to 256): one per processor core unless given.")
    var readers = ProcessInfo.processInfo.activeProcessorCount

    func run() async throws {
        try await Terminal.run(json: json) {
            guard (1...256).contains(readers) else { throw ToolError("--readers must be 1 to 256, not \(readers)", code: "invalidArgument") }
            // A mistyped path must not start a server on a new, empty store: a deployment creates its store once.
            guard Terminal.isPostgresURL(database.path) || FileManager.default.fileExists(atPath: database.path) else {
                throw ToolError(
                    "no database at \(database.path); `session-store migrate --db \(database.path)` creates one", code: "noDatabase")
            }
            let accessTokens = try tokens.map { path in
                do { return try AccessTokens(path: path) } catch let error as AccessTokens.FileError {
                    throw ToolError(error.description)
                }
            }
            // Standard output is for the listening line; the log goes to standard error.
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
            var logger = Logger(label: "session-store")
            logger.logLevel = .info
            let metrics = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics))
            try await Terminal.withWritableStore(database.path, configuring: { configuration in
                configuration.readerCount = readers
                configuration.callObserver = StoreCallMetrics.record
            }) { repository in
                let options = ServerOptions(host: host, port: port, tokens: accessTokens, metrics: metrics)
                do {
                    try await SessionStoreServer.run(store: repository, options: options, logger: logger) { channel in
                        let address = channel.localAddress
                        Terminal.print("listening on http://\(host):\(address?.port ?? port)")
                    }
                } catch let error as SessionStoreServer.SetupError {
                    throw ToolError(error.description)
                }
            }
        }
    }
}
