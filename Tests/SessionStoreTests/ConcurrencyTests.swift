import Foundation
import Testing
import TestSupport

@testable import SessionStore
@testable import SessionStoreSQLite

@Suite struct ConcurrencyTests {
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.file("db.sqlite")
    }

    @Test func eightTasksOfMixedOperationsLeaveExactCountsAndASoundStore() async throws {
        let repository = try await SessionRepository(path: path)
        let workspace = "busy"
        struct Tally: Sendable {
            var sessions = 0
            var messages = 0
        }
        @Sendable func mixedOperations(_ task: Int) async throws -> Tally {
            var tally = Tally()
            var mine: [Session] = []
            var trashed: [Session] = []
            var generator = SystemRandomNumberGenerator()
            for step in 0..<500 {
                let operation = mine.isEmpty ? 0 : Int.random(in: 0..<15, using: &generator)
                switch operation {
                case 0:
                    mine.append(try await repository.createSession(workspaceId: workspace, title: "t\(task)-\(step)"))
                    tally.sessions += 1
                case 1...4:
                    let session = mine.randomElement(using: &generator)!
                    _ = try await repository.addMessage(
                        workspaceId: workspace, sessionId: session.id, message: NewMessage(role: .user, content: "\(task)-\(step)"))
                case 5:
                    let session = mine.randomElement(using: &generator)!
                    mine.append(try await repository.forkSession(workspaceId: workspace, sessionId: session.id))
                    tally.sessions += 1
                case 6:
                    let session = mine.randomElement(using: &generator)!
                    _ = try await repository.revert(workspaceId: workspace, sessionId: session.id)
                case 7:
                    let index = Int.random(in: mine.indices, using: &generator)
                    #expect(try await repository.deleteSession(workspaceId: workspace, sessionId: mine[index].id))
                    mine.remove(at: index)
                    tally.sessions -= 1
                case 8:
                    let session = mine.randomElement(using: &generator)!
                    let messages = try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id)
                    if let last = messages.last {
                        _ = try await repository.updateMessage(workspaceId: workspace, messageId: last.id) {
                            $0.content = ($0.content ?? "") + "!"
                        }
                    }
                case 9:
                    let session = mine.randomElement(using: &generator)!
                    if let cut = try await repository.getSession(workspaceId: workspace, sessionId: session.id)!.messageIds.randomElement() {
                        mine.append(try await repository.forkSession(workspaceId: workspace, sessionId: session.id, messageId: cut))
                        tally.sessions += 1
                    }
                case 10:
                    _ = try await repository.unrevert(workspaceId: workspace, sessionId: mine.randomElement(using: &generator)!.id)
                case 11:
                    if let session = trashed.popLast() {
                        #expect(try await repository.restoreSession(workspaceId: workspace, sessionId: session.id)?.id == session.id)
                        mine.append(session)
                        tally.sessions += 1
                    } else {
                        let index = Int.random(in: mine.indices, using: &generator)
                        #expect(try await repository.trashSession(workspaceId: workspace, sessionId: mine[index].id))
                        trashed.append(mine.remove(at: index))
                        tally.sessions -= 1
                    }
                case 12:
                    let session = mine.randomElement(using: &generator)!
                    let request = NewMessage(id: "retry-\(task)-\(step)", role: .user, content: "once", usage: Usage(inputTokens: 1))
                    let first = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: request)
                    #expect(try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: request) == first)
                case 13:
                    let session = mine.randomElement(using: &generator)!
                    #expect(try await repository.getSessionTree(workspaceId: workspace, sessionId: session.id) != nil)
                    #expect(try await repository.getSessionUsage(workspaceId: workspace, sessionId: session.id) != nil)
                default:
                    let session = mine.randomElement(using: &generator)!
                    let stored = try await repository.getSession(workspaceId: workspace, sessionId: session.id)
                    #expect(stored?.id == session.id)
                }
            }
            // Back from the trash, so that every link is counted below.
            for session in trashed {
                #expect(try await repository.restoreSession(workspaceId: workspace, sessionId: session.id) != nil)
                mine.append(session)
                tally.sessions += 1
            }
            // What this task's sessions show, read back through the API.
            for session in mine {
                tally.messages += try await repository.getSession(workspaceId: workspace, sessionId: session.id)!.messageIds.count
            }
            return tally
        }
        let tallies = try await withThrowingTaskGroup(of: Tally.self) { group in
            for task in 0..<8 {
                group.addTask {
                    // A third of the tasks run on the writer's executor, where their writes skip the queue, and a
                    // third on a reader's, where their reads do.
                    switch task % 3 {
                    case 0: try await repository.withWriterExecutor { try await mixedOperations(task) }
                    case 1: try await repository.withReaderExecutor { try await mixedOperations(task) }
                    default: try await mixedOperations(task)
                    }
                }
            }
            return try await group.reduce(into: [Tally]()) { $0.append($1) }
        }
        #expect(try await repository.getActiveSessionCount(workspaceId: workspace) == tallies.map(\.sessions).reduce(0, +))
        await repository.close()
        #expect(try Fixtures.count("session_messages", in: path) == Int64(tallies.map(\.messages).reduce(0, +)))
        var options = Configuration().connectionOptions
        options.access = .readOnly
        #expect(try StoreCheck.run(Connection(location: .file(path), options: options)).isEmpty)
    }

    @Test func callsSharingACommitFailAloneAndTheOthersLand() async throws {
        let repository = try await SessionRepository(path: path)
        let session = try await repository.createSession(workspaceId: "w")
        let taken = try await repository.addMessage(
            workspaceId: "w", sessionId: session.id, message: NewMessage(id: "taken", role: .user, content: "first"))
        struct Outcomes: Sendable {
            var added: [String]
            var unknownSession: (any Error)?
            var conflict: (any Error)?
            var sharedATransaction: Bool
        }
        // While this task holds the writer's queue, the calls of the detached tasks queue up behind it and go in
        // one group once it lets go.
        let calls = try await repository.withWriterExecutor {
            let calls = Task.detached {
                async let added = withThrowingTaskGroup(of: String.self) { group in
                    for index in 0..<6 {
                        group.addTask {
                            try await repository.addMessage(
                                workspaceId: "w", sessionId: session.id, message: NewMessage(role: .user, content: "m\(index)")
                            ).id
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                async let unknownSession = failure {
                    try await repository.addMessage(workspaceId: "w", sessionId: "nope", message: NewMessage(role: .user, content: "x"))
                }
                async let conflict = failure {
                    try await repository.addMessage(
                        workspaceId: "w", sessionId: session.id, message: NewMessage(id: "taken", role: .user, content: "other"))
                }
                async let depth = repository.database.write { $0.savepointDepth }
                return Outcomes(
                    added: try await added, unknownSession: await unknownSession, conflict: await conflict,
                    sharedATransaction: try await depth > 0)
            }
            // Six appends, the two that fail and the depth's write; a sleep of a fixed time was too short under load.
            let deadline = ContinuousClock.now + .seconds(30)
            while repository.database.queuedWriteCount < 9, ContinuousClock.now < deadline {
                usleep(1_000)
            }
            return calls
        }.value

        #expect(calls.sharedATransaction, "the calls did not share a transaction")
        #expect(calls.unknownSession as? SessionStoreError == .sessionNotFound(workspaceId: "w", sessionId: "nope"))
        #expect(calls.conflict as? SessionStoreError == .messageIdConflict(messageId: "taken"))
        let stored = try await repository.getSessionMessages(workspaceId: "w", sessionId: session.id)
        #expect(stored.first == taken)
        #expect(Set(stored.dropFirst().map(\.id)) == Set(calls.added))
        #expect(Set(stored.dropFirst().compactMap(\.content)) == Set((0..<6).map { "m\($0)" }))
        #expect(try await repository.check().isEmpty)
        await repository.close()
    }

    @Test func aWriteThatWaitsLongerThanTheBusyTimeoutGetsATypedBusyError() async throws {
        let repository = try await SessionRepository(path: path, configuration: Configuration(busyTimeout: .milliseconds(100)))
        let session = try await repository.createSession(workspaceId: "w")
        // Another process's writer, as far as SQLite can tell: a connection of its own holding the write lock.
        let other = try Connection(location: .file(path), options: Configuration().connectionOptions)
        try other.execute("BEGIN IMMEDIATE")
        let started = ContinuousClock.now
        let error = await #expect(throws: SQLiteError.self) {
            try await repository.addMessage(workspaceId: "w", sessionId: session.id, message: NewMessage(role: .user, content: "x"))
        }
        #expect(error?.resultCode == .busy)
        #expect(ContinuousClock.now - started >= .milliseconds(100))
        // Reads go on meanwhile, and the write succeeds once the lock is released.
        #expect(try await repository.getSession(workspaceId: "w", sessionId: session.id)?.messageIds == [])
        try other.execute("ROLLBACK")
        _ = try await repository.addMessage(workspaceId: "w", sessionId: session.id, message: NewMessage(role: .user, content: "x"))
    }

    @Test func shortContentionNeverSurfaces() async throws {
        let repository = try await SessionRepository(path: path)
        let session = try await repository.createSession(workspaceId: "w")
        // Locked and released from a thread of its own, as another process would: a task of Swift's pool can wait
        // behind the other tests' tasks, on a loaded machine longer than the busy timeout (seen under TSan in CI).
        let (locked, released) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        let heldTheLock = Locked(false)
        let releasing = Locked<ContinuousClock.Instant?>(nil)
        DispatchQueue.global().async { [path] in
            let other = try? Connection(location: .file(path), options: Configuration().connectionOptions)
            heldTheLock.withLock { $0 = (try? other?.execute("BEGIN IMMEDIATE")) != nil }
            locked.signal()
            Thread.sleep(forTimeInterval: 0.2)
            releasing.withLock { $0 = .now }
            try? other?.execute("COMMIT")
            released.signal()
        }
        await locked.waitForSignal()
        _ = try await repository.addMessage(workspaceId: "w", sessionId: session.id, message: NewMessage(role: .user, content: "waited"))
        let appended = ContinuousClock.now
        await released.waitForSignal()
        // Measured from the release, not from this task's start: on a loaded machine the task can resume late.
        #expect(try appended >= #require(releasing.withLock { $0 }), "the append waited for the other writer")
        #expect(heldTheLock.withLock { $0 })
        #expect(try await repository.getSessionMessages(workspaceId: "w", sessionId: session.id).map(\.content) == ["waited"])
    }

    @Test func twoProcessesAppendingToTheSameSessionsLoseNothing() async throws {
        let repository = try await SessionRepository(path: path)
        let first = try await repository.createSession(workspaceId: "w")
        let second = try await repository.createSession(workspaceId: "w")
        let appender = Paths.products.appendingPathComponent("StoreAppender")
        let runs = try await withThrowingTaskGroup(of: ProcessResult.self) { group in
            for (label, session) in [("a", first), ("b", second), ("c", first), ("d", second)] {
                group.addTask { try await runProcess(appender, [path, "w", session.id, "250", label]) }
            }
            return try await group.reduce(into: [ProcessResult]()) { $0.append($1) }
        }
        for run in runs {
            #expect(run.status == 0, "\(run.standardError)")
        }
        for (session, labels) in [(first, ["a", "c"]), (second, ["b", "d"])] {
            let contents = try await repository.getSessionMessages(workspaceId: "w", sessionId: session.id).compactMap(\.content)
            #expect(contents.count == 500)
            for label in labels {
                // Each process's messages arrive whole and in the order it wrote them.
                #expect(contents.filter { $0.hasPrefix(label + " ") } == (0..<250).map { "\(label) \($0)" })
            }
        }
        await repository.close()
    }
}

/// What `call` failed with; nil when it succeeded.
private func failure<T>(of call: () async throws -> T) async -> (any Error)? {
    do {
        _ = try await call()
        return nil
    } catch {
        return error
    }
}
