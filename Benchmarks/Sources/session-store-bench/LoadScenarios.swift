import Foundation
import SessionStore

/// The HTTP load benchmark's work (`Benchmarks/http/run.sh`) through the library directly: 64 tasks, 80% reads
/// of the last page of 100 messages and 20% appends, on one session of 1,000 messages; so that the HTTP server's
/// cost is a ratio of the same work without it.
extension Scenarios {
    func mixedLoad() async throws -> [ResultRow] {
        let template = scratch.file("load.sqlite")
        try Workload.seed(template, [Workload.SessionShape(id: "bench", messages: 1_000)])
        let repository = try await SessionRepository(path: try scratch.copy(of: template, as: "load-ours.sqlite"))
        let seconds = 10.0 * scale
        let deadline = ContinuousClock.now + .seconds(seconds)
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<64 {
                group.addTask {
                    var latencies: [Double] = []
                    var call = 0
                    while ContinuousClock.now < deadline {
                        call += 1
                        let start = ContinuousClock.now
                        if call % 5 == 0 {
                            _ = try await repository.addMessage(
                                workspaceId: Workload.workspace, sessionId: "bench",
                                message: NewMessage(role: .user, content: "appended under load: a short message of about sixty bytes"))
                        } else {
                            let page = try await repository.getSessionMessages(workspaceId: Workload.workspace, sessionId: "bench", page: .last(100))
                            precondition(page.items.count == 100, "read \(page.items.count) of 100 messages")
                        }
                        latencies.append(Harness.seconds(ContinuousClock.now - start))
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }.sorted()
        }
        let page = try await repository.getSessionMessages(workspaceId: Workload.workspace, sessionId: "bench", page: .last(100))
        await repository.close()
        var row = ResultRow(scenario: "64 tasks, 80% last page of 100 messages and 20% appends, through the library")
        row.note = String(
            format: "%.0f calls/s, p50 %.2f ms, p99 %.2f ms", Double(latencies.count) / seconds,
            Harness.percentile(latencies, 0.5) * 1000, Harness.percentile(latencies, 0.99) * 1000)
        return [row, try encodingRow(page)]
    }

    /// What the server spends writing the page's JSON: `JSONEncoder` against ``MessageJSON``, same bytes.
    private func encodingRow(_ page: Page<SessionMessage>) throws -> ResultRow {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let reference = try encoder.encode(page)
        let ours = try MessageJSON.encode(page)
        precondition(ours == Array(reference), "MessageJSON differs from JSONEncoder")
        func median(_ encode: () throws -> Int) rethrows -> Double {
            var samples: [Double] = []
            for _ in 0..<size(500) {
                let start = ContinuousClock.now
                let count = try encode()
                precondition(count == reference.count)
                samples.append(Harness.seconds(ContinuousClock.now - start))
            }
            return Harness.median(samples)
        }
        let foundation = try median { try encoder.encode(page).count }
        let writer = try median { try MessageJSON.encode(page).count }
        var row = ResultRow(scenario: "the page's \(reference.count / 1024) KiB of JSON: MessageJSON (JSONEncoder in the note)")
        row.ours = writer
        row.note = String(format: "JSONEncoder %.1f µs, %.1f× MessageJSON's time", foundation * 1e6, foundation / writer)
        return row
    }
}
