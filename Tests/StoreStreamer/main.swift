import Foundation
import SessionStore
import TestSupport

// Test helper: streams a reply into a new message of one session from a process of its own. It prints the
// message's id, then, each time `flush()` has returned, the number of bytes (UTF-8) appended before it: what the
// process has acknowledged as stored. Tokens are `token(i)` of StreamedText, endlessly.
// Usage: StoreStreamer DATABASE WORKSPACE SESSION

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    print("usage: StoreStreamer DATABASE WORKSPACE SESSION")
    exit(2)
}
let repository = try await SessionRepository(path: arguments[1])
let stream = try await repository.openMessageStream(workspaceId: arguments[2], sessionId: arguments[3])
// Unbuffered: a line on the pipe is an acknowledgement, even if the process is killed right after.
FileHandle.standardOutput.write(Data((stream.message.id + "\n").utf8))
var appended = 0
for index in 0... {
    let token = StreamedText.token(index)
    try stream.append(token)
    appended += token.utf8.count
    if index % 64 == 63 {
        try await stream.flush()
        FileHandle.standardOutput.write(Data("\(appended)\n".utf8))
    } else if index % 8 == 0 {
        try await Task.sleep(for: .microseconds(200))
    }
}
