import Foundation
import SessionStore

/// How long a change takes from its commit to a follower of the change feed, from this process and from another,
/// and what a follower costs while nothing happens.
extension Scenarios {
    func changeFeed() async throws -> [ResultRow] {
        let count = size(2_000)
        let template = scratch.file("feed.sqlite")
        try Workload.seed(template, [Workload.SessionShape(id: "target", messages: 0)])
        var rows: [ResultRow] = []

        let path = try scratch.copy(of: template, as: "feed-same.sqlite")
        let repository = try await SessionRepository(path: path)
        let sameRepository = try await FeedLatency.measure(repository, count: count) {
            var committed: [String: Double] = [:]
            for _ in 0..<count {
                committed[try await FeedLatency.append(repository).id] = FeedLatency.wallClock()
                try await Task.sleep(for: FeedLatency.interval)
            }
            return committed
        }
        rows.append(FeedLatency.row("change feed, commit to delivery, a writer on the same repository", sameRepository))

        let otherProcess = try await FeedLatency.measure(repository, count: count) {
            try FeedLatency.runWriterProcess(path: path, count: count)
        }
        rows.append(FeedLatency.row("change feed, commit to delivery, a writer in another process", otherProcess))

        let seconds = 5.0
        let cpu = try await FeedLatency.idleCPU(repository, seconds: seconds)
        var idle = ResultRow(scenario: "change feed, an idle follower's CPU over \(Int(seconds)) s (SessionStore alone)")
        idle.note = String(format: "%.2f%% of a core", cpu / seconds * 100)
        rows.append(idle)
        await repository.close()
        return rows
    }
}

enum FeedLatency {
    /// Between two appends: a UI's pace, so that each change meets an idle follower.
    static let interval = Duration.milliseconds(5)

    static func wallClock() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func append(_ repository: SessionRepository) async throws -> SessionMessage {
        try await repository.addMessage(
            workspaceId: Workload.workspace, sessionId: "target", message: NewMessage(role: .user, content: "tick"))
    }

    /// Follows the feed of `repository` while `write` appends `count` messages and returns when each committed;
    /// returns each message's delay from commit to delivery, in seconds.
    static func measure(
        _ repository: SessionRepository, count: Int, write: @escaping @Sendable () async throws -> [String: Double]
    ) async throws -> [Double] {
        let start = try await repository.latestChangeSequence(workspaceId: Workload.workspace)
        let follower = Task {
            var delivered: [String: Double] = [:]
            for try await change in repository.changes(workspaceId: Workload.workspace, after: start) {
                if let id = change.messageId { delivered[id] = wallClock() }
                if delivered.count == count { break }
            }
            return delivered
        }
        // The follower has read the empty feed and waits before the first write.
        try await Task.sleep(for: .milliseconds(100))
        let committed = try await write()
        let delivered = try await follower.value
        return committed.compactMap { id, time in delivered[id].map { $0 - time } }
    }

    /// Runs this executable as a writer of `count` appends to `path`, and returns when each committed.
    static func runWriterProcess(path: String, count: Int) throws -> [String: Double] {
        let printed = try SelfProcess(["--feed-writer", path, "--feed-writer-count", "\(count)"]).finish().printed
        var committed: [String: Double] = [:]
        for line in printed.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, let time = Double(fields[1]) { committed[String(fields[0])] = time }
        }
        return committed
    }

    /// The writer process: appends `count` messages, printing each one's id and commit time.
    static func writer(path: String, count: Int) async throws {
        let repository = try await SessionRepository(path: path)
        for _ in 0..<count {
            let message = try await append(repository)
            print("\(message.id) \(String(format: "%.6f", wallClock()))")
            try await Task.sleep(for: interval)
        }
        await repository.close()
    }

    /// The CPU time this process spends, in seconds, while a follower waits `seconds` for changes that never come.
    static func idleCPU(_ repository: SessionRepository, seconds: Double) async throws -> Double {
        let follower = Task {
            for try await _ in repository.changes(workspaceId: Workload.workspace, after: .max - 1) {}
        }
        try await Task.sleep(for: .milliseconds(200))
        let before = cpuSeconds()
        try await Task.sleep(for: .seconds(seconds))
        let spent = cpuSeconds() - before
        follower.cancel()
        _ = await follower.result
        return spent
    }

    private static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// A row with the p99 delay as the figure and the median in the note.
    static func row(_ scenario: String, _ delays: [Double]) -> ResultRow {
        var row = ResultRow(scenario: scenario + ", p99 (SessionStore alone)")
        row.ours = delays.isEmpty ? nil : Harness.percentile(delays.sorted(), 0.99)
        row.note = "median \(Harness.format(Harness.median(delays))), \(delays.count) changes"
        return row
    }
}
