import Hummingbird
import SessionStore

/// Full-text search: `/v1/workspaces/{workspace}/search/messages?q=…` and `/search/sessions?q=…`, paged as the
/// other lists.
struct SearchRoutes {
    let store: any SessionStoring

    func add(to workspace: RouterGroup<ServerContext>) {
        workspace.get("search/messages") { request, context in
            try JSONBody.response(
                try await store.searchMessages(workspaceId: context.workspace, query: query(request), page: request.pageRequest() ?? .first(20)))
        }
        workspace.get("search/sessions") { request, context in
            try JSONBody.response(
                try await store.searchSessions(workspaceId: context.workspace, query: query(request), page: request.pageRequest() ?? .first(20)))
        }
    }

    private func query(_ request: Request) throws -> String {
        guard let query = try request.parameter("q") else { throw ServerError.invalidParameter("q (the words to search for) is needed") }
        return query
    }
}
