import Foundation
import SessionStore

// Shows the store at work with no set-up: a session with a streamed reply, a fork cut at the question that takes
// another path, a revert that can be undone, and both conversations.
// Pass a file path to keep the database (`swift run session-store-demo demo.sqlite`); by default it is in memory.

let repository: SessionRepository
do {
    repository = CommandLine.arguments.count > 1
        ? try await SessionRepository(path: CommandLine.arguments[1]) : try await SessionRepository.inMemory()
} catch {
    FileHandle.standardError.write(Data("session-store-demo: \(error.localizedDescription)\n".utf8))
    exit(1)
}
let workspace = "demo-workspace"

let session = try await repository.createSession(
    workspaceId: workspace, title: "Fix the login bug", model: ModelSelection(providerId: "anthropic", modelId: "claude"))
let question = try await repository.addMessage(
    workspaceId: workspace, sessionId: session.id, message: NewMessage(role: .user, content: "Why does login fail?"))
let answer = try await repository.addMessage(
    workspaceId: workspace, sessionId: session.id, message: NewMessage(role: .assistant, content: "", status: .streaming))
try await stream(["The session", " cookie", " expires", " too early."], into: answer.id)

let fork = try await repository.forkSession(workspaceId: workspace, sessionId: session.id, messageId: question.id)
_ = try await repository.addMessage(
    workspaceId: workspace, sessionId: fork.id,
    message: NewMessage(role: .assistant, content: "The password hash is compared in the wrong encoding.", status: .completed))
// The original's answer goes to its reverted tail: `unrevert` would bring it back.
_ = try await repository.revert(workspaceId: workspace, sessionId: session.id)

try await printConversations()
await repository.close()

/// Writes a reply into `messageId` token by token, as a model streams it. On the writer's executor each small write
/// runs at once on the writer's thread; the function is nonisolated so that it runs there, not on the main actor.
nonisolated func stream(_ tokens: [String], into messageId: String) async throws {
    try await repository.withWriterExecutor {
        for token in tokens {
            _ = try await repository.updateMessage(workspaceId: workspace, messageId: messageId) { $0.content! += token }
        }
        _ = try await repository.updateMessage(workspaceId: workspace, messageId: messageId) { $0.status = .completed }
    }
}

/// Prints every conversation, oldest session first. On a reader's executor each read runs at once on the reader's
/// thread (on the writer's, in memory, where there are no readers); nonisolated for the same reason as `stream`.
nonisolated func printConversations() async throws {
    try await repository.withReaderExecutor {
        for shown in try await repository.listSessions(workspaceId: workspace).reversed() {
            print("\(shown.title ?? "Untitled") [\(shown.id)]")
            for message in try await repository.getSessionMessages(workspaceId: workspace, sessionId: shown.id) {
                print("  \(message.role.rawValue): \(message.content ?? "")")
            }
            if let reverted = shown.revert {
                print("  (reverted from message \(reverted.messageID) on: unrevert brings it back)")
            }
        }
    }
}
