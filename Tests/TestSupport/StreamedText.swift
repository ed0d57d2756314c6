/// The tokens the streaming helper appends, which the tests rebuild to know what it sent: ASCII, accented and
/// four-byte characters, and flags cut between two tokens.
public enum StreamedText {
    /// The token at `index`.
    public static func token(_ index: Int) -> String {
        switch index % 4 {
        case 0: "word\(index) "
        case 1: "café \u{1F1EB}"
        case 2: "\u{1F1F7} 😀 "
        default: "語\(index)\n"
        }
    }

    /// The tokens from the first on, up to at least `byteCount` bytes of UTF-8.
    public static func text(atLeast byteCount: Int) -> String {
        var text = ""
        var index = 0
        while text.utf8.count < byteCount {
            text += token(index)
            index += 1
        }
        return text
    }
}
