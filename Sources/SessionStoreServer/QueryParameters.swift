import Hummingbird
import SessionStore

extension Request {
    /// The page the query asks for: `limit` (default 50) with `after=CURSOR`, `before=CURSOR` or `last=true`;
    /// nil when it names none of them, for routes that then answer with everything.
    func pageRequest() throws -> PageRequest? {
        let query = uri.queryParameters
        let limit = try integer("limit") ?? 50
        if let after = query.get("after") { return .after(after, limit: limit) }
        if let before = query.get("before") { return .before(before, limit: limit) }
        if query.get("last") == "true" { return .last(limit) }
        return query.get("limit") == nil ? nil : .first(limit)
    }

    /// The query parameter `name` as an integer; 400 when it is there but not one.
    func integer(_ name: String) throws -> Int? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        guard let value = Int(text) else { throw ServerError.invalidParameter("\(name) must be an integer, not \(text)") }
        return value
    }
}

extension ServerContext {
    /// The path's `{workspace}`.
    var workspace: String {
        get throws { try parameters.require("workspace") }
    }

    /// The path's `{session}`.
    var session: String {
        get throws { try parameters.require("session") }
    }
}
