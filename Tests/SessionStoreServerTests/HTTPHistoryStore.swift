import Foundation
import HTTPTypes
import HistorySupport
import HummingbirdTesting
import SessionStore

/// A random history's calls made through the server's routes, as a TypeScript client of the documented API
/// makes them; a 404 is the library's nil, false or empty list.
struct HTTPHistoryStore: HistoryStore {
    /// A status the route does not answer for this call.
    struct UnexpectedAnswer: Error, CustomStringConvertible {
        let description: String
    }

    let client: LiveServer.Client

    private func base(_ workspaceId: String) -> String { "/v1/workspaces/\(workspaceId)" }

    /// The call's answer decoded as `type`, or nil for a 404; any other status but `expected` is an error.
    private func call<T: Decodable>(
        _ method: HTTPRequest.Method, _ uri: String, body: [String: String?]? = nil, expecting expected: HTTPResponse.Status = .ok,
        as type: T.Type
    ) async throws -> T? {
        let json = try body.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let response = try await client.send(method, uri, json: json)
        if response.status == .notFound { return nil }
        guard response.status == expected else {
            throw UnexpectedAnswer(description: "\(method) \(uri) answered \(response.status): \(response.text)")
        }
        return try client.decode(type, response)
    }

    /// The call's answer as `type`, which a 404 must not be.
    private func found<T: Decodable>(
        _ method: HTTPRequest.Method, _ uri: String, body: [String: String?]? = nil, expecting expected: HTTPResponse.Status = .ok,
        as type: T.Type
    ) async throws -> T {
        guard let answer = try await call(method, uri, body: body, expecting: expected, as: type) else {
            throw UnexpectedAnswer(description: "\(method) \(uri) answered 404")
        }
        return answer
    }

    /// Whether the call found what it names: its status `expected`, or 404.
    private func succeeded(_ method: HTTPRequest.Method, _ uri: String, expecting expected: HTTPResponse.Status) async throws -> Bool {
        let response = try await client.send(method, uri)
        guard response.status == expected || response.status == .notFound else {
            throw UnexpectedAnswer(description: "\(method) \(uri) answered \(response.status): \(response.text)")
        }
        return response.status == expected
    }

    func createSession(workspaceId: String, title: String, parentId: String?) async throws -> Session {
        var body: [String: String?] = ["title": title]
        if let parentId {
            body["parentId"] = parentId
        }
        return try await found(.post, "\(base(workspaceId))/sessions", body: body, expecting: .created, as: Session.self)
    }

    func addMessage(workspaceId: String, sessionId: String, content: String) async throws -> SessionMessage {
        try await found(
            .post, "\(base(workspaceId))/sessions/\(sessionId)/messages", body: ["role": "user", "content": content] as [String: String?],
            expecting: .created, as: SessionMessage.self)
    }

    func updateSession(workspaceId: String, sessionId: String, title: String, parentId: String?, clearingRevert: Bool) async throws -> Session? {
        var body: [String: String?] = ["title": title, "parentId": parentId]
        if clearingRevert {
            body["revert"] = .some(nil)
        }
        return try await call(.patch, "\(base(workspaceId))/sessions/\(sessionId)", body: body, as: Session.self)
    }

    func forkSession(workspaceId: String, sessionId: String, messageId: String?) async throws -> Session {
        try await found(
            .post, "\(base(workspaceId))/sessions/\(sessionId)/fork", body: messageId.map { ["messageId": $0] as [String: String?] }, expecting: .created,
            as: Session.self)
    }

    func revert(workspaceId: String, sessionId: String, messageId: String?) async throws -> Session {
        try await found(.post, "\(base(workspaceId))/sessions/\(sessionId)/revert", body: messageId.map { ["messageId": $0] as [String: String?] }, as: Session.self)
    }

    func unrevert(workspaceId: String, sessionId: String) async throws -> Session {
        try await found(.post, "\(base(workspaceId))/sessions/\(sessionId)/unrevert", as: Session.self)
    }

    func updateMessage(workspaceId: String, messageId: String, content: String) async throws -> SessionMessage? {
        try await call(.patch, "\(base(workspaceId))/messages/\(messageId)", body: ["content": content] as [String: String?], as: SessionMessage.self)
    }

    func deleteSession(workspaceId: String, sessionId: String) async throws -> Bool {
        try await succeeded(.delete, "\(base(workspaceId))/sessions/\(sessionId)", expecting: .noContent)
    }

    func trashSession(workspaceId: String, sessionId: String) async throws -> Bool {
        try await succeeded(.post, "\(base(workspaceId))/sessions/\(sessionId)/trash", expecting: .noContent)
    }

    func restoreSession(workspaceId: String, sessionId: String) async throws -> Session? {
        try await call(.post, "\(base(workspaceId))/sessions/\(sessionId)/restore", as: Session.self)
    }

    func emptyTrash(workspaceId: String) async throws -> Int {
        let answer = try await found(.delete, "\(base(workspaceId))/trash?olderThan=\(Int64.max)", as: [String: Int].self)
        return answer["deleted"] ?? -1
    }

    func listSessions(workspaceId: String) async throws -> [Session] {
        try await found(.get, "\(base(workspaceId))/sessions", as: [Session].self)
    }

    func getActiveSessionCount(workspaceId: String) async throws -> Int {
        try await found(.get, "\(base(workspaceId))/session-count", as: [String: Int].self)["count"] ?? -1
    }

    func listTrash(workspaceId: String) async throws -> [TrashedSession] {
        try await found(.get, "\(base(workspaceId))/trash", as: [TrashedSession].self)
    }

    func getSession(workspaceId: String, sessionId: String) async throws -> Session? {
        try await call(.get, "\(base(workspaceId))/sessions/\(sessionId)", as: Session.self)
    }

    func getSessionMessages(workspaceId: String, sessionId: String) async throws -> [SessionMessage] {
        try await found(.get, "\(base(workspaceId))/sessions/\(sessionId)/messages", as: [SessionMessage].self)
    }

    func getSessionMessages(workspaceId: String, sessionId: String, page: PageRequest) async throws -> Page<SessionMessage> {
        let anchor = switch page.anchor {
        case .first: ""
        case .last: "&last=true"
        case .after(let cursor): "&after=\(cursor)"
        case .before(let cursor): "&before=\(cursor)"
        }
        return try await found(
            .get, "\(base(workspaceId))/sessions/\(sessionId)/messages?limit=\(page.limit)\(anchor)", as: Page<SessionMessage>.self)
    }

    func searchMessages(workspaceId: String, query: String) async throws -> [MessageSearchHit] {
        try await found(.get, "\(base(workspaceId))/search/messages?q=\(query)", as: Page<MessageSearchHit>.self).items
    }
}
