import HistorySupport
import SessionStore
import Testing

/// The random histories of the conformance suite, made through the server's routes on each backend: what a
/// client of the HTTP API sees after every call is what the library's semantics say.
@Suite struct RandomHistoryOverHTTPTests {
    @Test(arguments: LiveServer.Backend.available)
    func everyCallThroughTheRoutesLeavesTheStoreAsTheReferenceSays(backend: LiveServer.Backend) async throws {
        let server = try await LiveServer(backend: backend)
        try await server.run { client in
            let store = HTTPHistoryStore(client: client)
            var history = RandomHistory(seed: 4)
            try await history.run(150, on: store)
            try await history.expectPagesAgree(store)
        }
        if let repository = server.store as? SessionRepository {
            #expect(try await repository.check() == [])
        }
        await server.store.close()
    }
}
