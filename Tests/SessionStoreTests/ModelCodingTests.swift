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
        toolCalls: [call], toolCallId: "call_0", status: .completed)
    static let session = Session(
        id: "s", workspaceId: "w", title: "t", parentId: "p", createdAt: 1, updatedAt: 2, messageIds: ["m"],
        model: ModelSelection(providerId: "anthropic", modelId: "claude"), agent: "build",
        revert: RevertMarker(messageID: "m", reason: "undo"))

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

    @Test func partsGoThroughTheWriterAndTheFastPathAsThroughJSONEncoderAndJSONDecoder() throws {
        let parts = [Self.part, MessagePart(type: .text, content: "plain")]
        let written = JSONWriter.parts(parts)
        let encoded = try JSONEncoder().encode(parts)
        #expect(try JSONSerialization.jsonObject(with: Data(written.utf8)) as? NSArray
            == JSONSerialization.jsonObject(with: encoded) as? NSArray)
        #expect(try JSONDecoder().decode([MessagePart].self, from: Data(written.utf8)) == parts)
        #expect(Array(written.utf8).withUnsafeBufferPointer(JSONFastPath.parts) == parts)
        #expect(Array(encoded).withUnsafeBufferPointer(JSONFastPath.parts) == parts)
    }

    @Test func toolCallsGoThroughTheWriterAndTheFastPathAsThroughJSONEncoderAndJSONDecoder() throws {
        let calls = [Self.call, ToolCall(id: "call_2", function: .init(name: "read", arguments: "{}"))]
        let written = JSONWriter.toolCalls(calls)
        let encoded = try JSONEncoder().encode(calls)
        #expect(try JSONSerialization.jsonObject(with: Data(written.utf8)) as? NSArray
            == JSONSerialization.jsonObject(with: encoded) as? NSArray)
        #expect(try JSONDecoder().decode([ToolCall].self, from: Data(written.utf8)) == calls)
        #expect(Array(written.utf8).withUnsafeBufferPointer(JSONFastPath.toolCalls) == calls)
        #expect(Array(encoded).withUnsafeBufferPointer(JSONFastPath.toolCalls) == calls)
    }

    @Test func aStoredMessageAndSessionReadBackWithEveryField() async throws {
        let repository = try await SessionRepository.inMemory()
        let session = try await repository.createSession(
            workspaceId: "w", title: "t", model: Self.session.model, agent: Self.session.agent)
        let child = try await repository.createSession(workspaceId: "w", title: "child", parentId: session.id)
        let added = try await repository.addMessage(workspaceId: "w", sessionId: child.id, message: NewMessage(
            role: .assistant, content: "text", parts: [Self.part], toolCalls: [Self.call], toolCallId: "call_0", status: .completed))
        _ = try await repository.updateSession(workspaceId: "w", sessionId: child.id) {
            $0.model = Self.session.model
            $0.agent = Self.session.agent
            $0.revert = RevertMarker(messageID: added.id, reason: "undo")
        }
        let stored = try #require(try await repository.getSession(workspaceId: "w", sessionId: child.id))
        #expect(unsetFields(stored).isEmpty, "\(unsetFields(stored))")
        let messages = try await repository.getSessionMessages(workspaceId: "w", sessionId: child.id)
        #expect(messages == [added])
        #expect(unsetFields(added).isEmpty, "\(unsetFields(added))")
        // The seed's JSON both ways.
        #expect(try JSONDecoder().decode(Session.self, from: JSONEncoder().encode(stored)) == stored)
        #expect(try JSONDecoder().decode(SessionMessage.self, from: JSONEncoder().encode(added)) == added)
    }
}
