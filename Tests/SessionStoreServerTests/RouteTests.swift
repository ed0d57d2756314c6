import Foundation
import HTTPTypes
import HummingbirdTesting
import SessionStore
import Logging
import Metrics
import Prometheus
import SessionStoreServer
import Testing

/// Every route of the manager API over real HTTP on loopback: statuses and bodies.
@Suite struct RouteTests {
    let base = "/v1/workspaces/ws-1"

    @Test(arguments: LiveServer.Backend.available)
    func sessionsAndMessagesGoThroughEveryRoute(backend: LiveServer.Backend) async throws {
        let server = try await LiveServer(backend: backend)
        try await server.run { client in
            let created = try await client.send(.post, "\(base)/sessions", json: #"{"title": "Fix login", "agent": "build"}"#)
            #expect(created.status == .created)
            let session = try client.decode(Session.self, created)
            #expect(session.title == "Fix login")
            #expect(session.agent == "build")

            let first = try await client.send(.post, "\(base)/sessions/\(session.id)/messages", json: #"{"role": "user", "content": "Why?"}"#)
            #expect(first.status == .created)
            let message = try client.decode(SessionMessage.self, first)
            let answer = try client.decode(SessionMessage.self, try await client.send(
                .post, "\(base)/sessions/\(session.id)/messages",
                json: #"{"role": "assistant", "content": "Because", "usage": {"inputTokens": 3, "outputTokens": 4, "reasoningTokens": 0, "cacheReadTokens": 0, "cacheWriteTokens": 0, "cost": 0.5}}"#))
            let all = try client.decode([SessionMessage].self, try await client.send(.get, "\(base)/sessions/\(session.id)/messages"))
            #expect(all.map(\.id) == [message.id, answer.id])
            let last = try client.decode(Page<SessionMessage>.self, try await client.send(.get, "\(base)/sessions/\(session.id)/messages?limit=1&last=true"))
            #expect(last.items.map(\.id) == [answer.id])
            let before = try #require(last.before)
            let earlier = try client.decode(
                Page<SessionMessage>.self, try await client.send(.get, "\(base)/sessions/\(session.id)/messages?limit=1&before=\(before)"))
            #expect(earlier.items.map(\.id) == [message.id])

            let updated = try await client.send(.patch, "\(base)/messages/\(answer.id)", json: #"{"content": "Because of the cookie", "status": "completed"}"#)
            #expect(try client.decode(SessionMessage.self, updated).content == "Because of the cookie")
            let usage = try client.decode(Usage.self, try await client.send(.get, "\(base)/sessions/\(session.id)/usage"))
            #expect(usage.outputTokens == 4)

            let renamed = try await client.send(.patch, "\(base)/sessions/\(session.id)", json: #"{"title": "Login", "agent": null}"#)
            let renamedSession = try client.decode(Session.self, renamed)
            #expect(renamedSession.title == "Login")
            #expect(renamedSession.agent == nil, "null clears")
            #expect(try client.decode(Session.self, try await client.send(.get, "\(base)/sessions/\(session.id)")).title == "Login")
            #expect(try client.decode([Session].self, try await client.send(.get, "\(base)/sessions")).map(\.id) == [session.id])

            let fork = try client.decode(Session.self, try await client.send(
                .post, "\(base)/sessions/\(session.id)/fork", json: #"{"messageId": "\#(message.id)"}"#))
            #expect(fork.messageIds == [message.id])
            let tree = try client.decode(SessionTreeNode.self, try await client.send(.get, "\(base)/sessions/\(fork.id)/tree"))
            #expect(tree.children.map(\.id) == [fork.id])
            let reverted = try client.decode(Session.self, try await client.send(.post, "\(base)/sessions/\(session.id)/revert"))
            #expect(reverted.messageIds == [message.id])
            let unreverted = try client.decode(Session.self, try await client.send(.post, "\(base)/sessions/\(session.id)/unrevert"))
            #expect(unreverted.messageIds == [message.id, answer.id])

            let summaries = try client.decode(Page<SessionSummary>.self, try await client.send(.get, "\(base)/session-summaries?limit=10"))
            #expect(Set(summaries.items.map(\.id)) == [session.id, fork.id])
            let count = try client.decode([String: Int].self, try await client.send(.get, "\(base)/session-count"))
            #expect(count == ["count": 2])
            let hits = try client.decode(Page<MessageSearchHit>.self, try await client.send(.get, "\(base)/search/messages?q=cookie"))
            #expect(hits.items.map(\.messageId) == [answer.id])
            let titles = try client.decode(Page<SessionSearchHit>.self, try await client.send(.get, "\(base)/search/sessions?q=log"))
            #expect(titles.items.map(\.sessionId).contains(session.id))

            #expect(try await client.send(.post, "\(base)/sessions/\(fork.id)/trash").status == .noContent)
            #expect(try await client.send(.get, "\(base)/sessions/\(fork.id)").status == .notFound)
            let trash = try client.decode([TrashedSession].self, try await client.send(.get, "\(base)/trash"))
            #expect(trash.map(\.session.id) == [fork.id])
            #expect(try await client.send(.post, "\(base)/sessions/\(fork.id)/restore").status == .ok)
            #expect(try await client.send(.post, "\(base)/sessions/\(fork.id)/trash").status == .noContent)
            // The largest cutoff a client can send: it once trapped converting to milliseconds, ending the server.
            let everything = try await client.send(.delete, "\(base)/trash?olderThan=\(Int64.max)")
            #expect(try client.decode([String: Int].self, everything) == ["deleted": 1])
            #expect(try await client.send(.delete, "\(base)/sessions/\(fork.id)").status == .notFound)
            #expect(try await client.send(.delete, "\(base)/sessions/\(session.id)").status == .noContent)
            let emptied = try client.decode([String: Int].self, try await client.send(.delete, "\(base)/trash?olderThan=0"))
            #expect(emptied == ["deleted": 0])

            let latest = try client.decode([String: Int64].self, try await client.send(.get, "\(base)/changes/latest"))
            #expect((latest["sequence"] ?? 0) > 10)
            #expect(try await client.send(.post, "\(base)/changes/trim").status == .ok)
            #expect(try await client.send(.get, "/health").status == .ok)
        }
    }

    @Test func refusalsAreJSONWithTheirStatusAndChangeNothing() async throws {
        let server = try await LiveServer()
        try await server.run { client in
            let session = try client.decode(Session.self, try await client.send(.post, "\(base)/sessions", json: "{}"))
            let messages = "\(base)/sessions/\(session.id)/messages"
            let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status, String)] = [
                (.post, messages, "{not json", .badRequest, "invalidBody"),
                (.post, messages, #"{"role": 7}"#, .badRequest, "invalidBody"),
                (.post, messages, #"{"role": "wizard"}"#, .badRequest, "invalidBody"),
                (.post, messages, #"[1, 2]"#, .badRequest, "invalidBody"),
                (.post, messages, #"{"role": "user", "content": "x\ud800"}"#, .badRequest, "invalidBody"),
                (.post, messages, Self.withUsage(inputTokens: "100000000000000000000"), .badRequest, "invalidBody"),
                (.post, messages, Self.withUsage(inputTokens: "-1"), .badRequest, "invalidUsage"),
                (.post, messages, Self.withUsage(inputTokens: "9223372036854775807"), .badRequest, "invalidUsage"),
                (.post, "\(base)/sessions/nope/messages", #"{"role": "user"}"#, .notFound, "sessionNotFound"),
                (.get, "\(base)/sessions/nope", nil, .notFound, "sessionNotFound"),
                (.get, "\(base)/sessions/\(String(repeating: "x", count: 200))", nil, .badRequest, "invalidIdentifier"),
                (.get, "/v1/workspaces/\(String(repeating: "w", count: 200))/sessions", nil, .badRequest, "invalidIdentifier"),
                (.get, "\(base)/sessions/\(session.id)/messages?limit=0", nil, .badRequest, "invalidPageSize"),
                (.get, "\(base)/sessions/\(session.id)/messages?limit=ten", nil, .badRequest, "invalidParameter"),
                (.get, "\(base)/sessions/\(session.id)/messages?after=garbage", nil, .badRequest, "invalidCursor"),
                (.get, "\(base)/sessions/\(session.id)/messages?after=a&before=b", nil, .badRequest, "invalidParameter"),
                (.get, "\(base)/sessions/\(session.id)/messages?limit=5&last=yes", nil, .badRequest, "invalidParameter"),
                (.get, "\(base)/sessions/\(session.id)/messages?limit=1&limit=2", nil, .badRequest, "invalidParameter"),
                (.get, "\(base)/search/messages?q=a&q=b", nil, .badRequest, "invalidParameter"),
                (.put, "\(base)/sessions/\(session.id)", #"{"title": "replaced"}"#, .methodNotAllowed, "methodNotAllowed"),
                (.delete, messages, nil, .methodNotAllowed, "methodNotAllowed"),
                (.get, "\(base)/changes?after=-1", nil, .badRequest, "invalidParameter"),
                (.get, "\(base)/search/messages", nil, .badRequest, "invalidParameter"),
                (.get, "\(base)/search/messages?q=%22%22", nil, .badRequest, "invalidSearchQuery"),
                (.post, "\(base)/sessions/\(session.id)/fork", #"{"messageId": "nope"}"#, .notFound, "messageNotInSession"),
                (.patch, "\(base)/messages/nope", #"{"content": "x"}"#, .notFound, "messageNotFound"),
                (.patch, "\(base)/sessions/\(session.id)", #"{"parentId": "\#(session.id)"}"#, .conflict, "parentCycle"),
                (.get, "/v1/nowhere", nil, .notFound, "notFound"),
                (.put, "/v1/nowhere", nil, .notFound, "notFound"),
            ]
            for (method, uri, body, status, code) in cases {
                let response = try await client.send(method, uri, json: body)
                #expect(response.status == status, "\(method) \(uri)")
                #expect((try? client.decode(RefusalBody.self, response))?.error.code == code, "\(method) \(uri): \(response.text)")
            }
            let unreadable = try await client.send(.post, messages, json: "{not json")
            #expect(
                try client.decode(RefusalBody.self, unreadable).error.message
                    == #"the body is not JSON the server can read: malformed, a number out of range, or a broken \u escape"#)
            // A refusal names the value, array elements by their index.
            let nested = try await client.send(.post, messages, json: #"{"role": "user", "toolCalls": [{"id": 1}]}"#)
            #expect(try client.decode(RefusalBody.self, nested).error.message == "the body's toolCalls[0].id has the wrong type")
            // Unknown fields are ignored.
            let added = try await client.send(.post, messages, json: #"{"role": "user", "content": "hi", "colour": "blue"}"#)
            #expect(added.status == .created)
            let conflict = try await client.send(.post, messages, json: #"{"id": "m-1", "role": "user", "content": "a"}"#)
            #expect(conflict.status == .created)
            let taken = try await client.send(.post, messages, json: #"{"id": "m-1", "role": "user", "content": "b"}"#)
            #expect(taken.status == .conflict)
            #expect(try client.decode(RefusalBody.self, taken).error.code == "messageIdConflict")
            #expect(try await server.store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id).count == 2)
            #expect(try await server.store.getSessionUsage(workspaceId: "ws-1", sessionId: session.id) == Usage())
        }
    }

    @Test func aPathAskedWithAnotherMethodIsTold405WithTheMethodsItAnswers() async throws {
        let server = try await LiveServer(tokens: "t-1 ws-1\n")
        try await server.run { client in
            let client = client.with(token: "t-1")
            let session = try client.decode(Session.self, try await client.send(.post, "\(base)/sessions", json: #"{"title": "kept"}"#))
            let put = try await client.send(.put, "\(base)/sessions/\(session.id)", json: #"{"title": "replaced"}"#)
            #expect(put.status == .methodNotAllowed)
            #expect(put.headers[.allow] == "DELETE, GET, HEAD, PATCH, OPTIONS")
            #expect(try client.decode(RefusalBody.self, put).error.message.hasPrefix("PUT is not a method of this path"))
            let options = try await client.send(.options, "\(base)/sessions/\(session.id)/fork")
            #expect(options.status == .noContent)
            #expect(options.headers[.allow] == "POST, OPTIONS")
            // The literal route beside a parameter's: /changes/trim is not /messages/{message}.
            #expect(try await client.send(.get, "\(base)/changes/trim").headers[.allow] == "POST, OPTIONS")
            #expect(try await client.send(.delete, "/health").headers[.allow] == "GET, HEAD, OPTIONS")
            #expect(try await client.send(.put, "\(base)/sessions/\(session.id)/nothing").status == .notFound)
            #expect(try await server.store.getSession(workspaceId: "ws-1", sessionId: session.id)?.title == "kept")
        }
    }

    @Test func percentEncodedPathsNameWhatTheLibraryNames() async throws {
        let server = try await LiveServer()
        let workspace = "my project/ü"
        let session = try await server.store.createSession(workspaceId: workspace, title: "spaced")
        let message = try await server.store.addMessage(
            workspaceId: workspace, sessionId: session.id, message: NewMessage(id: "m 1/ü", role: .user, content: "before"))
        try await server.run { client in
            let base = "/v1/workspaces/my%20project%2F%C3%BC"
            let found = try await client.send(.get, "\(base)/sessions/\(session.id)")
            #expect(found.status == .ok)
            #expect(try client.decode(Session.self, found).messageIds == [message.id])
            let patched = try await client.send(.patch, "\(base)/messages/m%201%2F%C3%BC", json: #"{"content": "after"}"#)
            #expect(patched.status == .ok, "\(patched.text)")
            let created = try await client.send(.post, "\(base)/sessions", json: "{}")
            #expect(created.status == .created)

            let malformed: [(HTTPRequest.Method, String)] = [
                (.get, "/v1/workspaces/ws%zz/sessions"), (.get, "\(base)/sessions/%C3"), (.patch, "\(base)/messages/%FF"),
            ]
            for (method, uri) in malformed {
                let refused = try await client.send(method, uri, json: #"{"content": "lost"}"#)
                #expect(refused.status == .badRequest, "\(uri)")
                #expect((try? client.decode(RefusalBody.self, refused))?.error.code == "invalidParameter", "\(uri): \(refused.text)")
            }
            let nul = try await client.send(.get, "/v1/workspaces/a%00b/sessions")
            #expect((try? client.decode(RefusalBody.self, nul))?.error.code == "invalidIdentifier", "\(nul.text)")
        }
        #expect(try await server.store.getSessionMessages(workspaceId: workspace, sessionId: session.id).map(\.content) == ["after"])
        #expect(try await server.store.listSessions(workspaceId: workspace).count == 2)
        #expect(try await server.store.listSessions(workspaceId: "my%20project%2F%C3%BC").isEmpty)
    }

    @Test func headAnswersAsGetDoesWithoutTheBody() async throws {
        let server = try await LiveServer(tokens: "head-token-0123456789abcdef ws-1")
        let session = try await server.store.createSession(workspaceId: "ws-1", title: "headed")
        let hidden = try await server.store.createSession(workspaceId: "ws-2", title: "hidden")
        try await server.run { base in
            let client = base.with(token: "head-token-0123456789abcdef")
            for uri in ["/health", "/openapi.json", "\(self.base)/sessions/\(session.id)", "\(self.base)/sessions"] {
                let get = try await client.send(.get, uri)
                let head = try await client.send(.head, uri)
                #expect(head.status == .ok, "\(uri)")
                #expect(head.headers[.contentLength] == get.headers[.contentLength], "\(uri)")
                #expect(head.body.readableBytes == 0, "\(uri)")
            }
            let feed = try await client.send(.head, "\(self.base)/changes")
            #expect(feed.status == .ok)
            #expect(feed.headers[.contentType] == "text/event-stream")
            #expect(try await client.send(.head, "\(self.base)/sessions/nope").status == .notFound)
            #expect(try await client.send(.head, "/v1/workspaces/ws-2/sessions/\(hidden.id)").status == .notFound)
            #expect(try await base.send(.head, "\(self.base)/sessions").status == .unauthorized)
        }
    }

    /// A message's body with a usage whose `inputTokens` is the JSON number `inputTokens`.
    private static func withUsage(inputTokens: String) -> String {
        """
        {"role": "assistant", "content": "a", "usage": {"inputTokens": \(inputTokens), "outputTokens": 0, "reasoningTokens": 0,
         "cacheReadTokens": 0, "cacheWriteTokens": 0, "cost": 0}}
        """
    }

    @Test func aBodyOverTheLimitIs413AndStoresNothing() async throws {
        let server = try await LiveServer { $0.bodyLimit = 1000 }
        try await server.run { client in
            let session = try client.decode(Session.self, try await client.send(.post, "\(base)/sessions", json: "{}"))
            let big = #"{"role": "user", "content": ""# + String(repeating: "x", count: 2000) + #""}"#
            let response = try await client.send(.post, "\(base)/sessions/\(session.id)/messages", json: big)
            #expect(response.status == .contentTooLarge)
            #expect(try client.decode(RefusalBody.self, response).error.code == "bodyTooLarge")
            #expect(try await server.store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id).isEmpty)
        }
    }

    @Test func withoutTokensOnlyLoopbackIsServed() async throws {
        let server = try await LiveServer { $0.host = "0.0.0.0" }
        #expect(throws: SessionStoreServer.SetupError.self) {
            _ = try SessionStoreServer.application(store: server.store, options: server.options, logger: .init(label: "test"))
        }
    }

    @Test(arguments: [70000, -1])
    func aPortOutsideTCPsRangeIsRefusedNotWrappedAround(port: Int) async throws {
        let server = try await LiveServer { $0.port = port }
        let error = #expect(throws: SessionStoreServer.SetupError.self) {
            _ = try SessionStoreServer.application(store: server.store, options: server.options, logger: .init(label: "test"))
        }
        #expect(error?.description == "port \(port) is not a TCP port (0 to 65535)")
    }
}

/// The metrics the test process sends to Prometheus: swift-metrics takes one bootstrap per process.
enum TestMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}

@Suite struct MetricsTests {
    @Test func metricsCountTheRequestsInPrometheusText() async throws {
        let server = try await LiveServer(store: Configuration(callObserver: StoreCallMetrics.record)) { $0.metrics = TestMetrics.registry }
        try await server.run { client in
            for _ in 0..<3 {
                #expect(try await client.send(.get, "/v1/workspaces/ws-1/sessions").status == .ok)
            }
            #expect(try await client.send(.get, "/v1/workspaces/ws-1/sessions/missing").status == .notFound)
            let metrics = try await client.send(.get, "/metrics")
            #expect(metrics.status == .ok)
            let lines = metrics.text.split(separator: "\n")
            let requests = lines.first {
                $0.hasPrefix("hb_requests") && $0.contains("/v1/workspaces/{workspace}/sessions\"") && $0.contains("GET")
            }
            #expect(requests.map { $0.hasSuffix(" 3") } == true, "\(metrics.text)")
            #expect(metrics.text.contains("http_server_request_duration"))
            // Each store call's duration, by operation and outcome: the histogram's count is the number of calls.
            let listed = lines.first {
                $0.hasPrefix("session_store_call_duration_count") && $0.contains(#"operation="listSessions""#) && $0.contains(#"outcome="ok""#)
            }
            #expect(listed.map { $0.hasSuffix(" 3") } == true, "\(metrics.text)")
            #expect(lines.contains { $0.hasPrefix("session_store_call_duration_count") && $0.contains(#"operation="getSession""#) })
        }
        let off = try await LiveServer()
        let status = try await off.run { client in try await client.send(.get, "/metrics").status }
        #expect(status == .notFound)
    }
}
