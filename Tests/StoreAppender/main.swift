import Foundation
import SessionStore

// Test helper: appends messages to one session from a process of its own.
// Usage: StoreAppender DATABASE WORKSPACE SESSION COUNT LABEL

let arguments = CommandLine.arguments
guard arguments.count == 6, let count = Int(arguments[4]) else {
    print("usage: StoreAppender DATABASE WORKSPACE SESSION COUNT LABEL")
    exit(2)
}
let repository = try await SessionRepository(path: arguments[1])
for index in 0..<count {
    _ = try await repository.addMessage(
        workspaceId: arguments[2], sessionId: arguments[3], message: NewMessage(role: .user, content: "\(arguments[5]) \(index)"))
}
await repository.close()
