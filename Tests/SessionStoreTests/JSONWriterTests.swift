import Foundation
import Testing

@testable import SessionStore

/// The writer must write what JSONDecoder reads back equal, escaping strings as JSONEncoder escapes them.
@Suite struct JSONWriterTests {
    /// Every ASCII character, and text that UTF-8 spreads over several bytes, including what JSON could escape.
    static let characters: [String] =
        (0..<0x80).map { String(UnicodeScalar(UInt8($0))) } + ["é", "日本", "🚀", "\u{2028}", "\u{FEFF}"]

    @Test(arguments: characters)
    func aCharacterIsEscapedAsJSONEncoderEscapesIt(character: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let text = "a\(character)b"
        // `["…"]` without its brackets: the string as JSONEncoder writes it.
        let reference = String(decoding: try encoder.encode([text]), as: UTF8.self).dropFirst().dropLast()
        #expect(JSONWriter.parts([MessagePart(type: .text, content: text)]) == #"[{"type":"text","content":\#(reference)}]"#)
    }

    @Test func everyFieldIsWrittenAndAbsentOnesLeftOut() throws {
        let parts = [
            MessagePart(type: .toolCall, toolCall: ToolCall(id: "c1", function: .init(name: "bash", arguments: "{}"))),
            MessagePart(type: .toolResult, toolResult: ToolResult(toolCallId: "c1", content: "ok", isError: false)),
            MessagePart(type: .toolResult, toolResult: ToolResult(toolCallId: "c1", content: "", isError: nil)),
        ]
        #expect(JSONWriter.parts(parts) == """
            [{"type":"tool_call","toolCall":{"id":"c1","type":"function","function":{"name":"bash","arguments":"{}"}}},\
            {"type":"tool_result","toolResult":{"toolCallId":"c1","content":"ok","isError":false}},\
            {"type":"tool_result","toolResult":{"toolCallId":"c1","content":""}}]
            """)
        #expect(JSONWriter.parts([]) == "[]")
        #expect(JSONWriter.toolCalls([]) == "[]")
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
