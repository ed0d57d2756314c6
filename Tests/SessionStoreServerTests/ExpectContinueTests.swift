import SessionStore
import Testing

/// A client that sends `Expect: 100-continue` (curl does, for uploads and bodies over 1 KiB) is told to go on at
/// once, and never in the middle of another response.
@Suite struct ExpectContinueTests {
    @Test func anUploadThatExpectsToContinueIsToldToAtOnce() async throws {
        let server = try await LiveServer()
        try await server.run { client in
            let session = try client.decode(Session.self, try await client.send(.post, "/v1/workspaces/w/sessions", json: "{}"))
            let body = #"{"role": "user", "content": "Why does login fail?"}"#
            try await RawConnection.with(port: client.port) { connection in
                try await connection.write("""
                    POST /v1/workspaces/w/sessions/\(session.id)/messages HTTP/1.1\r
                    Host: 127.0.0.1\r
                    Content-Type: application/json\r
                    Content-Length: \(body.utf8.count)\r
                    Expect: 100-continue\r
                    \r\n
                    """)
                let goAhead = try await connection.read { $0.contains("\r\n\r\n") }
                #expect(goAhead == "HTTP/1.1 100 Continue\r\n\r\n")
                try await connection.write(body)
                let answer = try await connection.read { $0.contains("Why does login fail?") }
                #expect(answer.hasPrefix("HTTP/1.1 201 Created\r\n"), "\(answer)")
            }
            let messages = try await server.store.getSessionMessages(workspaceId: "w", sessionId: session.id)
            #expect(messages.map(\.content) == ["Why does login fail?"])
        }
    }

    @Test func aPipelinedRequestIsToldToContinueOnlyAfterTheResponseBeforeIt() async throws {
        let server = try await LiveServer()
        try await server.run { client in
            try await RawConnection.with(port: client.port) { connection in
                try await connection.write("""
                    GET /v1/workspaces/w/sessions HTTP/1.1\r
                    Host: 127.0.0.1\r
                    \r
                    POST /v1/workspaces/w/sessions HTTP/1.1\r
                    Host: 127.0.0.1\r
                    Content-Length: 2\r
                    Expect: 100-continue\r
                    \r\n
                    """)
                let text = try await connection.read { $0.hasSuffix("HTTP/1.1 100 Continue\r\n\r\n") }
                let responses = text.components(separatedBy: "HTTP/1.1 ")
                #expect(responses.count == 3, "\(text)")
                #expect(responses.dropFirst().first?.hasPrefix("200 OK\r\n") == true)
                #expect(responses.dropFirst().first?.hasSuffix("\r\n\r\n[]") == true, "the list answered whole first")
                try await connection.write("{}")
                let created = try await connection.read { $0.contains("\"id\"") }
                #expect(created.hasPrefix("HTTP/1.1 201 Created\r\n"), "\(created)")
            }
        }
    }
}
