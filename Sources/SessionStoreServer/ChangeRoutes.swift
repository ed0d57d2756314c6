import AsyncAlgorithms
import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import SessionStore

/// The change feed as server-sent events: `GET /v1/workspaces/{workspace}/changes`.
///
/// Each change is an event `change` whose id is its sequence number and whose data is the change's JSON. The
/// stream starts after `Last-Event-ID` (a reconnecting client's), else after `?after=N`, else after the latest
/// change at the time of the request. A comment every `keepAliveInterval` keeps idle connections open. A client
/// that reads slower than changes come holds its own feed back: the feed is read as the client takes it, so
/// nothing is buffered for it beyond what the connection holds, and ``SlowReaderHandler`` disconnects one that
/// takes nothing for a while. A start the feed cannot resume from is refused before the stream begins: 409
/// `unknownChangeSequence` past the latest change, 410 `changesTrimmed` for changes no longer kept. An error once
/// the stream runs is sent as an event `error` with the error's JSON, and ends the stream.
struct ChangeRoutes {
    let store: any SessionStoring
    let keepAliveInterval: Duration

    func add(to workspace: RouterGroup<ServerContext>) {
        workspace.get("changes", use: follow)
        workspace.get("changes/latest") { _, context in
            try JSONBody.response(["sequence": try await store.latestChangeSequence(workspaceId: context.workspace)])
        }
        workspace.post("changes/trim") { _, context in
            try JSONBody.response(["trimmed": try await store.trimChanges(workspaceId: context.workspace)])
        }
    }

    @Sendable func follow(_ request: Request, context: ServerContext) async throws -> Response {
        let workspace = try context.workspace
        let requested: Int64?
        if let lastEventId = request.headers[HTTPField.Name("Last-Event-ID")!] {
            guard let sequence = Int64(lastEventId), sequence >= 0 else {
                throw ServerError.invalidParameter("Last-Event-ID must be a sequence number, 0 or more")
            }
            requested = sequence
        } else {
            requested = try request.sequence("after")
        }
        let latest = try await store.latestChangeSequence(workspaceId: workspace)
        let after = requested ?? latest
        // Refused with a status, as EventSource clients need: on a stream that ends with an error event they
        // reconnect with the same Last-Event-ID, for ever; on a status other than 200 they stop.
        if after != latest {
            // The feed answers at once for any start but the latest: with its first change, or the error.
            var changes = store.changes(workspaceId: workspace, after: after).makeAsyncIterator()
            _ = try await changes.next()
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        // The feed is followed only once the body is written: a HEAD request's body never is.
        return Response(status: .ok, headers: headers, body: ResponseBody { [store, keepAliveInterval] writer in
            let events = AsyncChannel<ByteBuffer>()
            let producer = Task {
                // A server shutting down ends its feeds, which would otherwise hold it until its timeout.
                await withGracefulShutdownHandler {
                    await Self.produce(store, workspace, after, keepAliveInterval, into: events)
                } onGracefulShutdown: {
                    events.finish()
                }
                events.finish()
            }
            defer { producer.cancel() }
            for await event in events {
                try await writer.write(event)
            }
            try await writer.finish(nil)
        })
    }

    /// Sends the feed's events into `events`, the changes and the keep-alive comments, until either ends.
    private static func produce(
        _ store: any SessionStoring, _ workspace: String, _ after: Int64, _ keepAliveInterval: Duration,
        into events: AsyncChannel<ByteBuffer>
    ) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for try await change in store.changes(workspaceId: workspace, after: after) {
                        await events.send(Self.event(change))
                    }
                } catch {
                    await events.send(Self.errorEvent(error))
                }
            }
            group.addTask {
                while (try? await Task.sleep(for: keepAliveInterval)) != nil {
                    await events.send(ByteBuffer(string: ": keep-alive\n\n"))
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    static func event(_ change: Change) -> ByteBuffer {
        let data = (try? JSONBody.data(change)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ByteBuffer(string: "id: \(change.sequence)\nevent: change\ndata: \(data)\n\n")
    }

    static func errorEvent(_ error: any Error) -> ByteBuffer {
        let answer = ServerError(error)
        let data = (try? JSONBody.data(ErrorBody(error: .init(code: answer.code, message: answer.message))))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ByteBuffer(string: "event: error\ndata: \(data)\n\n")
    }
}
