/// Writes the `parts` and `tool_calls` columns without `JSONEncoder`, which took about 7 µs for a message's three
/// parts: most of what storing a message with parts cost, and paid again by every streamed update to it.
///
/// Keys come in the models' declaration order, absent optionals are left out, and strings are escaped as
/// `JSONEncoder` escapes them (short escapes where JSON has them, `\u00xx` for other control characters, `/` and
/// non-ASCII text as they are). ``JSONFastPath`` reads the text back; `JSONDecoder` reads it the same.
struct JSONWriter {
    private var bytes: [UInt8] = []

    static func parts(_ parts: [MessagePart]) -> String {
        var writer = JSONWriter()
        writer.array(parts) { $0.part($1) }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    static func toolCalls(_ calls: [ToolCall]) -> String {
        var writer = JSONWriter()
        writer.array(calls) { $0.toolCall($1) }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    // MARK: The models

    private mutating func part(_ part: MessagePart) {
        bytes.append(UInt8(ascii: "{"))
        key("type", first: true)
        string(part.type.rawValue)
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
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func toolCall(_ call: ToolCall) {
        bytes.append(UInt8(ascii: "{"))
        key("id", first: true)
        string(call.id)
        key("type")
        string(call.type)
        key("function")
        bytes.append(UInt8(ascii: "{"))
        key("name", first: true)
        string(call.function.name)
        key("arguments")
        string(call.function.arguments)
        bytes.append(contentsOf: "}}".utf8)
    }

    private mutating func toolResult(_ result: ToolResult) {
        bytes.append(UInt8(ascii: "{"))
        key("toolCallId", first: true)
        string(result.toolCallId)
        key("content")
        string(result.content)
        if let isError = result.isError {
            key("isError")
            bytes.append(contentsOf: isError ? "true".utf8 : "false".utf8)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    // MARK: JSON

    private mutating func array<Element>(_ elements: [Element], _ element: (inout JSONWriter, Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            element(&self, value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes `"key":`, after a comma unless it is the object's first field.
    private mutating func key(_ key: StaticString, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        bytes.append(contentsOf: "\":".utf8)
    }

    private mutating func string(_ string: String) {
        var string = string
        bytes.append(UInt8(ascii: "\""))
        string.withUTF8 { text in
            var plainRunStart = 0
            for (index, byte) in text.enumerated()
            where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: text[plainRunStart..<index])
                plainRunStart = index + 1
                escape(byte)
            }
            bytes.append(contentsOf: text[plainRunStart...])
        }
        bytes.append(UInt8(ascii: "\""))
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
