/// One page of a longer list, and the cursors that open its neighbours.
public struct Page<Item: Sendable>: Sendable {
    /// The items, in the list's order.
    public var items: [Item]
    /// Opens the page before this one with ``PageRequest/before(_:limit:)``; nil when nothing comes before.
    public var before: String?
    /// Opens the page after this one with ``PageRequest/after(_:limit:)``; nil when nothing comes after.
    public var after: String?

    /// Creates a page.
    public init(items: [Item], before: String? = nil, after: String? = nil) {
        self.items = items
        self.before = before
        self.after = after
    }
}

extension Page: Codable where Item: Codable {}
extension Page: Equatable where Item: Equatable {}
extension Page: Hashable where Item: Hashable {}

/// Which page of a list to read: the first or last `limit` items, or `limit` items after or before a cursor
/// that an earlier ``Page`` handed out.
///
/// A limit is 1 to ``PageRequest/maximumLimit``; others get ``SessionStoreError/invalidPageSize(_:)``.
/// Cursors are opaque: one that was not handed out by the same kind of list gets
/// ``SessionStoreError/invalidCursor(_:)``.
public struct PageRequest: Sendable, Hashable {
    /// Where a page starts.
    public enum Anchor: Sendable, Hashable {
        /// At the start of the list.
        case first
        /// At the end of the list.
        case last
        /// Just after the item the cursor names.
        case after(String)
        /// Just before the item the cursor names.
        case before(String)
    }

    /// The largest page.
    public static let maximumLimit = 1000

    /// Where the page starts.
    public var anchor: Anchor
    /// How many items it holds at most.
    public var limit: Int

    /// Creates a request.
    public init(_ anchor: Anchor, limit: Int) {
        self.anchor = anchor
        self.limit = limit
    }

    /// The first `limit` items.
    public static func first(_ limit: Int) -> PageRequest { PageRequest(.first, limit: limit) }
    /// The last `limit` items.
    public static func last(_ limit: Int) -> PageRequest { PageRequest(.last, limit: limit) }
    /// The `limit` items after the one `cursor` names.
    public static func after(_ cursor: String, limit: Int) -> PageRequest { PageRequest(.after(cursor), limit: limit) }
    /// The `limit` items before the one `cursor` names.
    public static func before(_ cursor: String, limit: Int) -> PageRequest { PageRequest(.before(cursor), limit: limit) }
}
