import Foundation
import Logging
import PostgresNIO
import Testing

/// The PostgreSQL server the tests use: the one `SESSION_STORE_POSTGRES_URL` names, which `.ci/postgres start`
/// starts (the README's "Running on PostgreSQL" says how). Without it the tests are skipped, except under CI,
/// where they fail: CI must never pass by running none of them.
public enum PostgresTestServer {
    public static let url = ProcessInfo.processInfo.environment["SESSION_STORE_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    public static var isAvailable: Bool { url != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    /// The URL of a new, empty database of its own on the server.
    public static func freshDatabase() async throws -> String {
        let server = try #require(url, "SESSION_STORE_POSTGRES_URL is not set: run `.ci/postgres start DIR` first")
        let name = "test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await withClient(server) { client in
            _ = try await client.query("CREATE DATABASE \(unescaped: name)")
        }
        // A database of its own, and a connect timeout for a machine that runs every test at once under TSan.
        var components = try #require(URLComponents(string: server))
        components.path = "/" + name
        components.queryItems = (components.queryItems ?? []).filter { $0.name != "connect_timeout" }
            + [URLQueryItem(name: "connect_timeout", value: "120")]
        return try #require(components.string)
    }

    /// Runs `body` with a client of `url`, running it meanwhile.
    public static func withClient<T: Sendable>(_ url: String, _ body: (PostgresClient) async throws -> T) async throws -> T {
        let components = try #require(URLComponents(string: url))
        let client = PostgresClient(
            configuration: .init(
                host: components.host ?? "127.0.0.1", port: components.port ?? 5432, username: components.user ?? "postgres",
                password: components.password, database: String(components.path.dropFirst()), tls: .disable),
            backgroundLogger: Logger(label: "test"))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
