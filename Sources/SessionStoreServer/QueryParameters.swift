import Foundation
import Hummingbird
import SessionStore

extension Request {
    /// The page the query asks for: `limit` (default 50) with one of `after=CURSOR`, `before=CURSOR` and
    /// `last=true`; nil when it names none of them, for routes that then answer with everything.
    func pageRequest() throws -> PageRequest? {
        let limit = try integer("limit") ?? 50
        switch (try parameter("after"), try parameter("before"), try boolean("last") ?? false) {
        case (let after?, nil, false): return .after(after, limit: limit)
        case (nil, let before?, false): return .before(before, limit: limit)
        case (nil, nil, true): return .last(limit)
        case (nil, nil, false): return try parameter("limit") == nil ? nil : .first(limit)
        default: throw ServerError.invalidParameter("a page is asked for with one of after, before and last=true, not several")
        }
    }

    /// The query parameter `name`, percent-decoded; 400 when it is given more than once, since servers differ on
    /// which of two values counts and a client should not have to guess ours.
    func parameter(_ name: String) throws -> String? {
        let values = uri.queryParameters.getAll(name)
        guard values.count <= 1 else {
            throw ServerError.invalidParameter("\(name) is given \(values.count) times; give it once")
        }
        return values.first
    }

    /// The query parameter `name` as an integer; 400 when it is there but not one.
    func integer(_ name: String) throws -> Int? {
        guard let text = try parameter(name) else { return nil }
        guard let value = Int(text) else { throw ServerError.invalidParameter("\(name) must be an integer, not \(text)") }
        return value
    }

    /// The query parameter `name` as `true` or `false`; 400 when it is there but neither, which a client would
    /// otherwise take for an answer to what it did not ask.
    func boolean(_ name: String) throws -> Bool? {
        guard let text = try parameter(name) else { return nil }
        guard let value = Bool(text) else { throw ServerError.invalidParameter("\(name) must be true or false, not \(text)") }
        return value
    }

    /// The query parameter `name` as a change's sequence number, 0 or more; 400 when it is there but not one.
    func sequence(_ name: String) throws -> Int64? {
        guard let value = try integer(name) else { return nil }
        guard value >= 0 else { throw ServerError.invalidParameter("\(name) must be a sequence number, 0 or more, not \(value)") }
        return Int64(value)
    }
}

extension ServerContext {
    /// The path's `{workspace}`.
    var workspace: String {
        get throws { try identifier("workspace") }
    }

    /// The path's `{session}`.
    var session: String {
        get throws { try identifier("session") }
    }

    /// The path's `{message}`.
    var message: String {
        get throws { try identifier("message") }
    }

    /// The path parameter `name`, percent-decoded: Hummingbird hands path parameters over as sent, so without
    /// decoding `my%20project` would name a workspace other than the `my project` the library and the tool see.
    private func identifier(_ name: String) throws -> String {
        let sent = try parameters.require(name)
        guard let identifier = sent.removingPercentEncoding else {
            throw ServerError.invalidParameter("\(name) \(sent) is not valid percent-encoded UTF-8")
        }
        return identifier
    }
}
