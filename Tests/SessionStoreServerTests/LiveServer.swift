import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresTestSupport
import SessionStore
import SessionStorePostgres
import SessionStoreServer
import Testing
import TestSupport

/// A server on an ephemeral loopback port over a store of its own, and a client of it that speaks JSON.
struct LiveServer {
    /// The store the server serves: a SQLite file, or a database of the tests' PostgreSQL server.
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres

        static var available: [Backend] { PostgresTestServer.isAvailable ? allCases : [.sqlite] }
        var testDescription: String { rawValue }
    }

    let store: any SessionStoring
    let options: ServerOptions
    /// Holds the store's file and the tokens file: the folder is removed when the last copy of the server goes.
    private let directory: TemporaryDirectory

    init(
        tokens: String? = nil, backend: Backend = .sqlite, store configuration: Configuration = Configuration(),
        configure: (inout ServerOptions) -> Void = { _ in }
    ) async throws {
        let directory = try TemporaryDirectory()
        let store: any SessionStoring = switch backend {
        case .sqlite: try await SessionRepository(path: directory.file("server.sqlite"), configuration: configuration)
        case .postgres: try await PostgresRepository(url: try await PostgresTestServer.freshDatabase(), configuration: configuration)
        }
        try self.init(serving: store, directory: directory, tokens: tokens, configure: configure)
    }

    /// A server of `store`, which the test made.
    init(serving store: any SessionStoring) throws {
        try self.init(serving: store, directory: try TemporaryDirectory(), tokens: nil, configure: { _ in })
    }

    private init(
        serving store: any SessionStoring, directory: TemporaryDirectory, tokens: String?, configure: (inout ServerOptions) -> Void
    ) throws {
        self.store = store
        self.directory = directory
        var options = ServerOptions(port: 0, tokens: try tokens.map { text in
            let path = directory.file("tokens")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return try AccessTokens(path: path)
        })
        // A loaded run under the thread sanitizer can leave a test's connection unused past the defaults, and the
        // server would close it between two requests (seen in CI: "I/O on closed channel").
        options.idleTimeout = .seconds(600)
        options.slowClientTimeout = .seconds(600)
        configure(&options)
        self.options = options
    }

    /// Runs `body` with a live client of the server.
    func run<T: Sendable>(_ body: @Sendable (Client) async throws -> T) async throws -> T {
        var logger = Logger(label: "test")
        // A line per request would bury the CI log's step times and results; what goes wrong still shows.
        logger.logLevel = .warning
        let application = try SessionStoreServer.application(store: store, options: options, logger: logger)
        return try await application.test(.live) { client in try await body(Client(client: client)) }
    }

    /// Requests with a bearer token, bodies as JSON.
    struct Client: Sendable {
        let client: any TestClientProtocol
        var token: String?

        var port: Int { client.port ?? 0 }

        func send(
            _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: HTTPFields = [:], token: String? = nil
        ) async throws -> TestResponse {
            var headers = headers
            if let token = token ?? self.token { headers[.authorization] = "Bearer \(token)" }
            if json != nil { headers[.contentType] = "application/json" }
            return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        }

        /// The response's body decoded as `type`.
        func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
            try JSONDecoder().decode(type, from: Data(response.body.readableBytesView))
        }

        func with(token: String) -> Client {
            Client(client: client, token: token)
        }
    }
}

/// The error body every refusal carries.
struct RefusalBody: Decodable, Equatable {
    struct Detail: Decodable, Equatable {
        var code: String
        var message: String
    }
    var error: Detail
}

extension TestResponse {
    var text: String { String(buffer: body) }
}
