import Foundation
import PostgresNIO

/// `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require&connect_timeout=SECONDS]`
/// (libpq's spelling), read into what the pool and a connection of its own need.
struct PostgresURL: Sendable {
    enum SSLMode: String, Sendable {
        case disable, prefer, require
    }

    let host: String
    let port: Int
    let user: String
    let password: String?
    let database: String
    let sslMode: SSLMode
    /// How long a connection may take to open: `connect_timeout`, or the client's default.
    let connectTimeout: Duration

    init(_ text: String) throws(PostgresStoreError) {
        guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme ?? ""),
            let host = url.host, !host.isEmpty
        else { throw .invalidURL(text, reason: "expected postgres://user@host[:port]/database") }
        guard let user = url.user, !user.isEmpty else { throw .invalidURL(text, reason: "it names no user") }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw .invalidURL(text, reason: "it names no database") }
        let mode = url.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer"
        guard let sslMode = SSLMode(rawValue: mode) else {
            throw .invalidURL(text, reason: "sslmode \(mode) is not disable, prefer or require")
        }
        var connectTimeout = PostgresClient.Configuration.Options().connectTimeout
        if let timeout = url.queryItems?.first(where: { $0.name == "connect_timeout" })?.value {
            guard let seconds = Int(timeout), (1...86_400).contains(seconds) else {
                throw .invalidURL(text, reason: "connect_timeout \(timeout) is not a number of seconds from 1 to 86400")
            }
            connectTimeout = .seconds(seconds)
        }
        (self.host, self.port, self.user, self.password, self.database) = (host, url.port ?? 5432, user, url.password, database)
        (self.sslMode, self.connectTimeout) = (sslMode, connectTimeout)
    }

    /// The pool's configuration.
    var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch sslMode {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = connectTimeout
        return configuration
    }

    /// The configuration of one connection outside the pool, with the pool's TLS and timeout.
    ///
    /// - Throws: NIOSSL's error when the system's trust store cannot be loaded for TLS.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            switch sslMode {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = TimeAmount(connectTimeout)
        return configuration
    }
}
