import Foundation
import HTTPTypes
import SessionStore
import Testing

@testable import SessionStoreServer

/// Bearer tokens: who may use which workspace, and what the others are told.
@Suite struct AuthenticationTests {
    static let tokens = """
        # token                          workspaces
        alpha-token-0123456789abcdef     ws-a,ws-b
        root-token-0123456789abcdef      *
        """

    @Test func aTokenReachesItsWorkspacesOnlyAndOthersLookLikeNothingIsThere() async throws {
        let server = try await LiveServer(tokens: Self.tokens)
        let hidden = try await server.store.createSession(workspaceId: "ws-c", title: "secret")
        try await server.run { client in
            let none = try await client.send(.get, "/v1/workspaces/ws-a/sessions")
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate] == "Bearer")
            #expect(try client.decode(RefusalBody.self, none).error.code == "unauthorized")
            #expect(try await client.send(.get, "/v1/workspaces/ws-a/sessions", token: "wrong").status == .unauthorized)
            #expect(try await client.send(.get, "/v1/workspaces/ws-a/sessions", token: "alpha-token-0123456789abcde").status == .unauthorized)

            let alpha = client.with(token: "alpha-token-0123456789abcdef")
            #expect(try await alpha.send(.get, "/v1/workspaces/ws-a/sessions").status == .ok)
            #expect(try await alpha.send(.post, "/v1/workspaces/ws-b/sessions", json: "{}").status == .created)
            // Another workspace, existing or not, by path or by an id that belongs to it: 404, the same body.
            let existing = try await alpha.send(.get, "/v1/workspaces/ws-c/sessions/\(hidden.id)")
            let missing = try await alpha.send(.get, "/v1/workspaces/ws-z/sessions/\(hidden.id)")
            #expect(existing.status == .notFound)
            #expect(existing.text == missing.text)
            #expect(try await alpha.send(.post, "/v1/workspaces/ws-c/sessions", json: "{}").status == .notFound)
            let borrowed = try await alpha.send(.post, "/v1/workspaces/ws-a/sessions", json: #"{"parentId": "\#(hidden.id)"}"#)
            #expect(borrowed.status == .notFound)
            #expect(try await alpha.send(.get, "/v1/workspaces/ws-a/sessions/\(hidden.id)").status == .notFound)

            let root = client.with(token: "root-token-0123456789abcdef")
            #expect(try client.decode(Session.self, try await root.send(.get, "/v1/workspaces/ws-c/sessions/\(hidden.id)")).title == "secret")
            #expect(try await client.send(.get, "/health").status == .ok, "health needs no token")
            // A token's workspace is matched as the store names it, not as the path spells it.
            #expect(try await alpha.send(.get, "/v1/workspaces/ws-%61/sessions").status == .ok)
            #expect(try await alpha.send(.get, "/v1/workspaces/ws%2Da/sessions").status == .ok)
            #expect(try await alpha.send(.get, "/v1/workspaces/ws-%63/sessions/\(hidden.id)").status == .notFound)
        }
        #expect(try await server.store.listSessions(workspaceId: "ws-c").count == 1)
    }

    @Test func tokensAreComparedWholeAndReloadKeepsTheOldOnAnError() throws {
        #expect(AccessTokens.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!AccessTokens.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        #expect(!AccessTokens.constantTimeEqual(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!AccessTokens.constantTimeEqual([], Array("a".utf8)))

        let path = NSTemporaryDirectory() + "tokens-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "one ws-1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let tokens = try AccessTokens(path: path)
        #expect(tokens.access(for: "one")?.allows("ws-1") == true)
        try "two *\n".write(toFile: path, atomically: true, encoding: .utf8)
        try tokens.reload()
        #expect(tokens.access(for: "one") == nil)
        #expect(tokens.access(for: "two")?.allows("anything") == true)
        try "two\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: AccessTokens.FileError.self) { try tokens.reload() }
        #expect(tokens.access(for: "two")?.allows("anything") == true, "a broken file leaves the tokens in use")
        try "# nothing\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: AccessTokens.FileError.self) { try AccessTokens(path: path) }
    }

    @Test func aTokensFileWithWindowsLineEndingsOrAByteOrderMarkReadsAsItsLines() throws {
        let path = NSTemporaryDirectory() + "tokens-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        for text in ["# token workspaces\r\none ws-1,ws-2\r\ntwo *\r\n", "\u{FEFF}one ws-1,ws-2\ntwo *\n"] {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let tokens = try AccessTokens(path: path)
            #expect(tokens.access(for: "one")?.allows("ws-2") == true)
            #expect(tokens.access(for: "one")?.allows("ws-3") == false)
            #expect(tokens.access(for: "two")?.allows("anything") == true)
        }
    }
}
