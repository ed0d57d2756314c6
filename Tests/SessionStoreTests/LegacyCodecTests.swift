import Foundation
import Testing
import TestSupport

@testable import SessionStore

@Suite struct LegacyCodecTests {
    static let sampleFiles: [URL] = {
        let folder = Paths.fixtures.appendingPathComponent("legacy-sample")
        let workspaces = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return workspaces.sorted().map { folder.appendingPathComponent($0).appendingPathComponent("sessions.json") }
    }()

    func jsonValue(_ data: Data) throws -> NSObject {
        try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as! NSObject
    }

    @Test func theSampleIsThere() {
        #expect(Self.sampleFiles.count >= 2, "expected Tests/Fixtures/legacy-sample in the repository")
    }

    @Test(arguments: sampleFiles)
    func everySampleFileDecodesAndEncodesBackToEqualJSON(file: URL) throws {
        let original = try Data(contentsOf: file)
        let workspace = try LegacyWorkspace(jsonData: original)
        #expect(!workspace.sessions.isEmpty)
        #expect(try jsonValue(workspace.jsonData()) == jsonValue(original))
    }

    @Test func modelsEncodeTheSeedsKeys() throws {
        let session = Session(id: "s", workspaceId: "w", title: "t", parentId: nil, createdAt: 1, updatedAt: 2, messageIds: ["m"])
        let encoded = try jsonValue(JSONEncoder().encode(session)) as! [String: Any]
        #expect(Set(encoded.keys) == ["id", "workspaceId", "title", "parentId", "createdAt", "updatedAt", "messageIds"])
        #expect(encoded["parentId"] is NSNull)

        let message = SessionMessage(
            id: "m", sessionId: "s", role: .tool, content: "ok",
            parts: [MessagePart(type: .toolResult, toolResult: ToolResult(toolCallId: "c", content: "ok", isError: false))],
            createdAt: 1, updatedAt: 1, toolCallId: "c")
        let json = String(decoding: try JSONEncoder().encode(message), as: UTF8.self)
        #expect(json.contains(#""type":"tool_result""#))
        #expect(json.contains(#""toolCallId":"c""#))
        #expect(!json.contains("toolCalls") && !json.contains("status"))
    }
}

@Suite struct LegacyImportProgressTests {
    @Test(arguments: [false, true])
    func progressCountsTheMessagesImportedOrThatADryRunWouldImport(dryRun: Bool) async throws {
        let repository = try await SessionRepository.inMemory()
        let seen = Locked<[LegacyImporter.Progress]>([])
        let report = try await LegacyImporter(options: .init(dryRun: dryRun)).run(
            directory: Paths.fixtures.appendingPathComponent("legacy-sample").path, into: repository
        ) { progress in seen.withLock { $0.append(progress) } }
        let progress = seen.withLock { $0 }
        #expect(progress.map(\.workspacesDone) == [1, 2])
        #expect(progress.last?.messagesImported == report.workspaces.map(\.messagesImported).reduce(0, +))
        #expect(progress.last?.messagesImported ?? 0 > 0)
        #expect(try await repository.getActiveSessionCount(workspaceId: "ws-7-0") == (dryRun ? 0 : 5))
    }
}
