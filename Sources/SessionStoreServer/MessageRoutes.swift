import Hummingbird
import SessionStore

/// A session's messages, and a reply streamed in as the request's body: `/v1/workspaces/{workspace}/…`.
struct MessageRoutes {
    let store: any SessionStoring
    let bodyLimit: Int

    func add(to workspace: RouterGroup<ServerContext>) {
        workspace.get("sessions/:session/messages") { request, context in
            if let page = try request.pageRequest() {
                return try messages(
                    MessageJSON.encode(try await store.getSessionMessages(workspaceId: context.workspace, sessionId: context.session, page: page)))
            }
            return try messages(MessageJSON.encode(try await store.getSessionMessages(workspaceId: context.workspace, sessionId: context.session)))
        }
        workspace.post("sessions/:session/messages") { request, context in
            let body = try await JSONBody.decode(NewMessageBody.self, from: request, limit: bodyLimit)
            let message = try await store.addMessage(workspaceId: context.workspace, sessionId: context.session, message: body.message)
            return try messages(MessageJSON.encode(message), status: .created)
        }
        workspace.post("sessions/:session/messages/stream", use: stream)
        workspace.patch("messages/:message") { request, context in
            let body = try await JSONBody.decode(UpdateMessageBody.self, from: request, limit: bodyLimit)
            let messageId = try context.message
            guard let message = try await store.updateMessage(workspaceId: context.workspace, messageId: messageId, { body.apply(to: &$0) })
            else { throw SessionStoreError.messageNotFound(workspaceId: try context.workspace, messageId: messageId) }
            return try messages(MessageJSON.encode(message))
        }
    }

    /// Messages are most of what the server sends, so they skip `JSONEncoder`.
    private func messages(_ json: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        JSONBody.response(json: ByteBuffer(bytes: json), status: status)
    }

    /// Streams the request's body, as it arrives, into a new message (`role`, default assistant; `id` optional),
    /// finished as `completed` when the body ends; a body cut short leaves it with status `error`.
    @Sendable func stream(_ request: Request, context: ServerContext) async throws -> Response {
        let role = try request.parameter("role").map { text in
            guard let role = SessionMessage.Role(rawValue: text) else { throw ServerError.invalidParameter("role \(text) is unknown") }
            return role
        } ?? .assistant
        let stream = try await store.openMessageStream(
            workspaceId: context.workspace, sessionId: context.session,
            message: NewMessage(id: try request.parameter("id"), role: role))
        do {
            var text = UTF8Chunks()
            for try await buffer in request.body {
                try stream.append(text.text(of: buffer))
            }
            try stream.append(text.rest())
            return try messages(MessageJSON.encode(try await stream.finish()), status: .created)
        } catch {
            _ = try? await stream.cancel()
            throw error
        }
    }
}
