import SessionStore
import Testing

/// A request whose HTTP framing breaks after its head was read (a chunk size that is not a number) is refused as
/// bad input, 400, as any other malformed body is: it is the client's fault, never the server's 500.
@Suite struct MalformedRequestTests {
    static let brokenChunk = "ZZ\r\n{}\r\n0\r\n\r\n"

    @Test func aChunkedBodyWithABrokenChunkSizeIsRefusedAndCreatesNothing() async throws {
        let server = try await LiveServer()
        try await server.run { client in
            let answer = try await RawConnection.with(port: client.port) { connection in
                try await connection.write(
                    "POST /v1/workspaces/w/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" + Self.brokenChunk)
                return try await connection.read { $0.contains("}}") }
            }
            #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(answer)")
            #expect(answer.contains(#""code":"invalidBody""#), "\(answer)")
            #expect(try await server.store.listSessions(workspaceId: "w").isEmpty)
        }
    }

    @Test func aStreamedReplyWhoseFramingBreaksKeepsWhatCameBeforeAndEndsInError() async throws {
        let server = try await LiveServer()
        try await server.run { client in
            let session = try client.decode(Session.self, try await client.send(.post, "/v1/workspaces/w/sessions", json: "{}"))
            let answer = try await RawConnection.with(port: client.port) { connection in
                try await connection.write("""
                    POST /v1/workspaces/w/sessions/\(session.id)/messages/stream HTTP/1.1\r
                    Host: 127.0.0.1\r
                    Transfer-Encoding: chunked\r
                    \r
                    5\r
                    hello\r\n
                    """ + Self.brokenChunk)
                return try await connection.read { $0.contains("}}") }
            }
            #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(answer)")
            let messages = try await server.store.getSessionMessages(workspaceId: "w", sessionId: session.id)
            #expect(messages.map(\.content) == ["hello"])
            #expect(messages.map(\.status) == [.error])
        }
    }
}
