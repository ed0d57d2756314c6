import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import SessionStore
import SessionStoreSQLite
import Testing

/// The change feed as server-sent events, and a reply streamed in as a request body, through a real client.
@Suite struct FeedAndStreamTests {
    let base = "/v1/workspaces/ws-1"

    /// The ids of the `change` events the feed sends, read until `count` have come; the client then disconnects.
    static func follow(
        port: Int, path: String, lastEventId: Int64?, count: Int, sawKeepAlive: (@Sendable () -> Void)? = nil
    ) async throws -> [Int64] {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        if let lastEventId { request.headers.add(name: "Last-Event-ID", value: "\(lastEventId)") }
        // The deadline covers the body too: a feed that stops short of `count` fails the test instead of holding it.
        let response = try await HTTPClient.shared.execute(request, deadline: .now() + .seconds(60))
        #expect(response.status == .ok)
        #expect(response.headers.first(name: "content-type") == "text/event-stream")
        var text = ""
        var ids: [Int64] = []
        for try await buffer in response.body {
            text += String(buffer: buffer)
            while let end = text.range(of: "\n\n") {
                let event = text[..<end.lowerBound]
                text = String(text[end.upperBound...])
                if event.hasPrefix(": keep-alive") { sawKeepAlive?() }
                if let line = event.split(separator: "\n").first(where: { $0.hasPrefix("id: ") }), let id = Int64(line.dropFirst(4)) {
                    ids.append(id)
                }
            }
            if ids.count >= count { break }
        }
        return ids
    }

    @Test func aFollowerThatReconnectsWithLastEventIdGetsTheRestExactlyOnce() async throws {
        let server = try await LiveServer()
        let session = try await server.store.createSession(workspaceId: "ws-1")
        for index in 0..<9 {
            _ = try await server.store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "m\(index)"))
        }
        try await server.run { client in
            let firstPart = try await Self.follow(port: client.port, path: "\(base)/changes?after=0", lastEventId: nil, count: 4)
            #expect(firstPart == [1, 2, 3, 4])
            // Changes made while the client is away, and after it is back.
            let resumed = Task { try await Self.follow(port: client.port, path: "\(base)/changes", lastEventId: 4, count: 7) }
            try await Task.sleep(for: .milliseconds(200))
            _ = try await server.store.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "late"))
            #expect(try await resumed.value == Array(5...11))
        }
    }

    @Test func anIdleFeedSendsKeepAlivesUntilAChangeComes() async throws {
        let server = try await LiveServer { $0.keepAliveInterval = .milliseconds(50) }
        try await server.run { client in
            let keepAlives = Counter()
            let follower = Task {
                try await Self.follow(port: client.port, path: "\(base)/changes", lastEventId: nil, count: 1) { keepAlives.add() }
            }
            let deadline = ContinuousClock.now + .seconds(60)
            while keepAlives.value < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(keepAlives.value >= 2)
            _ = try await server.store.createSession(workspaceId: "ws-1")
            #expect(try await follower.value == [1])
        }
    }

    @Test func changesNoLongerKeptAre410BeforeAnyStreamStarts() async throws {
        var configuration = Configuration()
        configuration.changeRetention = ChangeRetention(maximumAge: nil, maximumCount: 2)
        let server = try await LiveServer(store: configuration)
        for index in 0..<6 {
            _ = try await server.store.createSession(workspaceId: "ws-1", title: "\(index)")
        }
        _ = try await server.store.trimChanges(workspaceId: "ws-1")
        try await server.run { client in
            let response = try await client.send(.get, "\(base)/changes?after=1")
            #expect(response.status == .gone)
            #expect(try client.decode(RefusalBody.self, response).error.code == "changesTrimmed")
            // Where the feed still has what comes next, it streams.
            #expect(try await Self.follow(port: client.port, path: "\(base)/changes", lastEventId: 4, count: 2) == [5, 6])
        }
    }

    /// EventSource reconnects with the same Last-Event-ID to a stream that ends with an error event, for ever; a
    /// status other than 200 stops it.
    @Test(arguments: LiveServer.Backend.available)
    func aLastEventIdPastTheNewestChangeIs409BeforeAnyStreamStarts(backend: LiveServer.Backend) async throws {
        let server = try await LiveServer(backend: backend)
        _ = try await server.store.createSession(workspaceId: "ws-1")
        try await server.run { client in
            let response = try await client.send(.get, "\(base)/changes", headers: [HTTPField.Name("Last-Event-ID")!: "40"])
            #expect(response.status == .conflict)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(try client.decode(RefusalBody.self, response).error.code == "unknownChangeSequence")
        }
    }

    @Test func aReplyStreamedAsARequestBodyIsStoredWholeAndReadableMeanwhile() async throws {
        let server = try await LiveServer()
        let session = try await server.store.createSession(workspaceId: "ws-1")
        try await server.run { client in
            // Four-byte characters and a flag cut between two pieces of the body.
            let text = "naïve 😀 🇫🇷 " + String(repeating: "streamed reply ", count: 500)
            let bytes = Array(text.utf8)
            let pieces = stride(from: 0, to: bytes.count, by: 7).map { ByteBuffer(bytes: bytes[$0..<min($0 + 7, bytes.count)]) }
            let (body, continuation) = AsyncStream<ByteBuffer>.makeStream()
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(client.port)\(base)/sessions/\(session.id)/messages/stream?role=assistant")
            request.method = .POST
            request.body = .stream(body, length: .unknown)
            let sent = Task { try await HTTPClient.shared.execute(request, timeout: .seconds(60)) }
            for piece in pieces.prefix(pieces.count / 2) { continuation.yield(piece) }
            // While the body arrives, readers see the reply as streaming.
            var seen: SessionMessage?
            for _ in 0..<200 {
                seen = try await server.store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id).first
                if seen?.content?.isEmpty == false { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(seen?.status == .streaming)
            #expect(text.hasPrefix(seen?.content ?? "-"))
            for piece in pieces.dropFirst(pieces.count / 2) { continuation.yield(piece) }
            continuation.finish()
            let response = try await sent.value
            #expect(response.status == .created)
            let stored = try JSONDecoder().decode(SessionMessage.self, from: Data(try await response.body.collect(upTo: 1 << 20).readableBytesView))
            #expect(stored.content == text)
            #expect(stored.status == .completed)
        }
    }
}

/// A count shared with a callback.
final class Counter: Sendable {
    private let count = Locked(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
