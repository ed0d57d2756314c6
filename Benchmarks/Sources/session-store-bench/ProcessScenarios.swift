import Foundation
import RawC
import SessionStore
import SessionStorePostgres

/// Several processes appending to the same two sessions of one file: SessionStore's processes against raw C's,
/// which wait for the lock with SQLite's default busy handler. The children also append through PostgreSQL.
extension Scenarios {
    func processes() async throws -> [ResultRow] {
        let count = size(1_000)
        let template = scratch.file("processes.sqlite")
        try Workload.seed(template, [Workload.SessionShape(id: "a", messages: 0), Workload.SessionShape(id: "b", messages: 0)])
        var rows: [ResultRow] = []
        for processes in [1, 2, 4, 8] {
            var perMessage = ResultRow(scenario: "\(processes) processes appending \(count) messages each to 2 sessions, whole run per message")
            var p99 = ResultRow(scenario: "\(processes) processes appending, p99 of one call")
            var notes: [String] = []
            for implementation in ["ours", "c"] {
                let run = try AppendingProcesses.run(
                    path: try scratch.copy(of: template, as: "\(implementation)-processes.sqlite"), processes: processes,
                    count: count, rawC: implementation == "c")
                perMessage.set(run.seconds / Double(processes * count), for: implementation)
                p99.set(run.percentile(0.99), for: implementation)
                notes.append(String(format: "%@ %.0f messages/s, p50 %@, max %@", implementation == "c" ? "C" : "ours",
                    Double(processes * count) / run.seconds, Harness.format(run.percentile(0.5)), Harness.format(run.percentile(1))))
            }
            p99.note = notes.joined(separator: "; ")
            rows += [perMessage, p99]
        }
        return rows
    }
}

/// The appending processes: children of this executable, started together.
enum AppendingProcesses {
    struct Run {
        /// From the common start to the last process's end.
        var seconds: Double
        /// Every call's time, in seconds.
        var calls: [Double]

        func percentile(_ fraction: Double) -> Double {
            Harness.percentile(calls.sorted(), fraction)
        }
    }

    static func run(path: String, processes: Int, count: Int, rawC: Bool) throws -> Run {
        // Each child opens its store, then waits for this moment, so that all of them start appending together.
        let start = FeedLatency.wallClock() + 0.5 + 0.05 * Double(processes)
        let children = try (0..<processes).map { index in
            try SelfProcess([
                "--append-process", path, "--append-count", "\(count)", "--append-label", "\(index)",
                "--append-start", String(format: "%.6f", start),
            ] + (rawC ? ["--append-raw-c"] : []))
        }
        var end = start
        var calls: [Double] = []
        for child in children {
            let (status, printed) = child.finish()
            let lines = printed.split(separator: "\n")
            guard status == 0, lines.count == 2, let finished = Double(lines[0]) else {
                throw BenchmarkError.sqlite(status, "appending process: \(printed.prefix(200))")
            }
            end = max(end, finished)
            calls += lines[1].split(separator: " ").compactMap { Double($0) }
        }
        return Run(seconds: end - start, calls: calls)
    }

    /// One child: appends `count` messages, alternating between the sessions "a" and "b", from `start` on; prints
    /// when it finished (wall clock), then every call's time in seconds.
    static func child(path: String, count: Int, label: Int, start: Double, rawC: Bool) async throws {
        var calls: [Double] = []
        calls.reserveCapacity(count)
        let append: (Int) async throws -> Void
        var close: () async -> Void
        if rawC {
            guard let store = rawc_open(path, 0) else { throw BenchmarkError.sqlite(-1, "open") }
            let tag = Character(UnicodeScalar(UInt8(65 + label % 26)))
            append = { index in
                let code = rawc_add_message(
                    store, Workload.workspace, index % 2 == 0 ? "a" : "b", Workload.ulidLengthId(tag, index), "user", "tick", nil,
                    Int64(FeedLatency.wallClock() * 1000))
                guard code == 0 else { throw BenchmarkError.sqlite(code, "add") }
            }
            close = { rawc_close(store) }
        } else {
            let repository: any SessionStoring =
                path.hasPrefix("postgres://") ? try await PostgresRepository(url: path) : try await SessionRepository(path: path)
            append = { index in
                _ = try await repository.addMessage(
                    workspaceId: Workload.workspace, sessionId: index % 2 == 0 ? "a" : "b", message: NewMessage(role: .user, content: "tick"))
            }
            close = { await repository.close() }
        }
        let wait = start - FeedLatency.wallClock()
        if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
        for index in 0..<count {
            let began = ContinuousClock.now
            try await append(index)
            calls.append(Harness.seconds(ContinuousClock.now - began))
        }
        let finished = FeedLatency.wallClock()
        await close()
        print(String(format: "%.6f", finished))
        print(calls.map { String(format: "%.7f", $0) }.joined(separator: " "))
    }
}
