/// Decodes the `parts` and `tool_calls` columns without `JSONDecoder`, which costs about ten microseconds per
/// message and made reading a tool-heavy conversation twenty times slower than reading its text.
///
/// It builds the models straight from the bytes, skipping (but checking) fields the models do not have. It
/// answers nil for anything else — a missing field, a wrong type, malformed JSON, an escaped key — and the caller
/// then asks `JSONDecoder`, whose answer, a value or an error, stays the reference.
package enum JSONFastPath {
    package static func parts(_ bytes: UnsafeBufferPointer<UInt8>) -> [MessagePart]? {
        var parser = JSONParser(bytes)
        return parser.document { $0.array { $0.part() } }
    }

    package static func toolCalls(_ bytes: UnsafeBufferPointer<UInt8>) -> [ToolCall]? {
        var parser = JSONParser(bytes)
        return parser.document { $0.array { $0.toolCall() } }
    }
}

/// A reader for each model, built from the parser's primitives.
extension JSONParser {
    fileprivate mutating func part() -> MessagePart? {
        var kind: MessagePart.Kind?
        var part = MessagePart(content: nil, toolCall: nil, toolResult: nil, type: .text)
        let complete = object { parser, key in
            if spells(key, "type") {
                guard let type = parser.plainString().flatMap(MessagePart.Kind.init(stored:)) else { return false }
                kind = type
            } else if spells(key, "content") {
                return parser.optional(&part.content) { $0.string() }
            } else if spells(key, "toolCall") {
                return parser.optional(&part.toolCall) { $0.toolCall() }
            } else if spells(key, "toolResult") {
                return parser.optional(&part.toolResult) { $0.toolResult() }
            } else {
                return parser.skipValue()
            }
            return true
        }
        guard complete, let kind else { return nil }
        part.type = kind
        // Moved out, not copied: Swift 6.3 otherwise retains and releases every field of a var the closure saw.
        return consume part
    }

    fileprivate mutating func toolCall() -> ToolCall? {
        var id: String?
        var type: String?
        var name: String?
        var arguments: String?
        let complete = object { parser, key in
            if spells(key, "id") {
                id = parser.string()
                return id != nil
            } else if spells(key, "type") {
                type = parser.string()
                return type != nil
            } else if spells(key, "function") {
                return parser.object { parser, key in
                    if spells(key, "name") {
                        name = parser.string()
                        return name != nil
                    } else if spells(key, "arguments") {
                        arguments = parser.string()
                        return arguments != nil
                    }
                    return parser.skipValue()
                }
            }
            return parser.skipValue()
        }
        // Moved out, as in `part()`.
        guard complete, let id = consume id, let type = consume type, let name = consume name,
            let arguments = consume arguments
        else { return nil }
        return ToolCall(id: id, type: type, function: ToolCall.Function(name: name, arguments: arguments))
    }

    fileprivate mutating func toolResult() -> ToolResult? {
        var toolCallId: String?
        var content: String?
        var isError: Bool?
        let complete = object { parser, key in
            if spells(key, "toolCallId") {
                toolCallId = parser.string()
                return toolCallId != nil
            } else if spells(key, "content") {
                content = parser.string()
                return content != nil
            } else if spells(key, "isError") {
                return parser.optional(&isError) { $0.bool() }
            }
            return parser.skipValue()
        }
        // Moved out, as in `part()`.
        guard complete, let toolCallId = consume toolCallId, let content = consume content else { return nil }
        return ToolResult(toolCallId: toolCallId, content: content, isError: isError)
    }
}

extension MessagePart.Kind {
    /// The kind a part's `type` spells, matched on its bytes: a String for each part showed in the profile.
    init?(stored bytes: UnsafeBufferPointer<UInt8>) {
        if spells(bytes, "text") { self = .text }
        else if spells(bytes, "tool_call") { self = .toolCall }
        else if spells(bytes, "tool_result") { self = .toolResult }
        else if spells(bytes, "thinking") { self = .thinking }
        else if spells(bytes, "code") { self = .code }
        else { return nil }
    }
}
