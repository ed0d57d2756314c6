import Hummingbird

/// Lets a request through to a workspace's routes only with a bearer token that may use that workspace: no
/// token or an unknown one is 401, a workspace the token may not use is 404, as for one that does not exist.
/// Without tokens (a server on loopback only), every request is let through.
struct AuthenticationMiddleware: RouterMiddleware {
    let tokens: AccessTokens?

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        guard let tokens else { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            let access = tokens.access(for: header.dropFirst("Bearer ".count))
        else { throw ServerError.unauthorized }
        guard access.allows(try context.workspace) else {
            throw ServerError.workspaceNotFound
        }
        return try await next(request, context)
    }
}
