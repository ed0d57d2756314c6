/// What search results put around the words that matched.
public struct SnippetMarks: Sendable, Hashable {
    /// Before each match.
    public var open: String
    /// After each match.
    public var close: String

    /// Creates marks.
    public init(open: String, close: String) {
        self.open = open
        self.close = close
    }

    /// Markdown's bold, `**word**`: agent UIs render Markdown already. Text from the store is the user's own, so
    /// a UI that renders snippets as HTML must escape them first, whatever the marks.
    public static let markdownBold = SnippetMarks(open: "**", close: "**")
}
