import Foundation
import HTTPTypes
import PostgresTestSupport
import SessionStore
import SessionStorePostgres
import Testing
import TestSupport

/// A store that cannot be reached is the server's temporary state, not its failure: 503 `unavailable`, which
/// clients and load balancers retry, and the server answers as before once the store is back.
// The limit turns a hang into a failure; a loaded run under the thread sanitizer, making its cluster, took over 3 minutes.
@Suite(.timeLimit(.minutes(10))) struct StoreOutageTests {
    @Test(.enabled(if: PostgresTestServer.isAvailable))
    func aPostgreSQLServerThatIsDownIsAnsweredAsUnavailableUntilItIsBack() async throws {
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

    /// A file replaced under a running server is not the one it serves: the server says so, also as a failed
    /// health check, instead of a storage failure.
    @Test func aDatabaseFileReplacedUnderTheServerIsAnsweredAsMoved() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("served.sqlite")
        let store = try await SessionRepository(path: path)
        let server = try LiveServer(serving: store)
        try await server.run { client in
            let session = try client.decode(Session.self, try await client.send(.post, "/v1/workspaces/w/sessions", json: "{}"))
            let other = try await SessionRepository(path: directory.file("other.sqlite"))
            await other.close()
            #expect(rename(directory.file("other.sqlite"), path) == 0)
            for (method, path, body) in [
                (.get, "/health", nil),
                (.post, "/v1/workspaces/w/sessions/\(session.id)/messages", #"{"role": "user", "content": "hi"}"#),
            ] as [(HTTPRequest.Method, String, String?)] {
                let response = try await client.send(method, path, json: body)
                #expect(response.status == .serviceUnavailable, "\(method) \(path)")
                let refusal = try client.decode(RefusalBody.self, response).error
                #expect(refusal.code == "databaseMoved", "\(method) \(path): \(response.text)")
                #expect(refusal.message.contains("restart"), "\(refusal.message)")
            }
        }
        await store.close()
    }
}
