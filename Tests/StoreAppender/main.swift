import Foundation
import SessionStore
import SessionStorePostgres

// Test helper: appends messages to one session from a process of its own, printing each message's id on
// standard output once `addMessage` has returned it: what the process has acknowledged.
// Usage: StoreAppender DATABASE WORKSPACE SESSION COUNT LABEL (DATABASE: a file, or a postgres:// URL)

let arguments = CommandLine.arguments
guard arguments.count == 6, let count = Int(arguments[4]) else {
    print("usage: StoreAppender DATABASE WORKSPACE SESSION COUNT LABEL")
    exit(2)
}
let repository: any SessionStoring =
    arguments[1].hasPrefix("postgres://")
    ? try await PostgresRepository(url: arguments[1]) : try await SessionRepository(path: arguments[1])
for index in 0..<count {
    let message = try await repository.addMessage(
        workspaceId: arguments[2], sessionId: arguments[3], message: NewMessage(role: .user, content: "\(arguments[5]) \(index)"))
    // Unbuffered: a line on the pipe is an acknowledgement, even if the process is killed right after.
    FileHandle.standardOutput.write(Data((message.id + "\n").utf8))
}
await repository.close()
