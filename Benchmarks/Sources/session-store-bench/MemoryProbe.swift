import Foundation
import SessionStore

/// Peak memory, measured in a child process so that nothing else the benchmark did counts.
enum MemoryProbe {
    /// Runs this executable with `flag size` and returns what it printed: its peak RSS in MiB.
    static func run(_ flag: String, _ size: Int) throws -> String {
        try SelfProcess([flag, "\(size)"]).finish().printed.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func importing(messages: Int, scratch: Scratch) async throws {
        let directory = try Scenarios(scratch: scratch, scale: 1, run: 0).generateLegacyDirectory(messages: messages)
        // Generating the directory is not the import: only what follows counts.
        Harness.resetPeakRSS()
        let repository = try await SessionRepository(path: scratch.file("import.sqlite"))
        _ = try await LegacyImporter().run(directory: directory, into: repository)
        await repository.close()
        print(String(format: "%.0f", Harness.peakRSSMegabytes()))
    }

    /// Serves a store of `messages` messages: reads every session's messages and appends to some.
    static func serving(messages: Int, scratch: Scratch) async throws {
        let path = scratch.file("serve.sqlite")
        try Workload.seed(path, Workload.workspaceOf(messages: messages))
        Harness.resetPeakRSS()
        let repository = try await SessionRepository(path: path)
        for index in 0..<(messages / 100) {
            _ = try await repository.getSessionMessages(workspaceId: Workload.workspace, sessionId: "s\(index)")
            if index % 10 == 0 {
                _ = try await repository.addMessage(
                    workspaceId: Workload.workspace, sessionId: "s\(index)", message: NewMessage(role: .user, content: Workload.content))
            }
        }
        await repository.close()
        print(String(format: "%.0f", Harness.peakRSSMegabytes()))
    }
}
