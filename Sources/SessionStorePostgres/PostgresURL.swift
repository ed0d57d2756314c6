import Foundation
import PostgresNIO

/// Reads `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require&connect_timeout=SECONDS]`
/// (libpq's spelling) into the client's configuration.
enum PostgresURL {
    static func configuration(_ text: String) throws(PostgresStoreError) -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme ?? ""),
            let host = url.host, !host.isEmpty
        else { throw .invalidURL(text, reason: "expected postgres://user@host[:port]/database") }
        guard let user = url.user, !user.isEmpty else { throw .invalidURL(text, reason: "it names no user") }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw .invalidURL(text, reason: "it names no database") }
        let tls: PostgresClient.Configuration.TLS
        switch url.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer" {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(.makeClientConfiguration())
        case "require": tls = .require(.makeClientConfiguration())
        case let mode: throw .invalidURL(text, reason: "sslmode \(mode) is not disable, prefer or require")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: url.port ?? 5432, username: user, password: url.password, database: database, tls: tls)
        if let timeout = url.queryItems?.first(where: { $0.name == "connect_timeout" })?.value {
            guard let seconds = Int(timeout), (1...86_400).contains(seconds) else {
                throw .invalidURL(text, reason: "connect_timeout \(timeout) is not a number of seconds from 1 to 86400")
            }
            configuration.options.connectTimeout = .seconds(seconds)
        }
        return configuration
    }
}
