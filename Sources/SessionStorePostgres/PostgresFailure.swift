import PostgresNIO
import _ConnectionPoolModule
import SessionStore

/// What the client's errors mean to a caller of the store.
enum PostgresFailure {
    /// Runs `body`, turning a `PSQLError` into a ``PostgresStoreError``; `SessionStoreError`s pass as they are.
    /// `withTransaction` wraps what its closure threw in a `PostgresTransactionError`, which is unwrapped first.
    static func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresTransactionError {
            throw translated(error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError ?? error)
        } catch {
            throw translated(error)
        }
    }

    static func translated(_ error: any Error) -> any Error {
        // The pool reports connections that keep failing with its own error, which postgres-nio passes on as it is.
        if let error = error as? ConnectionPoolError {
            if error == .connectionCreationCircuitBreakerTripped {
                return PostgresStoreError.connectionLost(reason: "new connections to the server keep failing")
            }
            if error == .poolShutdown {
                return PostgresStoreError.closed
            }
        }
        guard let error = error as? PSQLError else { return error }
        switch error.code {
        case .server:
            let sqlState = error.serverInfo?[.sqlState] ?? "?????"
            let message = error.serverInfo?[.message] ?? "\(error)"
            // Connection exceptions (class 08) and a server shutting down or starting (57P01-57P03) end the
            // connection: the pool opens another for the next call.
            if sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState) {
                return PostgresStoreError.connectionLost(reason: message)
            }
            // Swift strings are valid UTF-8, so text refuses only a NUL, and jsonb only its escape `\u0000`.
            if sqlState == characterNotInRepertoire || sqlState == untranslatableCharacter {
                return SessionStoreError.unsupportedCharacter(reason: "PostgreSQL cannot store a NUL character (U+0000) in text")
            }
            return PostgresStoreError.server(sqlState: sqlState, message: message)
        case .queryCancelled:
            return CancellationError()
        default:
            return PostgresStoreError.connectionLost(reason: "\(error.code)")
        }
    }

    /// A unique index refused a row.
    static let uniqueViolation = "23505"

    /// Text with a byte the database encoding has no character for.
    static let characterNotInRepertoire = "22021"

    /// A JSON escape that jsonb cannot convert.
    static let untranslatableCharacter = "22P05"

    /// Serialization failures and deadlocks: the transaction was rolled back whole and may run again.
    static func isRetryable(_ sqlState: String) -> Bool {
        sqlState == "40001" || sqlState == "40P01"
    }
}
