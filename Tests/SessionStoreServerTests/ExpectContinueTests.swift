import NIOCore
import NIOPosix
import SessionStore
import Testing

/// A client that sends `Expect: 100-continue` (curl does, for uploads and bodies over 1 KiB) is told to go on at
/// once, and never in the middle of another response.
@Suite struct ExpectContinueTests {
    typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// A raw connection to the server, to see every byte it sends, 100 Continue included.
    func connect(port: Int) async throws -> Connection {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture { try Connection(wrappingChannelSynchronously: channel) }
        }
    }

    /// What the server sends next, read until `done` holds of it; what came when the connection closed, which a
    /// watchdog does after five seconds (a server that never answers would otherwise hold the test forever).
    func read(
        _ inbound: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, on connection: Connection,
        until done: (String) -> Bool
    ) async throws -> String {
        let watchdog = Task { [channel = connection.channel] in
            try await Task.sleep(for: .seconds(5))
            try await channel.close()
        }
        defer { watchdog.cancel() }
        var text = ""
        while !done(text), let buffer = try await inbound.next() {
            text += String(buffer: buffer)
        }
        return text
    }

    @Test func anUploadThatExpectsToContinueIsToldToAtOnce() async throws {
        let server = try await LiveServer()
        try await server.run { client in
            let session = try client.decode(Session.self, try await client.send(.post, "/v1/workspaces/w/sessions", json: "{}"))
            let body = #"{"role": "user", "content": "Why does login fail?"}"#
            let connection = try await connect(port: client.port)
            try await connection.executeThenClose { stream, outbound in
                var inbound = stream.makeAsyncIterator()
                try await outbound.write(ByteBuffer(string: """
                    POST /v1/workspaces/w/sessions/\(session.id)/messages HTTP/1.1\r
                    Host: 127.0.0.1\r
                    Content-Type: application/json\r
                    Content-Length: \(body.utf8.count)\r
                    Expect: 100-continue\r
                    \r\n
                    """))
                let goAhead = try await read(&inbound, on: connection) { $0.contains("\r\n\r\n") }
                #expect(goAhead == "HTTP/1.1 100 Continue\r\n\r\n")
                try await outbound.write(ByteBuffer(string: body))
                let answer = try await read(&inbound, on: connection) { $0.contains("Why does login fail?") }
                #expect(answer.hasPrefix("HTTP/1.1 201 Created\r\n"), "\(answer)")
            }
            let messages = try await server.store.getSessionMessages(workspaceId: "w", sessionId: session.id)
            #expect(messages.map(\.content) == ["Why does login fail?"])
        }
    }

    @Test func aPipelinedRequestIsToldToContinueOnlyAfterTheResponseBeforeIt() async throws {
        let server = try await LiveServer()
        try await server.run { client in
            let connection = try await connect(port: client.port)
            try await connection.executeThenClose { stream, outbound in
                var inbound = stream.makeAsyncIterator()
                try await outbound.write(ByteBuffer(string: """
                    GET /v1/workspaces/w/sessions HTTP/1.1\r
                    Host: 127.0.0.1\r
                    \r
                    POST /v1/workspaces/w/sessions HTTP/1.1\r
                    Host: 127.0.0.1\r
                    Content-Length: 2\r
                    Expect: 100-continue\r
                    \r\n
                    """))
                let text = try await read(&inbound, on: connection) { $0.hasSuffix("HTTP/1.1 100 Continue\r\n\r\n") }
                let responses = text.components(separatedBy: "HTTP/1.1 ")
                #expect(responses.count == 3, "\(text)")
                #expect(responses.dropFirst().first?.hasPrefix("200 OK\r\n") == true)
                #expect(responses.dropFirst().first?.hasSuffix("\r\n\r\n[]") == true, "the list answered whole first")
                try await outbound.write(ByteBuffer(string: "{}"))
                let created = try await read(&inbound, on: connection) { $0.contains("\"id\"") }
                #expect(created.hasPrefix("HTTP/1.1 201 Created\r\n"), "\(created)")
            }
        }
    }
}
