/// A structured piece of a message: text, thinking, code, a tool call or a tool's result.
public struct MessagePart: Codable, Sendable, Hashable {
    /// What the part holds.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case text
        case toolCall = "tool_call"
        case toolResult = "tool_result"
        case thinking
        case code
    }

    // `type` is declared last and the public initializer lives in an extension, so that Swift still synthesizes
    // the memberwise initializer, which the JSON reader builds parts with (Benchmarks/README.md, "Model layout").

    /// The text of a text, thinking or code part.
    public var content: String?
    /// The call of a tool-call part.
    public var toolCall: ToolCall?
    /// The result of a tool-result part.
    public var toolResult: ToolResult?
    /// What the part holds (JSON key `type`).
    public var type: Kind
}

extension MessagePart {
    /// Creates a part.
    public init(type: Kind, content: String? = nil, toolCall: ToolCall? = nil, toolResult: ToolResult? = nil) {
        self.init(content: content, toolCall: toolCall, toolResult: toolResult, type: type)
    }
}

/// A function call an assistant asks a tool to make.
public struct ToolCall: Codable, Sendable, Hashable {
    /// The function and its arguments.
    public struct Function: Codable, Sendable, Hashable {
        /// The tool's name.
        public var name: String
        /// The arguments, as the JSON text the model wrote.
        public var arguments: String

        /// Creates a function call.
        public init(name: String, arguments: String) {
            self.name = name
            self.arguments = arguments
        }
    }

    /// The call's id, which the tool's answer names.
    public var id: String
    /// Always "function" in the old store's data.
    public var type: String
    /// The function called.
    public var function: Function

    /// Creates a tool call.
    public init(id: String, type: String = "function", function: Function) {
        self.id = id
        self.type = type
        self.function = function
    }
}

/// What a tool answered.
public struct ToolResult: Codable, Sendable, Hashable {
    /// The call answered.
    public var toolCallId: String
    /// The tool's output.
    public var content: String
    /// Whether the tool failed.
    public var isError: Bool?

    /// Creates a tool result.
    public init(toolCallId: String, content: String, isError: Bool? = nil) {
        self.toolCallId = toolCallId
        self.content = content
        self.isError = isError
    }
}
