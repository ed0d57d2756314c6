import Foundation
import Testing

@testable import SessionStore

/// The models' fields are written out three times: in their Codable conformance, in `JSONWriter` and in
/// `JSONFastPath`. These tests build values with every field set, so that a field added to a model but forgotten
/// by the writer or the fast path fails here instead of being dropped silently on the next write or read.
@Suite struct ModelCodingTests {
    static let call = ToolCall(id: "call_1", type: "function", function: .init(name: "bash", arguments: #"{"cmd":"ls \"a b\""}"#))
    static let result = ToolResult(toolCallId: "call_1", content: "a\nb", isError: true)
    static let part = MessagePart(type: .toolResult, content: "shown", toolCall: call, toolResult: result)
    static let message = SessionMessage(
        id: "m", sessionId: "s", role: .assistant, content: "text", parts: [part], createdAt: 1, updatedAt: 2,
        toolCalls: [call], toolCallId: "call_0", status: .completed,
        usage: Usage(inputTokens: 1, outputTokens: 2, reasoningTokens: 3, cacheReadTokens: 4, cacheWriteTokens: 5, cost: 0.25))
    static let session = Session(
        id: "s", workspaceId: "w", title: "t", parentId: "p", createdAt: 1, updatedAt: 2, messageIds: ["m"],
        model: ModelSelection(providerId: "anthropic", modelId: "claude"), agent: "build",
        revert: RevertMarker(messageID: "m", reason: "undo"), forkedFrom: ForkPoint(sessionId: "o", messageId: "m0"))

    /// The paths of the optionals that are nil anywhere inside `value`.
    func unsetFields(_ value: Any, at path: String = "") -> [String] {
        Mirror(reflecting: value).children.flatMap { child -> [String] in
            let childPath = path + "." + (child.label ?? "?")
            let mirror = Mirror(reflecting: child.value)
            if mirror.displayStyle == .optional {
                guard let wrapped = mirror.children.first?.value else { return [childPath] }
                return unsetFields(wrapped, at: childPath)
            }
            return unsetFields(child.value, at: childPath)
        }
    }

    @Test func theValuesBelowSetEveryField() {
        for value in [Self.part, Self.message, Self.session] as [Any] {
            #expect(unsetFields(value).isEmpty, "set these in the test's value too: \(unsetFields(value))")
        }
    }

    /// `values` written by the writer and by JSONEncoder: the same JSON, which JSONDecoder and the fast path both
    /// read back equal.
    func expectRoundTrip<Value: Codable & Equatable>(
        _ values: [Value], write: ([Value]) -> String, fastPath: (UnsafeBufferPointer<UInt8>) -> [Value]?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let written = Data(write(values).utf8)
        let encoded = try JSONEncoder().encode(values)
        #expect(try JSONSerialization.jsonObject(with: written) as? NSArray == JSONSerialization.jsonObject(with: encoded) as? NSArray,
            sourceLocation: sourceLocation)
        #expect(try JSONDecoder().decode([Value].self, from: written) == values, sourceLocation: sourceLocation)
        #expect(Array(written).withUnsafeBufferPointer(fastPath) == values, sourceLocation: sourceLocation)
        #expect(Array(encoded).withUnsafeBufferPointer(fastPath) == values, sourceLocation: sourceLocation)
    }

    @Test func partsGoThroughTheWriterAndTheFastPathAsThroughJSONEncoderAndJSONDecoder() throws {
        try expectRoundTrip(
            [Self.part, MessagePart(type: .text, content: "plain")], write: JSONWriter.parts, fastPath: JSONFastPath.parts)
    }

    @Test func toolCallsGoThroughTheWriterAndTheFastPathAsThroughJSONEncoderAndJSONDecoder() throws {
        try expectRoundTrip(
            [Self.call, ToolCall(id: "call_2", function: .init(name: "read", arguments: "{}"))],
            write: JSONWriter.toolCalls, fastPath: JSONFastPath.toolCalls)
    }

    @Test func aStoredMessageAndSessionReadBackWithEveryField() async throws {
        let repository = try await SessionRepository.inMemory()
        let session = try await repository.createSession(
            workspaceId: "w", title: "t", model: Self.session.model, agent: Self.session.agent)
        _ = try await repository.addMessage(workspaceId: "w", sessionId: session.id, message: NewMessage(role: .user, content: "q"))
        let child = try await repository.forkSession(workspaceId: "w", sessionId: session.id)
        let added = try await repository.addMessage(workspaceId: "w", sessionId: child.id, message: NewMessage(
            id: "caller-chosen", role: .assistant, content: "text", parts: [Self.part], toolCalls: [Self.call],
            toolCallId: "call_0", status: .completed, usage: Self.message.usage))
        _ = try await repository.updateSession(workspaceId: "w", sessionId: child.id) {
            $0.model = Self.session.model
            $0.agent = Self.session.agent
            $0.revert = RevertMarker(messageID: added.id, reason: "undo")
        }
        let stored = try #require(try await repository.getSession(workspaceId: "w", sessionId: child.id))
        #expect(unsetFields(stored).isEmpty, "\(unsetFields(stored))")
        let messages = try await repository.getSessionMessages(workspaceId: "w", sessionId: child.id)
        #expect(messages.last == added)
        #expect(unsetFields(added).isEmpty, "\(unsetFields(added))")
        // The seed's JSON both ways.
        #expect(try JSONDecoder().decode(Session.self, from: JSONEncoder().encode(stored)) == stored)
        #expect(try JSONDecoder().decode(SessionMessage.self, from: JSONEncoder().encode(added)) == added)
    }
}
