/// The verb a mistyped one most likely meant.
enum VerbSuggestion {
    /// The verb of `verbs` within two edits of `typed` (or that `typed` starts), nearest first; nil when none is.
    static func closest(to typed: String, in verbs: [String]) -> String? {
        let typed = typed.lowercased()
        if let prefixed = verbs.first(where: { $0.hasPrefix(typed) && typed.count >= 2 }) {
            return prefixed
        }
        return verbs.map { ($0, distance(Array(typed), Array($0))) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    private static func distance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
