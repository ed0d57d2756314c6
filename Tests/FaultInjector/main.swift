import FaultVFS
import Foundation
import SessionStore

// Test helper: fails the Nth write or sync of a store operation, for every N until the operation no longer
// reaches it, and checks after each failure that the store is intact and the next call works.
// Usage: FaultInjector DIRECTORY. Prints one line per operation and fault kind; exits 1 on the first breach.

struct Breach: Error, CustomStringConvertible {
    let description: String
}

/// Every row of the store's tables, as text.
func snapshot(_ path: String) throws -> [String] {
    let connection = try Connection(location: .file(path), options: ConnectionOptions(access: .readOnly))
    defer { connection.close() }
    return try ["sessions", "messages", "session_messages"].flatMap { table in
        try connection.prepare("SELECT * FROM \(table) ORDER BY 1, 2").map { row in
            table + ": " + (0..<row.count).map { "\(row.value($0))" }.joined(separator: "|")
        }
    }
}

/// One operation under test: what it does, and how to tell that it took effect.
struct Operation {
    let name: String
    let run: (SessionRepository, _ session: String, _ fork: String) async throws -> Void
    let tookEffect: (SessionRepository, _ session: String, _ fork: String) async throws -> Bool
}

let operations = [
    Operation(name: "addMessage", run: { store, session, _ in
        _ = try await store.addMessage(workspaceId: "w", sessionId: session, message: NewMessage(role: .assistant, content: "added"))
    }, tookEffect: { store, session, _ in
        try await store.getSessionMessages(workspaceId: "w", sessionId: session).last?.content == "added"
    }),
    Operation(name: "forkSession", run: { store, session, _ in
        _ = try await store.forkSession(workspaceId: "w", sessionId: session)
    }, tookEffect: { store, _, _ in
        try await store.getActiveSessionCount(workspaceId: "w") == 3
    }),
    Operation(name: "deleteSession", run: { store, session, _ in
        _ = try await store.deleteSession(workspaceId: "w", sessionId: session)
    }, tookEffect: { store, session, _ in
        try await store.getSession(workspaceId: "w", sessionId: session) == nil
    }),
]

let kinds: [(name: String, kind: faultvfs_kind, synchronous: ConnectionOptions.Synchronous)] = [
    ("write", FAULTVFS_WRITE, .normal), ("disk full", FAULTVFS_FULL, .normal), ("sync", FAULTVFS_SYNC, .full),
]

/// A store with a session of 20 messages and a fork of it, so that a delete keeps shared bodies.
func seed(_ path: String, _ configuration: Configuration) async throws -> (String, String) {
    let store = try await SessionRepository(path: path, configuration: configuration)
    let session = try await store.createSession(workspaceId: "w", title: "original")
    for index in 0..<20 {
        _ = try await store.addMessage(workspaceId: "w", sessionId: session.id, message: NewMessage(role: .user, content: "message \(index)"))
    }
    let fork = try await store.forkSession(workspaceId: "w", sessionId: session.id)
    await store.close()
    return (session.id, fork.id)
}

func inject(into operation: Operation, kind: (name: String, kind: faultvfs_kind, synchronous: ConnectionOptions.Synchronous), in directory: String) async throws -> String {
    let configuration = Configuration(synchronous: kind.synchronous)
    var errors = 0
    var successes = 0
    var n = 1
    while true {
        let path = "\(directory)/\(operation.name)-\(kind.name)-\(n).sqlite"
        let (session, fork) = try await seed(path, configuration)
        let before = try snapshot(path)
        let store = try await SessionRepository(path: path, configuration: configuration)
        faultvfs_arm(kind.kind, Int32(n))
        var failure: (any Error)?
        do {
            try await operation.run(store, session, fork)
        } catch {
            failure = error
        }
        let fired = faultvfs_fired() != 0
        faultvfs_arm(FAULTVFS_OFF, 0)
        let context = "\(operation.name), \(kind.name) fault at call \(n)"
        switch failure {
        case nil:
            successes += 1
            guard try await operation.tookEffect(store, session, fork) else { throw Breach(description: "\(context): succeeded without effect") }
        case let error as SQLiteError:
            errors += 1
            if kind.kind == FAULTVFS_FULL, !error.isDiskFull { throw Breach(description: "\(context): \(error) is not a full disk") }
            guard try snapshot(path) == before else { throw Breach(description: "\(context): failed with \(error) but changed the store") }
        case let error?:
            throw Breach(description: "\(context): untyped error \(error)")
        }
        // The next call works, and the store is sound.
        _ = try await store.addMessage(workspaceId: "w", sessionId: fork, message: NewMessage(role: .user, content: "next"))
        let violations = try await store.check()
        guard violations.isEmpty else { throw Breach(description: "\(context): check found \(violations)") }
        await store.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        if !fired { break }
        n += 1
    }
    return "\(operation.name), \(kind.name) faults: \(n - 1) injected, \(errors) typed errors, store intact every time"
}

guard CommandLine.arguments.count == 2 else {
    print("usage: FaultInjector DIRECTORY")
    exit(2)
}
guard faultvfs_register() == 0 else {
    print("cannot register the fault VFS")
    exit(2)
}
do {
    for operation in operations {
        for kind in kinds {
            print(try await inject(into: operation, kind: kind, in: CommandLine.arguments[1]))
        }
    }
} catch {
    print("BREACH: \(error)")
    exit(1)
}
