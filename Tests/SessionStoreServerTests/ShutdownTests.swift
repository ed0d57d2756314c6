import AsyncHTTPClient
import Foundation
import NIOCore
import SessionStore
import Testing
import TestSupport

/// `session-store serve` as a process: SIGTERM while requests are in flight.
@Suite struct ShutdownTests {
    @Test func everyAppendAnsweredWith2xxBeforeSIGTERMIsInTheStoreAfterRestart() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("served.sqlite")
        let setup = try await SessionRepository(path: path)
        let session = try await setup.createSession(workspaceId: "ws-1")
        await setup.close()

        let server = try ChildProcess(
            Paths.products.appendingPathComponent("session-store"), ["serve", "--db", path, "--port", "0"], standardError: .discard)
        let port = try #require(Self.port(from: server))
        let appends = Task {
            await withTaskGroup(of: String?.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/workspaces/ws-1/sessions/\(session.id)/messages")
                        request.method = .POST
                        request.headers.add(name: "content-type", value: "application/json")
                        request.body = .bytes(ByteBuffer(string: #"{"role": "user", "content": "in flight \#(index)"}"#))
                        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(10)),
                            (200..<300).contains(response.status.code),
                            let body = try? await response.body.collect(upTo: 1 << 20),
                            let message = try? JSONDecoder().decode(SessionMessage.self, from: Data(body.readableBytesView))
                        else { return nil }
                        return message.id
                    }
                }
                var acknowledged: [String] = []
                for await id in group { if let id { acknowledged.append(id) } }
                return acknowledged
            }
        }
        try await Task.sleep(for: .milliseconds(30))
        server.send(SIGTERM)
        let acknowledged = await appends.value
        #expect(server.wait() == 0, "a clean exit after SIGTERM")

        let reopened = try await SessionRepository(path: path)
        let stored = Set(try await reopened.getSessionMessages(workspaceId: "ws-1", sessionId: session.id).map(\.id))
        #expect(Set(acknowledged).isSubset(of: stored))
        #expect(try await reopened.check().isEmpty)
        await reopened.close()
    }

    /// The port of the `listening on http://HOST:PORT` line the server prints first.
    static func port(from server: ChildProcess) -> Int? {
        server.readStandardOutputLine()?.split(separator: ":").last.flatMap { Int($0) }
    }
}
