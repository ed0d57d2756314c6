import Foundation
import SessionStoreSQLite
import Testing
import TestSupport

@testable import SessionStore

/// The change feed: what every write records, replayed and followed.
@Suite struct ChangeFeedTests {
    let workspace = "ws-1"
    let directory: TemporaryDirectory
    let path: String
    let repository: SessionRepository

    init() async throws {
        directory = try TemporaryDirectory()
        path = directory.file("db.sqlite")
        repository = try await SessionRepository(path: path, configuration: Fixtures.configuration())
    }

    /// The first `count` changes after `sequence`, or fewer if they take over two minutes to come: a guard against a
    /// hang only, as under the thread sanitizer, beside the other suites, twenty appends were seen to take over ten
    /// seconds.
    func changes(_ count: Int, after sequence: Int64 = 0, from repository: SessionRepository? = nil) async throws -> [Change] {
        let feed = (repository ?? self.repository).changes(workspaceId: workspace, after: sequence)
        let reader = Task {
            var changes: [Change] = []
            for try await change in feed {
                changes.append(change)
                if changes.count == count { break }
            }
            return changes
        }
        let deadline = Task {
            try await Task.sleep(for: .seconds(120))
            reader.cancel()
        }
        defer { deadline.cancel() }
        return try await reader.value
    }

