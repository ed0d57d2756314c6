import SessionStore

/// Why the PostgreSQL backend could not do what was asked, when the reason is the server and not the call:
/// what the call itself got wrong is a `SessionStoreError`, as with SQLite.
public enum PostgresStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text given is not a PostgreSQL URL this backend reads.
    case invalidURL(String, reason: String)
    /// The server could not be reached, or the connection broke during the call; whether a write that was in
    /// flight committed is unknown. The client connects again on the next call.
    case connectionLost(reason: String)
    /// The server answered but would not open a connection: an unknown database or user, a wrong password, a
    /// client `pg_hba.conf` does not admit (with the server's SQLSTATE), or `sslmode=require` with a server
    /// that offers no TLS (without). Trying again does not help until the URL or the server changes.
    case connectionRefused(sqlState: String?, message: String)
    /// The server refused the statement: its SQLSTATE and message.
    case server(sqlState: String, message: String)
    /// The store was closed: every call after ``PostgresRepository/close()`` fails with it, and so does a change
    /// feed waiting for a change.
    case closed

    /// One line saying what was wrong.
    public var description: String {
        switch self {
        case .invalidURL(let text, let reason): "\(text) is not a PostgreSQL URL this store reads: \(reason)"
        case .connectionLost(let reason): "lost the connection to PostgreSQL: \(reason)"
        case .connectionRefused(let sqlState?, let message): "PostgreSQL refused the connection (SQLSTATE \(sqlState)): \(message)"
        case .connectionRefused(nil, let message): "PostgreSQL refused the connection: \(message)"
        case .server(let sqlState, let message): "PostgreSQL refused the statement (SQLSTATE \(sqlState)): \(message)"
        case .closed: "the store is closed"
        }
    }
}

extension PostgresStoreError: TransientStoreError {
    /// True for a lost connection and for the server's lack of resources (SQLSTATE class 53, such as too many
    /// connections); a refused connection needs another URL or server settings first.
    public var isTransient: Bool {
        switch self {
        case .connectionLost: true
        case .server(let sqlState, _): sqlState.hasPrefix("53")
        case .invalidURL, .connectionRefused, .closed: false
        }
    }
}
