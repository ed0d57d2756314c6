import Hummingbird

/// Answers a request that no route took but whose path is a route's with another method: 405 with the `Allow`
/// header (RFC 9110, 15.5.6), and `OPTIONS` with 204 and the same header, so that a client that guessed the
/// method wrong is told so rather than that the path does not exist. Any other request goes on to 404.
///
/// The router gives a middleware to the routes added after it and to its not-found answer: added after every
/// route, this one runs for unrouted requests only.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    private let routes: [(path: [Substring], methods: [HTTPRequest.Method])]

    /// A middleware for `routes`, the router's own; a route with GET also answers HEAD.
    init(routes: [Router<ServerContext>.RouteDescription]) {
        self.routes = routes.map { route in
            (route.path.description.split(separator: "/"), route.method == .get ? [.get, .head] : [route.method])
        }
    }

    func handle(
        _ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        let components = request.uri.path.split(separator: "/")
        // A path can fill a template with a parameter and one with a word in its place.
        let methods = Set(routes.filter { Self.path(components, matches: $0.path) }.flatMap(\.methods))
        guard !methods.isEmpty else { return try await next(request, context) }
        let allow = (methods.sorted { $0.rawValue < $1.rawValue } + [.options]).map(\.rawValue).joined(separator: ", ")
        guard request.method != .options else { return Response(status: .noContent, headers: [.allow: allow]) }
        throw ServerError(
            status: .methodNotAllowed, code: "methodNotAllowed",
            message: "\(request.method.rawValue) is not a method of this path; it answers \(allow)", headers: [.allow: allow])
    }

    /// Whether `components` fill `template`, whose `{name}` components (a path parameter) take any one component.
    private static func path(_ components: [Substring], matches template: [Substring]) -> Bool {
        components.count == template.count
            && zip(components, template).allSatisfy { component, part in part.first == "{" || component == part }
    }
}
