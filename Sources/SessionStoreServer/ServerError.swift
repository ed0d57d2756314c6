import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import SessionStore

/// A refused request, as the server answers it: a status and `{"error": {"code", "message"}}`.
///
/// Codes are ``SessionStoreError/code`` for the store's refusals, and for the server's own: `unauthorized` (401),
/// `notFound` (404), `methodNotAllowed` (405, with `Allow`), `invalidBody` (400, also for a body whose HTTP
/// framing breaks) and `invalidParameter` (400), `bodyTooLarge` (413), `busy`, `unavailable` and `databaseMoved` (503) and
/// `storageError` (500).
struct ServerError: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    /// Headers the answer carries besides its body's, such as `WWW-Authenticate` or `Allow`.
    var headers = HTTPFields()

    static let unauthorized = ServerError(
        status: .unauthorized, code: "unauthorized", message: "a bearer token is needed, in the Authorization header",
        headers: [.wwwAuthenticate: "Bearer"])
    static let workspaceNotFound = ServerError(status: .notFound, code: "notFound", message: "no such workspace")

    static func invalidParameter(_ message: String) -> ServerError {
        ServerError(status: .badRequest, code: "invalidParameter", message: message)
    }
}

extension ServerError {
    /// What the server answers for `error`, thrown by a route or by the store.
    init(_ error: any Error) {
        switch error {
        case let error as ServerError:
            self = error
        case let error as SessionStoreError:
            self.init(status: Self.status(of: error), code: error.code, message: error.description)
        case let error as SQLiteError where error.resultCode == .busy || error.resultCode == .locked:
            self.init(status: .serviceUnavailable, code: "busy", message: "the store stayed busy past its timeout; try again")
        case let error as any TransientStoreError where error.isTransient:
            // What the backend said stays in the server's log.
            self.init(status: .serviceUnavailable, code: "unavailable", message: "the store could not be reached; try again")
        case let error as SQLiteError where error.extendedResultCode == .readOnlyDatabaseMoved:
            // Not transient: the open store is of a file that no longer has its name, so a health check must fail.
            self.init(
                status: .serviceUnavailable, code: "databaseMoved",
                message: "the database file was moved, replaced or deleted while the server ran; restart the server to open the file now at its path")
        case let error as SQLiteError:
            // SQLite's message and SQL stay in the server's log: they describe the store, not the request.
            self.init(status: .internalServerError, code: "storageError", message: "the store failed (SQLite \(error.resultCode.rawValue))")
        case let error as DecodingError:
            self.init(status: .badRequest, code: "invalidBody", message: Self.describe(error))
        case let error as HTTPParserError:
            // The head was read and routed; what broke is the body's framing, such as a chunk size that is no number.
            self.init(status: .badRequest, code: "invalidBody", message: "the request body is not valid HTTP/1.1: \(error)")
        case is NIOTooManyBytesError:
            self.init(status: .contentTooLarge, code: "bodyTooLarge", message: "the request body is over the server's limit")
        case let error as HTTPError where error.status == .contentTooLarge:
            self.init(status: .contentTooLarge, code: "bodyTooLarge", message: "the request body is over the server's limit")
        case let error as HTTPError where error.status == .notFound:
            self.init(status: .notFound, code: "notFound", message: "no such route")
        case let error as HTTPError:
            self.init(status: error.status, code: "httpError", message: error.body ?? error.status.reasonPhrase)
        default:
            self.init(status: .internalServerError, code: "internalError", message: "the server failed")
        }
    }

    private static func status(of error: SessionStoreError) -> HTTPResponse.Status {
        switch error {
        case .invalidIdentifier, .invalidUsage, .unsupportedCharacter, .invalidPageSize, .invalidCursor, .invalidSearchQuery: .badRequest
        case .valueTooLarge: .contentTooLarge
        case .sessionNotFound, .parentNotFound, .messageNotInSession, .messageNotFound: .notFound
        case .messageIdConflict, .parentCycle, .staleCursor, .unknownChangeSequence, .streamEnded, .backupDestinationExists: .conflict
        case .changesTrimmed: .gone
        case .schemaTooNew, .migrationModified, .migrationBrokeForeignKeys, .migrationRequired: .serviceUnavailable
        case .corruptValue, .managerNotInitialized: .internalServerError
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        let (context, what): (DecodingError.Context, String) =
            switch error {
            case .typeMismatch(_, let context): (context, "has the wrong type")
            case .valueNotFound(_, let context): (context, "is missing")
            case .keyNotFound(let key, let context): (context, "lacks \(key.stringValue)")
            case .dataCorrupted(let context): (context, "is not valid")
            @unknown default: (DecodingError.Context(codingPath: [], debugDescription: ""), "is not valid")
            }
        let path = context.codingPath.jsonPath
        if path.isEmpty, case .dataCorrupted = error {
            // Foundation words every failure of its parser alike, also for valid JSON it cannot convert.
            return "the body is not JSON the server can read: malformed, a number out of range, or a broken \\u escape"
        }
        return path.isEmpty ? "the body \(what): it must be a JSON object" : "the body's \(path) \(what)"
    }
}

extension ServerError: HTTPResponseError {
    func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONBody.response(ErrorBody(error: .init(code: code, message: message)), status: status, headers: headers)
    }
}

/// `{"error": {"code", "message"}}`.
struct ErrorBody: Codable {
    struct Detail: Codable {
        var code: String
        var message: String
    }
    var error: Detail
}

/// Turns every error a route throws into its JSON answer, and logs what the client is not told.
struct ErrorMiddleware: RouterMiddleware {
    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let answer = ServerError(error)
            if answer.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            return try answer.response(from: request, context: context)
        }
    }
}
