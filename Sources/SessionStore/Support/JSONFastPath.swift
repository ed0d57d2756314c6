/// Decodes the `parts` and `tool_calls` columns without `JSONDecoder`, which costs about ten microseconds per
/// message and made reading a tool-heavy conversation twenty times slower than reading its text.
///
/// It reads any JSON, and builds values only from the shapes the models define; it answers nil for anything
/// else (a missing field, a wrong type, malformed JSON), and the caller then asks `JSONDecoder`, whose answer —
/// a value or an error — stays the reference.
enum JSONFastPath {
    static func parts(_ bytes: UnsafeBufferPointer<UInt8>) -> [MessagePart]? {
        var parser = Parser(bytes)
        guard case .array(let elements)? = parser.document() else { return nil }
        var parts: [MessagePart] = []
        parts.reserveCapacity(elements.count)
        for element in elements {
            guard case .object(let fields) = element, case .string(let type)? = fields["type"],
                let kind = MessagePart.Kind(rawValue: type)
            else { return nil }
            var part = MessagePart(type: kind)
            switch fields["content"] {
            case nil, .null?: break
            case .string(let content)?: part.content = content
            default: return nil
            }
            switch fields["toolCall"] {
            case nil, .null?: break
            case let value?:
                guard let toolCall = toolCall(value) else { return nil }
                part.toolCall = toolCall
            }
            switch fields["toolResult"] {
            case nil, .null?: break
            case let value?:
                guard let toolResult = toolResult(value) else { return nil }
                part.toolResult = toolResult
            }
            parts.append(part)
        }
        return parts
    }

    static func toolCalls(_ bytes: UnsafeBufferPointer<UInt8>) -> [ToolCall]? {
        var parser = Parser(bytes)
        guard case .array(let elements)? = parser.document() else { return nil }
        var calls: [ToolCall] = []
        calls.reserveCapacity(elements.count)
        for element in elements {
            guard let call = toolCall(element) else { return nil }
            calls.append(call)
        }
        return calls
    }

    private static func toolCall(_ value: Value) -> ToolCall? {
        guard case .object(let fields) = value, case .string(let id)? = fields["id"], case .string(let type)? = fields["type"],
            case .object(let function)? = fields["function"], case .string(let name)? = function["name"],
            case .string(let arguments)? = function["arguments"]
        else { return nil }
        return ToolCall(id: id, type: type, function: ToolCall.Function(name: name, arguments: arguments))
    }

    private static func toolResult(_ value: Value) -> ToolResult? {
        guard case .object(let fields) = value, case .string(let toolCallId)? = fields["toolCallId"],
            case .string(let content)? = fields["content"]
        else { return nil }
        switch fields["isError"] {
        case nil, .null?: return ToolResult(toolCallId: toolCallId, content: content)
        case .bool(let isError)?: return ToolResult(toolCallId: toolCallId, content: content, isError: isError)
        default: return nil
        }
    }

    fileprivate enum Value {
        /// Fields in document order; a later duplicate key wins, as in JSONDecoder.
        case object(Fields)
        case array([Value])
        case string(String)
        case number
        case bool(Bool)
        case null
    }

    /// An object's fields: a handful, so a list beats hashing.
    fileprivate struct Fields {
        var pairs: [(key: String, value: Value)] = []

        subscript(key: String) -> Value? {
            pairs.last { $0.key == key }?.value
        }
    }

    /// A JSON parser (RFC 8259) over UTF-8 bytes; numbers are checked and skipped, since no field here holds one.
    fileprivate struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        /// The one value the text holds, or nil when it is not exactly one JSON value.
        mutating func document() -> Value? {
            guard let value = value() else { return nil }
            skipWhitespace()
            return index == bytes.count ? value : nil
        }

        private mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) {
                index += 1
            }
        }

        private mutating func consume(_ byte: UInt8) -> Bool {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        private mutating func literal(_ text: StaticString, _ value: Value) -> Value? {
            let count = text.utf8CodeUnitCount
            guard index + count <= bytes.count else { return nil }
            for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] {
                return nil
            }
            index += count
            return value
        }

        private mutating func value() -> Value? {
            skipWhitespace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object()
            case UInt8(ascii: "["): return array()
            case UInt8(ascii: "\""): return string().map(Value.string)
            case UInt8(ascii: "t"): return literal("true", .bool(true))
            case UInt8(ascii: "f"): return literal("false", .bool(false))
            case UInt8(ascii: "n"): return literal("null", .null)
            default: return number()
            }
        }

        private mutating func object() -> Value? {
            index += 1
            var fields = Fields()
            if consume(UInt8(ascii: "}")) { return .object(fields) }
            repeat {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string(),
                    consume(UInt8(ascii: ":")), let value = value()
                else { return nil }
                fields.pairs.append((key, value))
            } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "}")) ? .object(fields) : nil
        }

        private mutating func array() -> Value? {
            index += 1
            var elements: [Value] = []
            if consume(UInt8(ascii: "]")) { return .array(elements) }
            repeat {
                guard let element = value() else { return nil }
                elements.append(element)
            } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "]")) ? .array(elements) : nil
        }

        private mutating func number() -> Value? {
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            let digits = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) || [0x2B, 0x2D, 0x2E, 0x45, 0x65].contains(bytes[index]) {
                index += 1
            }
            guard index > digits, Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) != nil
            else { return nil }
            return .number
        }

        /// A string starting at the opening quote; escapes decoded, unpaired surrogates refused.
        private mutating func string() -> String? {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 {
                index += 1
            }
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "\"") {
                defer { index += 1 }
                return validUTF8(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            }
            var utf8 = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return utf8.withUnsafeBufferPointer(validUTF8)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return nil }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"):
                        guard let scalar = unicodeEscape() else { return nil }
                        utf8.append(contentsOf: String(scalar).utf8)
                    default: return nil
                    }
                case ..<0x20:
                    return nil
                default:
                    utf8.append(byte)
                }
            }
            return nil
        }

        /// The bytes as a String, or nil when they are not valid UTF-8 (which `String(decoding:)` would repair).
        private func validUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
            // ASCII needs no validation, and is most of what is stored.
            if bytes.allSatisfy({ $0 < 0x80 }) {
                return String(decoding: bytes, as: UTF8.self)
            }
            return String(validating: bytes, as: UTF8.self)
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
    }
}
