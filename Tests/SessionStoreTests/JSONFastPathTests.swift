import Foundation
import Testing

@testable import SessionStore

/// The fast path must agree with JSONDecoder on everything it accepts, and step aside on everything else.
@Suite struct JSONFastPathTests {
    func fast<T>(_ json: String, _ decode: (UnsafeBufferPointer<UInt8>) -> T?) -> T? {
        var text = json
        return text.withUTF8(decode)
    }

    static let partsDocuments: [String] = [
        "[]",
        #"[{"type":"text","content":"plain"}]"#,
        #"[{"type":"thinking","content":"na\u00efve caf\u00e9 \ud83d\ude80 \"quoted\" \\ \/ \n\t\r\b\f"}]"#,
        #"[{"type":"code","content":"print('hi')\n"}, {"type":"text","content":null}]"#,
        #" [ { "type" : "tool_call" , "toolCall" : { "id" : "c1" , "type" : "function" , "function" : { "name" : "bash" , "arguments" : "{\"n\": 1}" } } } ] "#,
        #"[{"type":"tool_result","toolResult":{"toolCallId":"c1","content":"ok","isError":false}}]"#,
        #"[{"type":"tool_result","toolResult":{"toolCallId":"c1","content":"ok"}}]"#,
        #"[{"type":"text","content":"x","futureField":[1,-2.5e3,true,null,{"a":{}}]}]"#,
        "[{\"type\":\"text\",\"content\":\"日本語のテキスト עברית\"}]",
        #"[{"type":"tool_call","toolCall":{"id":"c","extra":{"deep":[[],{}]},"type":"function","function":{"name":"n","arguments":"","more":1}}}]"#,
        #"[{"type":"tool_result","toolResult":{"toolCallId":"c","content":"","isError":null}}]"#,
        #"[{"type":"text","content":"first","content":"second"}]"#,
    ]

    @Test(arguments: partsDocuments)
    func partsDecodeAsJSONDecoderDecodesThem(json: String) throws {
        let reference = try JSONDecoder().decode([MessagePart].self, from: Data(json.utf8))
        #expect(fast(json, JSONFastPath.parts) == reference)
    }

    static let refusedDocuments: [String] = [
        "", "{}", "[", "[{}]", #"[{"type":"unknown"}]"#, #"[{"type":"text","content":5}]"#,
        #"[{"type":"text"},]"#, #"[{"type":"text"}] x"#, #"[{"type":"text","content":"\ud83d"}]"#,
        #"[{"type":"tool_call","toolCall":{"id":"c"}}]"#, #"[{"type":"text","content":"\q"}]"#,
        #"[{"typ\u0065":"text"}]"#,
        #"[{"type":"text","a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8}]"#,
        "[{\"type\":\"text\",\"content\":\"raw\ncontrol\"}]", #"[{"type":"tool_result","toolResult":{"toolCallId":"c","content":"x","isError":"no"}}]"#,
    ]

    @Test(arguments: refusedDocuments)
    func anythingElseIsLeftToJSONDecoder(json: String) {
        #expect(fast(json, JSONFastPath.parts) == nil)
    }

    @Test(arguments: ["\"", "\\", "\n", "\u{1}", "\u{7F}", "é", "🚀"])
    func aCharacterToStopAtIsFoundWhereverItFallsInAWord(character: String) throws {
        for offset in 0..<20 {
            let parts = [MessagePart(type: .text, content: String(repeating: "a", count: offset) + character + "bcdefghijklmnopq")]
            let stored = JSONWriter.parts(parts)
            #expect(fast(stored, JSONFastPath.parts) == parts, "\(stored)")
        }
    }

