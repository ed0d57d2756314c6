import Foundation
import SessionStore
import SessionStorePostgres

// Test helper: appends messages to one session from a process of its own, printing each message's id on
// standard output once `addMessage` has returned it: what the process has acknowledged. With TASKS, that many
// tasks append at once (COUNT each); SYNCHRONOUS (normal or full) is a SQLite store's, normal by default.
// Usage: StoreAppender DATABASE WORKSPACE SESSION COUNT LABEL [TASKS [SYNCHRONOUS]] (DATABASE: a file, or a postgres:// URL)

let arguments = CommandLine.arguments
guard (6...8).contains(arguments.count), let count = Int(arguments[4]),
    let tasks = arguments.count > 6 ? Int(arguments[6]) : 1,
    let synchronous = arguments.count > 7 ? ConnectionOptions.Synchronous(rawValue: arguments[7].uppercased()) : .normal
else {
    print("usage: StoreAppender DATABASE WORKSPACE SESSION COUNT LABEL [TASKS [normal|full]]")
    exit(2)
}
let repository: any SessionStoring =
    arguments[1].hasPrefix("postgres://")
    ? try await PostgresRepository(url: arguments[1])
    : try await SessionRepository(path: arguments[1], configuration: Configuration(synchronous: synchronous))
try await withThrowingTaskGroup(of: Void.self) { group in
    for task in 0..<tasks {
        group.addTask {
            for index in 0..<count {
                let message = try await repository.addMessage(
                    workspaceId: arguments[2], sessionId: arguments[3],
                    message: NewMessage(role: .user, content: "\(arguments[5]) \(task * count + index)"))
                // Unbuffered and one write(2) of a short line: a whole line on the pipe is an acknowledgement, even
                // if the process is killed right after.
                FileHandle.standardOutput.write(Data((message.id + "\n").utf8))
            }
        }
    }
    try await group.waitForAll()
}
await repository.close()
