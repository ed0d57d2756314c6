import Foundation
import Hummingbird
import SessionStore
import Testing

@testable import SessionStoreServer

/// The committed OpenAPI document and the server's routes: the same set, and every path answers.
@Suite struct OpenAPITests {
    /// The document's operations as "METHOD /path/{param}".
    static func documented() throws -> Set<String> {
        let document = try JSONSerialization.jsonObject(with: try OpenAPIDocument.data()) as? [String: Any]
        let paths = try #require(document?["paths"] as? [String: [String: Any]])
        return Set(paths.flatMap { path, item in
            item.keys.filter { $0 != "parameters" }.map { "\($0.uppercased()) \(path)" }
        })
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() async throws {
        let store = try await SessionRepository.inMemory()
        let router = SessionStoreServer.router(store: store, options: ServerOptions())
        let routes = Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
        #expect(routes.count > 20)
        #expect(routes == (try Self.documented()))
    }

    @Test func everyDocumentedPathAnswersWithItsRouteNotWithNoSuchRoute() async throws {
        let server = try await LiveServer()
        let operations = try Self.documented()
        try await server.run { client in
            for operation in operations {
                let parts = operation.split(separator: " ")
                let uri = parts[1].replacingOccurrences(of: "{workspace}", with: "ws-1")
                    .replacingOccurrences(of: "{session}", with: "s-1").replacingOccurrences(of: "{message}", with: "m-1")
                guard parts[0] != "GET" || !uri.hasSuffix("/changes") else { continue }  // an endless stream
                let response = try await client.send(.init(String(parts[0]))!, uri)
                let body = try? client.decode(RefusalBody.self, response)
                #expect(body?.error.message != "no such route", "\(operation)")
                #expect(response.status.code < 500, "\(operation): \(response.text)")
            }
            let document = try await client.send(.get, "/openapi.json")
            #expect(document.status == .ok)
            #expect(Data(document.body.readableBytesView) == (try OpenAPIDocument.data()))
        }
    }
}