    /// Before and after an escape, which ends the run of bytes copied as they are.
    @Test(arguments: [0x0A, 0x1F, 0xFF, 0xC3] as [UInt8], ["", #"\n"#, #"\u00e9"#])
    func aRawControlByteOrBrokenUTF8IsRefusedWhereverItFalls(byte: UInt8, escape: String) {
        for offset in 0..<20 {
            let text = Array(escape.utf8) + Array(repeating: UInt8(ascii: "a"), count: offset) + [byte]
                + Array("bcdefghijklmnopq".utf8)
            let json = Array(#"[{"type":"text","content":""#.utf8) + text + Array(#""}]"#.utf8)
            #expect(json.withUnsafeBufferPointer(JSONFastPath.parts) == nil, "offset \(offset)")
        }
    }

    /// Text that is not UTF-8 once its escapes are decoded: a character cut by an escape, an encoded surrogate,
    /// an overlong encoding; and an escape the text ends in.
    @Test(arguments: [
        [0xC3] + Array(#"\n"#.utf8) + [0xA9], Array(#"\n"#.utf8) + [0xED, 0xA0, 0x80], Array(#"\t"#.utf8) + [0xC0, 0xAF],
        Array(#"\u00e9"#.utf8) + [0xA9], Array(#"a\"#.utf8),
    ] as [[UInt8]])
    func escapedTextThatIsNotUTF8IsRefused(text: [UInt8]) {
        let json = Array(#"[{"type":"text","content":""#.utf8) + text + Array(#""}]"#.utf8)
        #expect(json.withUnsafeBufferPointer(JSONFastPath.parts) == nil)
    }

    /// Escapes of every length, raw characters of several bytes, a surrogate pair last: decoded text as long as
    /// fits on the stack and far longer.
    @Test(arguments: [1, 30, 10_000])
    func escapedTextOfAnyLengthDecodesAsJSONDecoderDecodesIt(repeats: Int) throws {
        let content = String(repeating: #"\"a\\é\u00e9日\n\/\ud83d\ude80"#, count: repeats)
        let json = #"[{"type":"text","content":""# + content + #""}]"#
        let reference = try JSONDecoder().decode([MessagePart].self, from: Data(json.utf8))
        #expect(fast(json, JSONFastPath.parts) == reference)
    }

    @Test func everyPartKindIsReadFromItsStoredSpelling() {
        for kind in MessagePart.Kind.allCases {
            var spelling = kind.rawValue
            #expect(spelling.withUTF8(MessagePart.Kind.init(stored:)) == kind)
        }
        var unknown = "tool"
        #expect(unknown.withUTF8(MessagePart.Kind.init(stored:)) == nil)
    }

    @Test func toolCallsDecodeAsJSONDecoderDecodesThem() throws {
        let json = #"[{"id":"call_1","type":"function","function":{"name":"read_file","arguments":"{\"path\": \"a\"}"}}]"#
        let reference = try JSONDecoder().decode([ToolCall].self, from: Data(json.utf8))
        #expect(fast(json, JSONFastPath.toolCalls) == reference)
        #expect(fast(#"[{"id":"c","type":"function"}]"#, JSONFastPath.toolCalls) == nil)
    }

    @Test func whatTheStoreWritesItReadsBackThroughTheFastPath() throws {
        let parts = [
            MessagePart(type: .thinking, content: "hmm \u{1F680} \"q\" \\ \u{0}"),
            MessagePart(type: .toolCall, toolCall: ToolCall(id: "c", function: .init(name: "n", arguments: "{}"))),
            MessagePart(type: .toolResult, toolResult: ToolResult(toolCallId: "c", content: "done", isError: true)),
        ]
        let stored = JSONWriter.parts(parts)
        #expect(fast(stored, JSONFastPath.parts) == parts)
    }
}

@Suite struct JSONFastPathRandomTests {
    /// Strings with what JSON escapes and what UTF-8 spreads over several bytes.
    static func randomText(_ generator: inout some RandomNumberGenerator) -> String {
        let pieces = [
            "a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\r", "\u{0}", "\u{1F}", "\u{7F}", "é", "日本", "🚀", "\u{FEFF}", "{}",
            "[,]", "null", "a longer run of plain words",
        ]
        return (0..<Int.random(in: 0...16, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
    }

    @Test func whateverTheStoreWritesReadsBackEqual() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let parts = (0..<Int.random(in: 0...4, using: &generator)).map { _ -> MessagePart in
                let call = ToolCall(
                    id: Self.randomText(&generator), type: "function",
                    function: .init(name: Self.randomText(&generator), arguments: Self.randomText(&generator)))
                let result = ToolResult(
                    toolCallId: Self.randomText(&generator), content: Self.randomText(&generator),
                    isError: [nil, true, false].randomElement(using: &generator)!)
                return MessagePart(
                    type: MessagePart.Kind.allCases.randomElement(using: &generator)!,
                    content: Bool.random(using: &generator) ? Self.randomText(&generator) : nil,
                    toolCall: Bool.random(using: &generator) ? call : nil,
                    toolResult: Bool.random(using: &generator) ? result : nil)
            }
            var stored = JSONWriter.parts(parts)
            let decoded = stored.withUTF8(JSONFastPath.parts)
            #expect(decoded == parts, "\(stored)")
            #expect(decoded == (try JSONDecoder().decode([MessagePart].self, from: Data(stored.utf8))))
        }
    }
}
