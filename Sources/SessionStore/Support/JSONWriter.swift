/// Writes JSON without `JSONEncoder`: the `parts` and `tool_calls` columns, where `JSONEncoder` took about 7 µs
/// for a message's three parts (most of what storing a message with parts cost, and paid again by every streamed
/// update to it), and ``MessageJSON``'s messages, which servers send by the hundred.
///
/// It writes what `JSONEncoder` writes with `.sortedKeys` and `.withoutEscapingSlashes`, byte for byte: keys in
/// sorted order, absent optionals left out, strings escaped as it escapes them (short escapes where JSON has them,
/// `\u00xx` for other control characters, `/` and non-ASCII text as they are), numbers as it spells them.
/// ``JSONFastPath`` reads the columns back, whatever their keys' order; `JSONDecoder` reads them the same.
package struct JSONWriter {
    private var bytes: [UInt8] = []

    package static func parts(_ parts: [MessagePart]) -> String {
        var writer = JSONWriter()
        writer.array(parts) { $0.part($1) }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    package static func toolCalls(_ calls: [ToolCall]) -> String {
        var writer = JSONWriter()
        writer.array(calls) { $0.toolCall($1) }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The bytes `write` writes, with room reserved for `capacity` of them.
    static func bytes(capacity: Int, _ write: (inout JSONWriter) throws -> Void) rethrows -> [UInt8] {
        var writer = JSONWriter()
        writer.bytes.reserveCapacity(capacity)
        try write(&writer)
        return writer.bytes
    }

    // MARK: The models

    mutating func page(_ page: Page<SessionMessage>) throws {
        bytes.append(UInt8(ascii: "{"))
        if let after = page.after {
            key("after")
            string(after)
        }
        if let before = page.before {
            key("before")
            string(before)
        }
        key("items")
        try messages(page.items)
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func messages(_ messages: [SessionMessage]) throws {
        try array(messages) { try $0.message($1) }
    }

    mutating func message(_ message: SessionMessage) throws {
        bytes.append(UInt8(ascii: "{"))
        if let content = message.content {
            key("content")
            string(content)
        }
        key("createdAt")
        integer(message.createdAt)
        key("id")
        string(message.id)
        if let parts = message.parts {
            key("parts")
            array(parts) { $0.part($1) }
        }
        key("role")
        string(message.role.rawValue)
        key("sessionId")
        string(message.sessionId)
        if let status = message.status {
            key("status")
            string(status.rawValue)
        }
        if let toolCallId = message.toolCallId {
            key("toolCallId")
            string(toolCallId)
        }
        if let toolCalls = message.toolCalls {
            key("toolCalls")
            array(toolCalls) { $0.toolCall($1) }
        }
        key("updatedAt")
        integer(message.updatedAt)
        if let usage = message.usage {
            key("usage")
            try self.usage(usage)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func usage(_ usage: Usage) throws {
        bytes.append(UInt8(ascii: "{"))
        key("cacheReadTokens")
        integer(usage.cacheReadTokens)
        key("cacheWriteTokens")
        integer(usage.cacheWriteTokens)
        key("cost")
        try number(usage.cost)
        key("inputTokens")
        integer(usage.inputTokens)
        key("outputTokens")
        integer(usage.outputTokens)
        key("reasoningTokens")
        integer(usage.reasoningTokens)
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func part(_ part: MessagePart) {
        bytes.append(UInt8(ascii: "{"))
        if let content = part.content {
            key("content")
            string(content)
        }
        if let call = part.toolCall {
            key("toolCall")
            toolCall(call)
        }
        if let result = part.toolResult {
            key("toolResult")
            toolResult(result)
        }
        key("type")
        string(part.type.rawValue)
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func toolCall(_ call: ToolCall) {
        bytes.append(UInt8(ascii: "{"))
        key("function")
        bytes.append(UInt8(ascii: "{"))
        key("arguments")
        string(call.function.arguments)
        key("name")
        string(call.function.name)
        bytes.append(UInt8(ascii: "}"))
        key("id")
        string(call.id)
        key("type")
        string(call.type)
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func toolResult(_ result: ToolResult) {
        bytes.append(UInt8(ascii: "{"))
        key("content")
        string(result.content)
        if let isError = result.isError {
            key("isError")
            bytes.append(contentsOf: isError ? "true".utf8 : "false".utf8)
        }
        key("toolCallId")
        string(result.toolCallId)
        bytes.append(UInt8(ascii: "}"))
    }

    // MARK: JSON

    // Each element is passed as it is in the array: a copy of a message retained and released every string in it.
    private mutating func array<Element>(_ elements: [Element], _ element: (inout JSONWriter, Element) throws -> Void) rethrows {
        bytes.append(UInt8(ascii: "["))
        for index in elements.indices {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            try element(&self, elements[index])
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// `value` in decimal, as `description` spells it, without making a string of it first.
    private mutating func integer(_ value: some FixedWidthInteger) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = UInt64(value.magnitude)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: digits[start...])
        }
    }

    /// `value` as `JSONEncoder` spells it: Swift's shortest round-trip text, without a trailing `.0`. JSON has no
    /// infinity or NaN, so those throw the error `JSONEncoder` throws for them.
    private mutating func number(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "\(value) is not valid JSON"))
        }
        let text = value.description
        bytes.append(contentsOf: text.hasSuffix(".0") ? text.utf8.dropLast(2) : text.utf8[...])
    }

    /// Writes `"key":`, after a comma unless it is the object's first field (the last byte written opened it).
    private mutating func key(_ key: StaticString) {
        if bytes.last != UInt8(ascii: "{") { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        bytes.append(contentsOf: "\":".utf8)
    }

    private mutating func string(_ string: String) {
        var string = string
        bytes.append(UInt8(ascii: "\""))
        string.withUTF8 { text in
            var plainRunStart = 0
            var index = 0
            while index < text.count {
                // Most text has nothing to escape: it is skipped eight bytes at a time.
                if index + 8 <= text.count,
                    !Self.mayNeedEscape(UnsafeRawPointer(text.baseAddress! + index).loadUnaligned(as: UInt64.self))
                {
                    index += 8
                    continue
                }
                let byte = text[index]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[plainRunStart..<index]))
                    plainRunStart = index + 1
                    escape(byte)
                }
                index += 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[plainRunStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether one of the word's eight bytes is below 0x20, `"` or `\\`: never false when one is (the bit tricks
    /// of "Bit Twiddling Hacks", "Determine if a word has a byte less than n", are exact about whether one is).
    private static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        func hasByteBelow(_ word: UInt64, _ limit: UInt64) -> Bool { (word &- ones &* limit) & ~word & highBits != 0 }
        return hasByteBelow(word, 0x20) || hasByteBelow(word ^ (ones &* 0x22), 1) || hasByteBelow(word ^ (ones &* 0x5C), 1)
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
        case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
        case 0x08: bytes.append(contentsOf: #"\b"#.utf8)
        case 0x09: bytes.append(contentsOf: #"\t"#.utf8)
        case 0x0A: bytes.append(contentsOf: #"\n"#.utf8)
        case 0x0C: bytes.append(contentsOf: #"\f"#.utf8)
        case 0x0D: bytes.append(contentsOf: #"\r"#.utf8)
        default:
            let hexDigits: StaticString = "0123456789abcdef"
            bytes.append(contentsOf: #"\u00"#.utf8)
            bytes.append(hexDigits.utf8Start[Int(byte >> 4)])
            bytes.append(hexDigits.utf8Start[Int(byte & 0x0F)])
        }
    }
}
