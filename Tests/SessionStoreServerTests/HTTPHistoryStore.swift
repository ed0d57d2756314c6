import Foundation
import HTTPTypes
import HistorySupport
import HummingbirdTesting
import SessionStore

/// A random history's calls made through the server's routes, as a TypeScript client of the documented API
/// makes them; a 404 is the library's nil, false or empty list.
struct HTTPHistoryStore: HistoryStore {
    /// An answer other than the call's success, with the error code of its body.
    struct UnexpectedAnswer: HistoryRefusal, CustomStringConvertible {
        let description: String
        let refusalCode: String

        init(_ method: HTTPRequest.Method, _ uri: String, _ response: TestResponse) {
            description = "\(method) \(uri) answered \(response.status): \(response.text)"
            refusalCode = (try? JSONDecoder().decode(RefusalBody.self, from: Data(response.body.readableBytesView)))?.error.code ?? "none"
        }
    }

    let client: LiveServer.Client

    private func base(_ workspaceId: String) -> String { "/v1/workspaces/\(workspaceId)" }

    /// The call's answer decoded as `type`, or nil for a 404; any other status but `expected` is an error.
    private func call<T: Decodable>(
        _ method: HTTPRequest.Method, _ uri: String, body: [String: String?]? = nil, expecting expected: HTTPResponse.Status = .ok,
        as type: T.Type
    ) async throws -> T? {
        let response = try await send(method, uri, body: body)
        if response.status == .notFound { return nil }
        guard response.status == expected else { throw UnexpectedAnswer(method, uri, response) }
        return try client.decode(type, response)
    }

    /// The call's answer as `type`; any other status but `expected`, a 404 too, is an error.
    private func found<T: Decodable>(
        _ method: HTTPRequest.Method, _ uri: String, body: [String: String?]? = nil, expecting expected: HTTPResponse.Status = .ok,
        as type: T.Type
    ) async throws -> T {
        let response = try await send(method, uri, body: body)
        guard response.status == expected else { throw UnexpectedAnswer(method, uri, response) }
        return try client.decode(type, response)
    }

    private func send(_ method: HTTPRequest.Method, _ uri: String, body: [String: String?]?) async throws -> TestResponse {
        let json = try body.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return try await client.send(method, uri, json: json)
    }

    /// Whether the call found what it names: its status `expected`, or 404.
    private func succeeded(_ method: HTTPRequest.Method, _ uri: String, expecting expected: HTTPResponse.Status) async throws -> Bool {
        let response = try await client.send(method, uri)
        guard response.status == expected || response.status == .notFound else { throw UnexpectedAnswer(method, uri, response) }
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
