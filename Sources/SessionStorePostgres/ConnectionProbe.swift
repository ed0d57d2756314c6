import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// Why a connection to the server fails, found by opening one outside the pool: the pool retries a failed
/// connection quietly until its timeout, which would report a wrong port, an unknown database, a wrong password
/// or TLS that the server does not offer as a server that is slow to answer.
enum ConnectionProbe {
    /// What stopped one connection to `url`'s server: nil when it opened, or when it was still trying at its
    /// timeout (the caller's own timeout reports that).
    static func failure(_ url: PostgresURL, logger: Logger) async -> PostgresStoreError? {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try url.connectionConfiguration(), id: 0, logger: logger)
            try? await connection.close()
            return nil
        } catch let error as PSQLError {
            switch error.code {
            case .server:
                let message = error.serverInfo?[.message] ?? "\(error)"
                return .connectionRefused(sqlState: error.serverInfo?[.sqlState], message: message)
            case .sslUnsupported:
                let message = "the server does not offer TLS, which sslmode=\(url.sslMode.rawValue) asks for"
                return .connectionRefused(sqlState: nil, message: message)
            default:
                return error.underlying.flatMap { reason(url, $0) }
            }
        } catch {
            return reason(url, error)
        }
    }

    private static func reason(_ url: PostgresURL, _ error: any Error) -> PostgresStoreError? {
        switch error {
        case let error as NIOConnectionError:
            if error.dnsAError != nil || error.dnsAAAAError != nil {
                return .connectionLost(reason: "no host \(url.host) was found")
            }
            let failures = error.connectionErrors.map(\.error)
            return failures.isEmpty || !failures.allSatisfy(isRefusal) ? nil : refused(url)
        default:
            return isRefusal(error) ? refused(url) : nil
        }
    }

    private static func refused(_ url: PostgresURL) -> PostgresStoreError {
        .connectionLost(reason: "\(url.host):\(url.port) refused the connection")
    }

    private static func isRefusal(_ error: any Error) -> Bool {
        (error as? IOError)?.errnoCode == ECONNREFUSED
    }
}
