import NIOCore

/// Text from a body that arrives in pieces cut anywhere: a character whose bytes are split between two pieces
/// is held back until it is whole. Bytes that are not UTF-8 become U+FFFD.
struct UTF8Chunks {
    private var held: [UInt8] = []

    /// The text of `buffer` after what was held back, without an unfinished character at its end.
    mutating func text(of buffer: ByteBuffer) -> String {
        let bytes = held + buffer.readableBytesView
        let end = Self.endOfWholeCharacters(bytes)
        held = Array(bytes[end...])
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// What was held back at the end of the body.
    mutating func rest() -> String {
        defer { held = [] }
        return String(decoding: held, as: UTF8.self)
    }

    /// Where the last character that `bytes` holds whole ends.
    private static func endOfWholeCharacters(_ bytes: [UInt8]) -> Int {
        // A character takes at most four bytes: look back for the first byte of the last one.
        for back in 1...min(4, bytes.count) {
            let byte = bytes[bytes.count - back]
            guard byte & 0xC0 == 0x80 else {
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                return length > back ? bytes.count - back : bytes.count
            }
        }
        return bytes.count
    }
}
