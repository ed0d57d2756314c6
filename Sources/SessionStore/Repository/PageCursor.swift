import Foundation

/// What an opaque cursor names: the keyset values of one item of a paged list, kind-tagged and base64url-encoded,
/// so that a cursor only works with the kind of list that handed it out.
package enum PageCursor: Hashable {
    /// A message of a session, at `position`.
    case message(position: Int64, messageId: String)
    /// A session of a summaries list.
    case session(updatedAt: Int64, sessionId: String)
    /// The hit at `offset` of the search whose query has this fingerprint.
    case searchHit(offset: Int64, query: UInt64)

    /// Longer than any cursor this type makes: decoding stops there.
    private static let maximumLength = 512

    /// The cursor as handed out.
    package var encoded: String {
        let text = switch self {
        case .message(let position, let messageId): "m\(position):\(messageId)"
        case .session(let updatedAt, let sessionId): "s\(updatedAt):\(sessionId)"
        case .searchHit(let offset, let query): "q\(offset):\(query)"
        }
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes a cursor handed out as ``encoded``.
    ///
    /// - Throws: ``SessionStoreError/invalidCursor(_:)`` for anything else.
    package init(decoding cursor: String) throws(SessionStoreError) {
        guard cursor.utf8.count <= Self.maximumLength else { throw .invalidCursor(String(cursor.prefix(16)) + "…") }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
            let tag = text.first, let colon = text.firstIndex(of: ":"),
            let number = Int64(text[text.index(after: text.startIndex)..<colon])
        else { throw .invalidCursor(cursor) }
        let rest = String(text[text.index(after: colon)...])
        switch tag {
        case "m" where number >= 1 && !rest.isEmpty: self = .message(position: number, messageId: rest)
        case "s" where !rest.isEmpty: self = .session(updatedAt: number, sessionId: rest)
        case "q" where number >= 0:
            guard let query = UInt64(rest) else { throw .invalidCursor(cursor) }
            self = .searchHit(offset: number, query: query)
        default: throw .invalidCursor(cursor)
        }
    }
}

extension PageRequest {
    /// Throws unless the limit is within 1…``maximumLimit``.
    package func checkLimit() throws(SessionStoreError) {
        guard (1...Self.maximumLimit).contains(limit) else { throw .invalidPageSize(limit) }
    }

    /// Whether the page is read from the start of the list towards its end.
    package var readsForward: Bool {
        switch anchor {
        case .first, .after: true
        case .last, .before: false
        }
    }

    /// The cursor the page starts from, as the caller passed it; nil for a page at an end of the list.
    package var cursor: String? {
        switch anchor {
        case .first, .last: nil
        case .after(let cursor), .before(let cursor): cursor
        }
    }

    /// The cursor the page starts from, decoded.
    package func decodedCursor() throws(SessionStoreError) -> PageCursor? {
        try cursor.map { cursor throws(SessionStoreError) in try PageCursor(decoding: cursor) }
    }
}

extension Page {
    /// The page with each item transformed, and the same cursors.
    package func map<Other>(_ transform: (Item) throws -> Other) rethrows -> Page<Other> {
        Page<Other>(items: try items.map(transform), before: before, after: after)
    }

    /// The page made of `rows`, which were read `limit + 1` at most in the request's direction from its anchor:
    /// an extra row means more items lie that way; a cursor means items lie the other way.
    package init(rows: [Item], for request: PageRequest, cursor: (Item) -> PageCursor) {
        var items = rows
        let more = items.count > request.limit
        if more { items.removeLast() }
        if !request.readsForward { items.reverse() }
        guard let first = items.first, let last = items.last else {
            self.init(items: [])
            return
        }
        let fromCursor = request.cursor != nil
        let (itemsBefore, itemsAfter) = request.readsForward ? (fromCursor, more) : (more, fromCursor)
        self.init(
            items: items, before: itemsBefore ? cursor(first).encoded : nil, after: itemsAfter ? cursor(last).encoded : nil)
    }
}
