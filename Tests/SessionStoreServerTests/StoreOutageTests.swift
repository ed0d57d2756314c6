import HTTPTypes
import PostgresTestSupport
import SessionStore
import SessionStorePostgres
import Testing

/// A store that cannot be reached is the server's temporary state, not its failure: 503 `unavailable`, which
/// clients and load balancers retry, and the server answers as before once the store is back.
@Suite(.enabled(if: PostgresTestServer.isAvailable), .timeLimit(.minutes(3))) struct StoreOutageTests {
    @Test func aPostgreSQLServerThatIsDownIsAnsweredAsUnavailableUntilItIsBack() async throws {
        // Long enough for a loaded machine to open the store; each request below waits as long for a connection.
        let cluster = try await PostgresTestCluster(connectTimeout: 10)
        let store = try await PostgresRepository(url: cluster.url)
        let server = try LiveServer(serving: store)
        try await server.run { client in
            let session = try client.decode(Session.self, try await client.send(.post, "/v1/workspaces/w/sessions", json: "{}"))
            try await cluster.stop()
            for (method, path, body) in [
                (.get, "/health", nil),
                (.post, "/v1/workspaces/w/sessions/\(session.id)/messages", #"{"role": "user", "content": "hi"}"#),
                (.get, "/health", nil),
            ] as [(HTTPRequest.Method, String, String?)] {
                let response = try await client.send(method, path, json: body)
                #expect(response.status == .serviceUnavailable, "\(method) \(path)")
                #expect(try client.decode(RefusalBody.self, response).error.code == "unavailable", "\(method) \(path): \(response.text)")
            }
            try await cluster.restart()
            #expect(try await client.send(.get, "/health").status == .ok)
            let added = try await client.send(.post, "/v1/workspaces/w/sessions/\(session.id)/messages", json: #"{"role": "user", "content": "back"}"#)
            #expect(added.status == .created)
        }
        await store.close()
    }
}
