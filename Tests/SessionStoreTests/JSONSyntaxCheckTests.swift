import Foundation
import Testing
import TestSupport

@testable import SessionStore

@Suite struct JSONSyntaxCheckTests {
    func failure(_ text: String) -> JSONSyntaxCheck.Failure? {
        JSONSyntaxCheck.firstFailure(in: Array(text.utf8))
    }

    @Test func wellFormedValuesPass() {
        #expect(failure(#" {"a": [1, 2.5e3, -0, 0.5E-2, true, false, null, "x\u00e9\n\"", {}], "b": []} "#) == nil)
        #expect(failure("7") == nil)
        #expect(failure(#""""#) == nil)
    }

    @Test(arguments: [
        (#"{"a":1,}"#, 7), (#"{"a" 1}"#, 5), ("[1] x", 4), ("01", 1), ("[1,,2]", 3), (#"{"a":tx}"#, 6), ("-", nil),
        (#"["\q"]"#, 3), ("[1.]", 3), (#"{1:2}"#, 1), ("]", 0), (#"["a"}"#, 4), ("[\"\u{01}\"]", 2),
    ] as [(String, Int?)])
    func theFirstByteThatCannotStandThereIsFound(text: String, offset: Int?) {
        #expect(failure(text) == offset.map { .unexpectedByte(offset: $0) } ?? .unfinished)
    }

    @Test(arguments: ["", "   ", "[1, 2", #"{"a": "#, #""abc"#, "tru", #"{"a""#, #"["\u00"#, "[1e", String(repeating: "[", count: 512)])
    func aTextCutShortIsUnfinished(text: String) {
        #expect(failure(text) == .unfinished)
    }

    @Test func nestingPastTheLimitIsRefusedWhereItGoesTooDeep() {
        let limit = JSONSyntaxCheck.maximumDepth
        #expect(failure(String(repeating: "[", count: limit) + String(repeating: "]", count: limit)) == nil)
        #expect(failure(String(repeating: "[", count: 200_000)) == .tooDeep(offset: limit))
        #expect(failure(#"{"a":"# + String(repeating: #"{"a":"#, count: limit)) == .tooDeep(offset: 5 * limit))
    }

    @Test func itAgreesWithJSONSerializationOnMangledCopiesOfALegacyFile() throws {
        let file = Paths.fixtures.appendingPathComponent("legacy-sample/ws-7-0/sessions.json")
        let original = Array(try Data(contentsOf: file))
        var generator = SplitMix64(seed: 14)
        let noise = Array(#"{}[],:"\ 0-e.tn"#.utf8)
        for _ in 0..<400 {
            var bytes = original
            for _ in 0...Int.random(in: 0...2, using: &generator) {
                let at = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(noise.randomElement(using: &generator)!, at: at)
                default: bytes.removeSubrange(at...)
                }
                if bytes.isEmpty { bytes = [0x20] }
            }
            // Broken UTF-8 is the decoder's to find, not the syntax check's.
            guard String(validating: bytes, as: UTF8.self) != nil else { continue }
            let accepted = (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
            #expect((JSONSyntaxCheck.firstFailure(in: bytes) == nil) == accepted, "\(String(decoding: bytes, as: UTF8.self))")
        }
    }
}