    @Test func everyWriteRecordsWhatItChangedNumberedWithoutGaps() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let first = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "a"))
        let second = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.assistant, "b"))
        _ = try await repository.updateMessage(workspaceId: workspace, messageId: second.id) { $0.content = "b!" }
        _ = try await repository.updateSession(workspaceId: workspace, sessionId: session.id) { $0.title = "t" }
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: session.id, messageId: first.id)
        _ = try await repository.revert(workspaceId: workspace, sessionId: session.id, messageId: first.id)
        _ = try await repository.unrevert(workspaceId: workspace, sessionId: session.id)
        #expect(try await repository.trashSession(workspaceId: workspace, sessionId: fork.id))
        _ = try await repository.restoreSession(workspaceId: workspace, sessionId: fork.id)
        #expect(try await repository.trashSession(workspaceId: workspace, sessionId: fork.id))
        #expect(try await repository.emptyTrash(workspaceId: workspace, olderThan: .distantFuture) == 1)
        #expect(try await repository.deleteSession(workspaceId: workspace, sessionId: session.id))
        // Writes that change nothing record nothing.
        await #expect(throws: SessionStoreError.self) {
            try await repository.addMessage(workspaceId: workspace, sessionId: "nope", message: Fixtures.text(.user, "x"))
        }
        #expect(try await repository.deleteSession(workspaceId: workspace, sessionId: "nope") == false)
        _ = try await repository.createSession(workspaceId: "other")

        let expected: [(Change.Kind, String?, String?)] = [
            (.sessionCreated, session.id, nil), (.messageAdded, session.id, first.id), (.messageAdded, session.id, second.id),
            (.messageUpdated, session.id, second.id), (.sessionUpdated, session.id, nil), (.sessionForked, fork.id, first.id),
            (.reverted, session.id, second.id), (.unreverted, session.id, nil), (.sessionTrashed, fork.id, nil),
            (.sessionRestored, fork.id, nil), (.sessionTrashed, fork.id, nil), (.sessionDeleted, fork.id, nil),
            (.sessionDeleted, session.id, nil),
        ]
        let recorded = try await changes(expected.count)
        #expect(recorded.map(\.sequence) == Array(1...Int64(expected.count)))
        #expect(recorded.map(\.kind) == expected.map(\.0))
        #expect(recorded.map(\.sessionId) == expected.map(\.1))
        #expect(recorded.map(\.messageId) == expected.map(\.2))
        #expect(recorded.allSatisfy { $0.workspaceId == workspace })
        #expect(try await repository.latestChangeSequence(workspaceId: workspace) == Int64(expected.count))
        #expect(try await repository.latestChangeSequence(workspaceId: "other") == 1)
        #expect(try await repository.latestChangeSequence(workspaceId: "unknown") == 0)
    }

    @Test func aFollowerSeesNewChangesAsTheyCommitAndARestartMissesNothing() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let follower = Task { try await changes(21) }
        for index in 0..<20 {
            _ = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "\(index)"))
        }
        let followed = try await follower.value
        #expect(followed.map(\.sequence) == Array(1...21))
        let resumed = try await changes(11, after: 10)
        #expect(resumed == Array(followed[10...]))
    }

    @Test func anotherRepositoryOnTheFileReachesAFollowerThroughTheFileAlone() async throws {
        let other = try await SessionRepository(path: path, configuration: Fixtures.configuration())
        let follower = Task { try await changes(5) }
        // The follower has read the empty feed and waits: only the watch of the file can wake it now.
        try await Task.sleep(for: .milliseconds(100))
        let session = try await other.createSession(workspaceId: workspace)
        for index in 0..<4 {
            _ = try await other.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "\(index)"))
        }
        #expect(try await follower.value.map(\.kind) == [.sessionCreated] + Array(repeating: .messageAdded, count: 4))
        await other.close()
    }

    @Test(arguments: ["replaced", "deleted"])
    func aFollowerOfAFileReplacedOrDeletedFailsInsteadOfWaitingOnTheOldFile(what: String) async throws {
        let backup = directory.file("backup.sqlite")
        try await repository.backup(to: backup)
        let feed = repository.changes(workspaceId: workspace)
        let follower = Task { for try await _ in feed {} }
        // The follower has read the empty feed and waits on the watch of the file.
        try await Task.sleep(for: .milliseconds(100))
        #expect((what == "replaced" ? rename(backup, path) : unlink(path)) == 0)

        let deadline = Task {
            try await Task.sleep(for: .seconds(10))
            follower.cancel()
        }
        let ended = await follower.result
        deadline.cancel()
        let error = #expect(throws: SQLiteError.self) { try ended.get() }
        #expect(error?.extendedResultCode == .readOnlyDatabaseMoved)
    }

    @Test func aCursorOlderThanWhatIsKeptFailsWithChangesTrimmed() async throws {
        var configuration = Fixtures.configuration()
        configuration.changeRetention = ChangeRetention(maximumAge: nil, maximumCount: 5)
        let repository = try await SessionRepository(path: directory.file("trim.sqlite"), configuration: configuration)
        for index in 0..<12 {
            _ = try await repository.createSession(workspaceId: workspace, title: "\(index)")
        }
        #expect(try await repository.trimChanges(workspaceId: workspace) == 7)
        #expect(try await repository.trimChanges(workspaceId: workspace) == 0)
        await #expect(throws: SessionStoreError.changesTrimmed(oldestKept: 8)) {
            _ = try await changes(1, after: 3, from: repository)
        }
        #expect(try await changes(5, after: 7, from: repository).map(\.sequence) == [8, 9, 10, 11, 12])
        await repository.close()
    }

    @Test func numbersGoOnAfterTrimmingEverythingButTheNewest() async throws {
        var configuration = Fixtures.configuration()
        configuration.changeRetention = ChangeRetention(maximumAge: .zero, maximumCount: 0)
        let repository = try await SessionRepository(path: directory.file("all.sqlite"), configuration: configuration)
        for _ in 0..<3 {
            _ = try await repository.createSession(workspaceId: workspace)
        }
        #expect(try await repository.trimChanges(workspaceId: workspace) == 2)
        _ = try await repository.createSession(workspaceId: workspace)
        #expect(try await repository.latestChangeSequence(workspaceId: workspace) == 4)
        #expect(try await changes(1, after: 3, from: repository).map(\.sequence) == [4])
        await repository.close()
    }

    @Test func writesTrimTheFeedOnTheirOwn() async throws {
        var configuration = Fixtures.configuration()
        configuration.changeRetention = ChangeRetention(maximumAge: nil, maximumCount: 10)
        let repository = try await SessionRepository(path: directory.file("auto.sqlite"), configuration: configuration)
        let session = try await repository.createSession(workspaceId: workspace)
        try await repository.withWriterExecutor {
            for index in 1..<Int(ChangeLog.trimInterval) {
                _ = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "\(index)"))
            }
        }
        #expect(try Fixtures.count("changes", in: directory.file("auto.sqlite")) == 10)
        await repository.close()
    }

    @Test func oldChangesGoByAge() async throws {
        let clock = TestClock()
        var configuration = Fixtures.configuration(clock: clock)
        configuration.changeRetention = ChangeRetention(maximumAge: .seconds(1), maximumCount: nil)
        let repository = try await SessionRepository(path: directory.file("age.sqlite"), configuration: configuration)
        for _ in 0..<3 {
            _ = try await repository.createSession(workspaceId: workspace)
        }
        for _ in 0..<2000 { _ = clock.now() }
        _ = try await repository.createSession(workspaceId: workspace)
        #expect(try await repository.trimChanges(workspaceId: workspace) == 3)
        await repository.close()
    }

    @Test func aRetentionBeyondAnyClockKeepsEverythingInsteadOfTrapping() async throws {
        var configuration = Fixtures.configuration()
        configuration.changeRetention = ChangeRetention(maximumAge: .seconds(Int64.max), maximumCount: .max)
        let repository = try await SessionRepository(path: directory.file("forever.sqlite"), configuration: configuration)
        for _ in 0..<3 {
            _ = try await repository.createSession(workspaceId: workspace)
        }
        #expect(try await repository.trimChanges(workspaceId: workspace) == 0)
        await repository.close()
        #expect(ChangeRetention(maximumAge: .seconds(Int64.min), maximumCount: nil).oldestKept(now: 5_000) == .min)
        #expect(ChangeRetention(maximumAge: .seconds(-1), maximumCount: nil).oldestKept(now: 5_000) == 5_000)
        #expect(ChangeRetention(maximumAge: .seconds(2), maximumCount: nil).oldestKept(now: 5_000) == 3_000)
        #expect(ChangeRetention(maximumAge: nil, maximumCount: 10).oldestKept(latest: 100) == 91)
    }

    @Test func cancellingTheFollowingTaskEndsTheStreamPromptly() async throws {
        _ = try await repository.createSession(workspaceId: workspace)
        // The stream waits for nothing once cancelled, but the other tests can keep Swift's cooperative threads busy
        // for longer than that: the follower runs on a queue of its own, and of a few tries one must end within
        // 100 ms (every one must end).
        let executor = QueueExecutor()
        var fastest = Duration.seconds(10)
        for _ in 0..<5 where fastest >= .milliseconds(100) {
            let follower = Task(executorPreference: executor) {
                var count = 0
                for try await _ in repository.changes(workspaceId: workspace) { count += 1 }
                return (count, ContinuousClock.now)
            }
            try await Task.sleep(for: .milliseconds(100))
            let cancelled = ContinuousClock.now
            follower.cancel()
            let (count, ended) = try await follower.value
            #expect(count == 1)
            fastest = min(fastest, ended - cancelled)
        }
        #expect(fastest < .milliseconds(100))
    }

    @Test func aBadWorkspaceIdFailsTheStream() async throws {
        await #expect(throws: SessionStoreError.self) {
            for try await _ in repository.changes(workspaceId: "") {}
        }
    }
}

/// Runs the jobs of the tasks that prefer it on a dispatch queue of its own.
private final class QueueExecutor: TaskExecutor {
    private let queue = DispatchQueue(label: "ChangeFeedTests.follower")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
