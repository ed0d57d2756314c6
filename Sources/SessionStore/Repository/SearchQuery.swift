/// A user's search words as an FTS5 query that means just them: every word must match, the last one may be the
/// start of a word. Each word becomes a quoted FTS5 string, so quotes, `NEAR`, `AND`, `*`, `-`, `^`, parentheses
/// and column filters are searched for as text and never read as FTS5 syntax.
package struct SearchQuery {
    /// The longest query accepted, in UTF-8 bytes.
    static let maximumBytes = 1024
    /// The most words a query may have.
    static let maximumWords = 32

    /// The query in FTS5's syntax.
    let expression: String
    /// The words, as typed.
    package let words: [String]

    /// - Throws: ``SessionStoreError/invalidSearchQuery(reason:)`` for a query over the limits, or with no word
    ///   that the index could hold (only spaces, punctuation or symbols).
    package init(_ text: String) throws(SessionStoreError) {
        let byteCount = text.utf8.count
        guard byteCount <= Self.maximumBytes else {
            throw .invalidSearchQuery(reason: "it is \(byteCount) bytes, over the limit of \(Self.maximumBytes)")
        }
        // FTS5 indexes letters and digits only: a word with neither would match nothing, or everything.
        let words = text.split { $0.isWhitespace || $0.unicodeScalars.allSatisfy { $0.properties.generalCategory == .control } }
            .filter { $0.contains { $0.isLetter || $0.isNumber } }
        guard !words.isEmpty else { throw .invalidSearchQuery(reason: "it has no words to search for") }
        guard words.count <= Self.maximumWords else {
            throw .invalidSearchQuery(reason: "it has \(words.count) words, over the limit of \(Self.maximumWords)")
        }
        self.words = words.map(String.init)
        expression = words.map { "\"" + $0.replacing("\"", with: "\"\"") + "\"" }.joined(separator: " ") + "*"
    }

    /// A number that tells this query from others in a cursor: FNV-1a of the expression, the same in every process.
    package var fingerprint: UInt64 {
        expression.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }
}
