import Foundation
import Testing

@testable import SessionStore

/// The writer must write what `JSONEncoder` writes with sorted keys and unescaped slashes, byte for byte.
@Suite struct JSONWriterTests {
    /// Every ASCII character, and text that UTF-8 spreads over several bytes, including what JSON could escape.
    static let characters: [String] =
        (0..<0x80).map { String(UnicodeScalar(UInt8($0))) } + ["é", "日本", "🚀", "\u{2028}", "\u{FEFF}"]

    @Test(arguments: characters)
    func aCharacterIsEscapedAsJSONEncoderEscapesIt(character: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // At every place of the first eight-byte word and of the next, and alone.
        let texts = ["a\(character)b"] + (0...16).map { offset in
            String(repeating: "p", count: offset) + character + String(repeating: "q", count: 24 - offset)
        }
        for text in texts {
            // `["…"]` without its brackets: the string as JSONEncoder writes it.
            let reference = String(decoding: try encoder.encode([text]), as: UTF8.self).dropFirst().dropLast()
            #expect(JSONWriter.parts([MessagePart(type: .text, content: text)]) == #"[{"content":\#(reference),"type":"text"}]"#)
        }
    }

    @Test func everyFieldIsWrittenAndAbsentOnesLeftOut() throws {
        let parts = [
            MessagePart(type: .toolCall, toolCall: ToolCall(id: "c1", function: .init(name: "bash", arguments: "{}"))),
            MessagePart(type: .toolResult, toolResult: ToolResult(toolCallId: "c1", content: "ok", isError: false)),
            MessagePart(type: .toolResult, toolResult: ToolResult(toolCallId: "c1", content: "", isError: nil)),
        ]
        #expect(JSONWriter.parts(parts) == """
            [{"toolCall":{"function":{"arguments":"{}","name":"bash"},"id":"c1","type":"function"},"type":"tool_call"},\
            {"toolResult":{"content":"ok","isError":false,"toolCallId":"c1"},"type":"tool_result"},\
            {"toolResult":{"content":"","toolCallId":"c1"},"type":"tool_result"}]
            """)
        #expect(JSONWriter.parts([]) == "[]")
        #expect(JSONWriter.toolCalls([]) == "[]")
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    @Test func randomMessagesAreWrittenAsJSONEncoderWritesThem() throws {
        var generator = SystemRandomNumberGenerator()
        let costs = [0, 3, 0.1, 1e-5, 1e20, 1e16, 1e15, -0.0, 1.0 / 3, 123_456_789.125]
        for _ in 0..<300 {
            let messages = (0..<Int.random(in: 0...3, using: &generator)).map { _ in
                Self.randomMessage(&generator, cost: costs.randomElement(using: &generator)!)
            }
            let page = Page(
                items: messages, before: Bool.random(using: &generator) ? "b\"1" : nil,
                after: Bool.random(using: &generator) ? "a/2" : nil)
            #expect(try MessageJSON.encode(page) == Array(Self.encoder.encode(page)))
            #expect(try MessageJSON.encode(messages) == Array(Self.encoder.encode(messages)))
            for message in messages {
                #expect(try MessageJSON.encode(message) == Array(Self.encoder.encode(message)))
            }
        }
    }

    @Test(arguments: [Int64.min, Int64.min + 1, -10, -9, -1, 0, 1, 9, 10, 99, 100, 1_733_097_600_000, Int64.max - 1, .max])
    func anIntegerIsWrittenAsJSONEncoderWritesIt(value: Int64) throws {
        var generator = SystemRandomNumberGenerator()
        var message = Self.randomMessage(&generator, cost: 0)
        message.createdAt = value
        message.usage = Usage(inputTokens: Int(value), outputTokens: Int(truncatingIfNeeded: value / 7))
        #expect(try MessageJSON.encode(message) == Array(Self.encoder.encode(message)))
    }

    @Test(arguments: [Double.infinity, -.infinity, .nan])
    func aCostJSONCannotHoldThrowsAsJSONEncoderDoes(cost: Double) throws {
        var generator = SystemRandomNumberGenerator()
        var message = Self.randomMessage(&generator, cost: 0)
        message.usage = Usage(cost: cost)
        #expect(throws: EncodingError.self) { try Self.encoder.encode(message) }
        #expect(throws: EncodingError.self) { try MessageJSON.encode(message) }
    }

    static func randomMessage(_ caller: inout some RandomNumberGenerator, cost: Double) -> SessionMessage {
        // The nested functions capture a local copy, handed back at the end: under the thread sanitizer, the
        // build of a nested generic function that captured the inout parameter itself crashed reading it.
        var generator = caller
        defer { caller = generator }
        func text() -> String { JSONFastPathRandomTests.randomText(&generator) }
        func maybe<T>(_ value: @autoclosure () -> T) -> T? { Bool.random(using: &generator) ? value() : nil }
        let parts = maybe((0..<Int.random(in: 0...3, using: &generator)).map { _ in
            MessagePart(
                type: MessagePart.Kind.allCases.randomElement(using: &generator)!, content: maybe(text()),
                toolCall: maybe(ToolCall(id: text(), type: text(), function: .init(name: text(), arguments: text()))),
                toolResult: maybe(ToolResult(toolCallId: text(), content: text(), isError: maybe(Bool.random(using: &generator)))))
        })
        return SessionMessage(
            id: text(), sessionId: text(), role: SessionMessage.Role.allCases.randomElement(using: &generator)!,
            content: maybe(text()), parts: parts, createdAt: Int64.random(in: .min ... .max, using: &generator),
            updatedAt: Int64.random(in: 0...2_000_000_000_000, using: &generator),
            toolCalls: maybe([ToolCall(id: text(), function: .init(name: text(), arguments: text()))]),
            toolCallId: maybe(text()), status: maybe(SessionMessage.Status.allCases.randomElement(using: &generator)!),
            usage: maybe(Usage(
                inputTokens: Int.random(in: 0...1_000_000, using: &generator), outputTokens: -1, reasoningTokens: .max,
                cacheReadTokens: .min, cacheWriteTokens: 0, cost: cost)))
    }

    @Test func randomToolCallsReadBackEqual() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let calls = (0..<Int.random(in: 0...3, using: &generator)).map { _ in
                ToolCall(
                    id: JSONFastPathRandomTests.randomText(&generator), type: JSONFastPathRandomTests.randomText(&generator),
                    function: .init(
                        name: JSONFastPathRandomTests.randomText(&generator),
                        arguments: JSONFastPathRandomTests.randomText(&generator)))
            }
            var stored = JSONWriter.toolCalls(calls)
            #expect(try JSONDecoder().decode([ToolCall].self, from: Data(stored.utf8)) == calls, "\(stored)")
            #expect(stored.withUTF8(JSONFastPath.toolCalls) == calls, "\(stored)")
        }
    }
}
