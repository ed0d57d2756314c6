/// A JSON parser (RFC 8259) over UTF-8 bytes: the values it reads are handed to the caller's closures, which
/// build models from them (``JSONFastPath``) without an intermediate tree.
struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// Arrays and objects being skipped, one inside the other: bounded, as skipping recurses.
    private var skipDepth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The value `read` finds, when it is all the text holds.
    mutating func document<Value>(_ read: (inout JSONParser) -> Value?) -> Value? {
        guard let value = read(&self) else { return nil }
        skipWhitespace()
        return index == bytes.count ? value : nil
    }

    /// An array's elements, each read with `element`; nil when the array or an element is not what was expected.
    mutating func array<Element>(_ element: (inout JSONParser) -> Element?) -> [Element]? {
        guard consume(UInt8(ascii: "[")) else { return nil }
        var elements: [Element] = []
        if consume(UInt8(ascii: "]")) { return elements }
        // A message has a few parts: one allocation for them rather than one per doubling (5% of a read).
        elements.reserveCapacity(4)
        repeat {
            skipWhitespace()
            guard let value = element(&self) else { return nil }
            elements.append(value)
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]")) ? elements : nil
    }

    /// Reads an object, handing each key (its raw bytes) to `field`, which reads or skips the value; false when
    /// the object or a field is not what was expected. A repeated key's value is skipped: JSONDecoder keeps the
    /// first. Objects of more than eight keys are left to JSONDecoder, so that the keys seen fit on the stack.
    mutating func object(_ field: (inout JSONParser, UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "{")) else { return false }
        if consume(UInt8(ascii: "}")) { return true }
        return withUnsafeTemporaryAllocation(of: UnsafeBufferPointer<UInt8>.self, capacity: 8) { seen in
            var count = 0
            repeat {
                guard let key = plainString(), consume(UInt8(ascii: ":")), count < seen.count else { return false }
                skipWhitespace()
                if seen[..<count].contains(where: { spells($0, key) }) {
                    guard skipValue() else { return false }
                    continue
                }
                seen[count] = key
                count += 1
                guard field(&self, key) else { return false }
            } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "}"))
        }
    }

    /// Reads `null` into nil, or a value with `read`.
    mutating func optional<Value>(_ target: inout Value?, _ read: (inout JSONParser) -> Value?) -> Bool {
        if literal("null") {
            target = nil
            return true
        }
        target = read(&self)
        return target != nil
    }

    mutating func bool() -> Bool? {
        if literal("true") { return true }
        if literal("false") { return false }
        return nil
    }

    /// Checks and passes over one value of any kind; false past ``JSONSyntaxCheck/maximumDepth`` levels of
    /// nesting, which leaves the text to the caller's fallback and its depth check.
    mutating func skipValue() -> Bool {
        skipWhitespace()
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard skipDepth < JSONSyntaxCheck.maximumDepth else { return false }
            skipDepth += 1
            defer { skipDepth -= 1 }
            if bytes[index] == UInt8(ascii: "{") { return object { parser, _ in parser.skipValue() } }
            return array { $0.skipValue() ? true : nil } != nil
        case UInt8(ascii: "\""): return string() != nil
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return number()
        }
    }

    private mutating func number() -> Bool {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index])
            || [UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index])
        {
            index += 1
        }
        return index > start && Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) != nil
    }

    /// A string's bytes, when it has no escapes (every key and part type of the models); nil otherwise, which
    /// defers to JSONDecoder.
    mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        _ = skipUnescapedBytes()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        return UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)])
    }

    /// A string value, escapes decoded; nil for anything else, unpaired surrogates and invalid UTF-8 included.
    mutating func string() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        let ascii = skipUnescapedBytes()
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "\"") {
            index += 1
            return string(UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)]), ascii: ascii)
        }
        return escapedString(from: start, ascii: ascii)
    }

    /// The rest of a string that holds escapes (tool call arguments always do): `start` is its first byte, `index`
    /// its first backslash. The runs between escapes are copied whole into one buffer as long as the escaped text,
    /// which the decoded text never exceeds, on the stack when small: the String is the only allocation.
    private mutating func escapedString(from start: Int, ascii: Bool) -> String? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: escapedLength(from: start)) { buffer in
            var count = 0
            func append(_ decoded: some Collection<UInt8>) {
                count = buffer[count...].initialize(fromContentsOf: decoded)
            }
            var start = start
            var ascii = ascii
            while true {
                append(UnsafeBufferPointer(rebasing: bytes[start..<index]))
                guard index < bytes.count else { return nil }
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    // Decoded escapes are valid UTF-8: only the bytes copied as they were can need validating.
                    return string(UnsafeBufferPointer(rebasing: buffer[..<count]), ascii: ascii)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return nil }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): append(CollectionOfOne(escape))
                    case UInt8(ascii: "b"): append(CollectionOfOne(0x08))
                    case UInt8(ascii: "f"): append(CollectionOfOne(0x0C))
                    case UInt8(ascii: "n"): append(CollectionOfOne(0x0A))
                    case UInt8(ascii: "r"): append(CollectionOfOne(0x0D))
                    case UInt8(ascii: "t"): append(CollectionOfOne(0x09))
                    case UInt8(ascii: "u"):
                        guard let scalar = unicodeEscape() else { return nil }
                        append(String(scalar).utf8)
                    default: return nil
                    }
                default:
                    // A control character, which JSON requires escaped.
                    return nil
                }
                start = index
                ascii = skipUnescapedBytes() && ascii
            }
        }
    }

    /// The String of `utf8`, nil when it is not UTF-8. ASCII (`ascii`: most of what is stored) needs no validation.
    private func string(_ utf8: UnsafeBufferPointer<UInt8>, ascii: Bool) -> String? {
        ascii ? String(decoding: utf8, as: UTF8.self) : String(validating: utf8, as: UTF8.self)
    }

    /// Moves to the next quote, backslash or control character (or to the end) and tells whether the bytes passed
    /// over were all ASCII.
    ///
    /// Message text is most of what the columns hold, so it is scanned eight bytes at a time: the word tests
    /// (from "Bit Twiddling Hacks", "determine if a word has a byte less than n") flag the bytes to stop at. They
    /// can flag a byte wrongly only above one they flag rightly, so the lowest flag is the place to stop.
    private mutating func skipUnescapedBytes() -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits = ones &* 0x80
        var seenBits: UInt64 = 0
        if let base = bytes.baseAddress {
            while index + 8 <= bytes.count {
                // Little-endian, so that the text's first byte is the word's lowest.
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                func zeroBytes(_ word: UInt64) -> UInt64 { (word &- ones) & ~word & highBits }
                let controls = (word &- ones &* 0x20) & ~word & highBits
                let stops = controls | zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C))
                if stops != 0 {
                    let passed = stops.trailingZeroBitCount / 8
                    seenBits |= word & ((1 << (passed * 8)) &- 1)
                    index += passed
                    return seenBits & highBits == 0
                }
                seenBits |= word
                index += 8
            }
        }
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 {
            seenBits |= UInt64(bytes[index])
            index += 1
        }
        return seenBits & highBits == 0
    }

    /// How many bytes the string from `start` takes up to its closing quote (or to the end of the text, or to a
    /// control character, where decoding fails too).
    private func escapedLength(from start: Int) -> Int {
        var scout = self
        scout.index = start
        while true {
            _ = scout.skipUnescapedBytes()
            guard scout.index < bytes.count, bytes[scout.index] == UInt8(ascii: "\\") else { break }
            scout.index += 2
        }
        return min(scout.index, bytes.count) - start
    }

    /// The scalar of `\uXXXX` (the `\u` already read), joining a surrogate pair.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let high = hexQuad() else { return nil }
        if (0xD800..<0xDC00).contains(high) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { return nil }
            index += 2
            guard let low = hexQuad(), (0xDC00..<0xE000).contains(low) else { return nil }
            return Unicode.Scalar(0x10000 + (high - 0xD800) << 10 + (low - 0xDC00))
        }
        return Unicode.Scalar(high)
    }

    private mutating func hexQuad() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Int(String(UnicodeScalar(bytes[index])), radix: 16) else { return nil }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func skipWhitespace() {
        // The stored JSON has no whitespace between tokens: one comparison tells, for most calls.
        while index < bytes.count, bytes[index] <= 0x20, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) {
            index += 1
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        skipWhitespace()
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] {
            return false
        }
        index += count
        return true
    }
}

