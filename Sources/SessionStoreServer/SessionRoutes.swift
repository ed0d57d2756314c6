import Foundation
import Hummingbird
import SessionStore

/// Sessions, their forks, history, trash and usage: `/v1/workspaces/{workspace}/…`.
struct SessionRoutes {
    let store: any SessionStoring
    let bodyLimit: Int

    func add(to workspace: RouterGroup<ServerContext>) {
        workspace.get("sessions") { _, context in
            try JSONBody.response(try await store.listSessions(workspaceId: context.workspace))
        }
        workspace.post("sessions") { request, context in
            let body = try await JSONBody.decode(CreateSessionBody.self, from: request, limit: bodyLimit, empty: CreateSessionBody())
            let session = try await store.createSession(
                workspaceId: context.workspace, title: body.title, parentId: body.parentId, model: body.model, agent: body.agent)
            return try JSONBody.response(session, status: .created)
        }
        workspace.get("session-summaries") { request, context in
            try JSONBody.response(try await store.listSessionSummaries(workspaceId: context.workspace, page: request.pageRequest() ?? .first(50)))
        }
        workspace.get("session-count") { _, context in
            try JSONBody.response(["count": try await store.getActiveSessionCount(workspaceId: context.workspace)])
        }
        workspace.get("sessions/:session") { _, context in
            try JSONBody.response(try await found(store.getSession(workspaceId: context.workspace, sessionId: context.session), context))
        }
        workspace.patch("sessions/:session") { request, context in
            let body = try await JSONBody.decode(UpdateSessionBody.self, from: request, limit: bodyLimit)
            let session = try await store.updateSession(workspaceId: context.workspace, sessionId: context.session) { body.apply(to: &$0) }
            return try JSONBody.response(try found(session, context))
        }
        workspace.delete("sessions/:session") { _, context in
            guard try await store.deleteSession(workspaceId: context.workspace, sessionId: context.session) else {
                throw try sessionNotFound(context)
            }
            return Response(status: .noContent)
        }
        workspace.post("sessions/:session/fork") { request, context in
            let body = try await JSONBody.decode(MessageReferenceBody.self, from: request, limit: bodyLimit, empty: MessageReferenceBody())
            let fork = try await store.forkSession(workspaceId: context.workspace, sessionId: context.session, messageId: body.messageId)
            return try JSONBody.response(fork, status: .created)
        }
        workspace.get("sessions/:session/tree") { _, context in
            try JSONBody.response(try found(try await store.getSessionTree(workspaceId: context.workspace, sessionId: context.session), context))
        }
        workspace.post("sessions/:session/revert") { request, context in
            let body = try await JSONBody.decode(MessageReferenceBody.self, from: request, limit: bodyLimit, empty: MessageReferenceBody())
            return try JSONBody.response(
                try await store.revert(workspaceId: context.workspace, sessionId: context.session, messageId: body.messageId))
        }
        workspace.post("sessions/:session/unrevert") { _, context in
            try JSONBody.response(try await store.unrevert(workspaceId: context.workspace, sessionId: context.session))
        }
        workspace.post("sessions/:session/trash") { _, context in
            guard try await store.trashSession(workspaceId: context.workspace, sessionId: context.session) else {
                throw try sessionNotFound(context)
            }
            return Response(status: .noContent)
        }
        workspace.post("sessions/:session/restore") { _, context in
            try JSONBody.response(try found(try await store.restoreSession(workspaceId: context.workspace, sessionId: context.session), context))
        }
        workspace.get("sessions/:session/usage") { _, context in
            try JSONBody.response(try found(try await store.getSessionUsage(workspaceId: context.workspace, sessionId: context.session), context))
        }
        workspace.get("trash") { _, context in
            try JSONBody.response(try await store.listTrash(workspaceId: context.workspace))
        }
        workspace.delete("trash") { request, context in
            guard let before = try request.integer("olderThan") else {
                throw ServerError.invalidParameter("olderThan (milliseconds since the Unix epoch) is needed")
            }
            let date = Date(timeIntervalSince1970: Double(before) / 1000)
            return try JSONBody.response(["deleted": try await store.emptyTrash(workspaceId: context.workspace, olderThan: date)])
        }
    }

    /// `value`, or 404 `sessionNotFound` for the path's session when there is none.
    private func found<T>(_ value: T?, _ context: ServerContext) throws -> T {
        guard let value else { throw try sessionNotFound(context) }
        return value
    }

    private func sessionNotFound(_ context: ServerContext) throws -> SessionStoreError {
        .sessionNotFound(workspaceId: try context.workspace, sessionId: try context.session)
    }
}
