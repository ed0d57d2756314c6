import Foundation
import Logging
import PostgresNIO
import SessionStore
import SessionStorePostgres

/// The PostgreSQL backend on a server of the caller's (`--postgres URL`), against SQLite's and against a raw
/// postgres-nio client running the same statements, so that what the backend adds to its SQL shows.
extension Scenarios {
    func postgres(serverURL: String) async throws -> [PostgresRow] {
        let template = scratch.file("postgres.sqlite")
        let summaries = size(1_000)
        try Workload.seed(template, [
            Workload.SessionShape(id: "target", messages: 0), Workload.SessionShape(id: "a", messages: 0),
            Workload.SessionShape(id: "b", messages: 0), Workload.SessionShape(id: "r100", messages: 100),
            Workload.SessionShape(id: "r10k", messages: size(10_000)), Workload.SessionShape(id: "f1k", messages: size(1_000)),
        ] + (0..<summaries).map { Workload.SessionShape(id: "l\($0)", messages: 2) })
        let databases = PostgresDatabases(server: serverURL)
        let oursURL = try await databases.create(copying: template)
        let rawURL = try await databases.create(copying: template)
        let stores: [(String, any PostgresBenchmarked)] = [
            ("sqlite", StoringStore(store: try await SessionRepository(path: try scratch.copy(of: template, as: "pg-sqlite.sqlite")))),
            ("postgres", StoringStore(store: try await PostgresRepository(url: oursURL))),
            ("raw", try await RawPostgresStore(url: rawURL)),
        ]
        var rows: [PostgresRow] = []
        rows.append(try await postgresRow("addMessage", stores, iterations: 300) { try await $0.addMessage(session: "target") })
        for (session, length) in [("r100", 100), ("r10k", size(10_000))] {
            rows.append(try await postgresRow("getSessionMessages, \(length) messages", stores, iterations: max(5, 20_000 / length)) {
                let count = try await $0.getSessionMessages(session)
                precondition(count == length, "read \(count) of \(length) messages")
            })
        }
        rows.append(try await postgresRow("listSessionSummaries, first page of 50 of \(summaries + 6) sessions", stores, iterations: 200) {
            let count = try await $0.firstSummaries(50)
            precondition(count == 50, "listed \(count) of 50 summaries")
        })
        rows.append(try await postgresRow("forkSession of a \(size(1_000))-message session", stores, iterations: 30) {
            _ = try await $0.fork("f1k")
        })
        for (_, store) in stores { await store.close() }

        for processes in [1, 2, 4] {
            let url = try await databases.create(copying: template)
            let busy = MachineTime.now()
            let run = try AppendingProcesses.run(path: url, processes: processes, count: size(1_000), rawC: false)
            let used = MachineTime.now().busyFraction(since: busy)
            var row = PostgresRow(scenario: "\(processes) processes appending \(size(1_000)) messages each to 2 sessions, per message")
            row.postgres = run.seconds / Double(processes * size(1_000))
            row.note = String(
                format: "%.0f messages/s, p50 %@, p99 %@; both cores %.0f%% busy", Double(processes * size(1_000)) / run.seconds,
                Harness.format(run.percentile(0.5)), Harness.format(run.percentile(0.99)), used * 100)
            rows.append(row)
        }
        await databases.dropAll()
        return rows
    }

    /// Measures `body` on every store, the stores taking turns call by call, and keeps each one's median call.
    private func postgresRow(
        _ scenario: String, _ stores: [(String, any PostgresBenchmarked)], iterations: Int,
        _ body: (any PostgresBenchmarked) async throws -> Void
    ) async throws -> PostgresRow {
        for (_, store) in stores {
            try await body(store)
        }
        var samples = Array(repeating: [Double](), count: stores.count)
        for round in 0..<iterations {
            for offset in stores.indices {
                let index = (round + offset + run) % stores.count
                let started = ContinuousClock.now
                try await body(stores[index].1)
                samples[index].append(Harness.seconds(ContinuousClock.now - started))
            }
        }
        var row = PostgresRow(scenario: scenario)
        for (index, (name, _)) in stores.enumerated() {
            row.set(Harness.median(samples[index]), for: name)
        }
        FileHandle.standardError.write(Data("  \(scenario)\n".utf8))
        return row
    }
}

/// A row of the PostgreSQL table: seconds per call on each store.
struct PostgresRow {
    let scenario: String
    var sqlite: Double?
    var postgres: Double?
    var raw: Double?
    var note: String?

    mutating func set(_ seconds: Double, for store: String) {
        switch store {
        case "sqlite": sqlite = seconds
        case "postgres": postgres = seconds
        default: raw = seconds
        }
    }

    /// The rows of several runs, each figure the median of its runs.
    static func median(of runs: [[PostgresRow]]) -> [PostgresRow] {
        guard let first = runs.first else { return [] }
        return first.indices.map { index in
            let samples = runs.map { $0[index] }
            var row = samples.sorted { ($0.postgres ?? 0) < ($1.postgres ?? 0) }[samples.count / 2]
            for figure in [\PostgresRow.sqlite, \.postgres, \.raw] {
                let values = samples.compactMap { $0[keyPath: figure] }
                row[keyPath: figure] = values.isEmpty ? nil : Harness.median(values)
            }
            return row
        }
    }

    static func printTable(_ rows: [PostgresRow]) {
        print("| PostgreSQL scenario | SQLite (SessionStore) | PostgreSQL (SessionStore) | raw postgres-nio | ours ÷ raw | PostgreSQL ÷ SQLite |")
        print("|---|---:|---:|---:|---:|---:|")
        for row in rows {
            let scenario = row.note.map { "\(row.scenario) — \($0)" } ?? row.scenario
            print("| \(scenario) | \(Harness.format(row.sqlite)) | \(Harness.format(row.postgres)) | \(Harness.format(row.raw)) "
                + "| \(Harness.ratio(row.postgres, row.raw)) | \(Harness.ratio(row.postgres, row.sqlite)) |")
        }
    }
}

/// The operations the PostgreSQL table measures.
protocol PostgresBenchmarked: Sendable {
    func addMessage(session: String) async throws
    /// Returns the number of messages built.
    func getSessionMessages(_ session: String) async throws -> Int
    /// Returns the number of summaries built.
    func firstSummaries(_ count: Int) async throws -> Int
    /// Returns the fork's id.
    func fork(_ session: String) async throws -> String
    func close() async
}

/// Either backend through the manager API.
struct StoringStore: PostgresBenchmarked {
    let store: any SessionStoring

    func addMessage(session: String) async throws {
        _ = try await store.addMessage(
            workspaceId: Workload.workspace, sessionId: session,
            message: NewMessage(role: .assistant, content: Workload.content, status: .completed))
    }

    func getSessionMessages(_ session: String) async throws -> Int {
        try await store.getSessionMessages(workspaceId: Workload.workspace, sessionId: session).count
    }

    func firstSummaries(_ count: Int) async throws -> Int {
        try await store.listSessionSummaries(workspaceId: Workload.workspace, page: .first(count)).items.count
    }

    func fork(_ session: String) async throws -> String {
        try await store.forkSession(workspaceId: Workload.workspace, sessionId: session, messageId: nil).id
    }

    func close() async {
        await store.close()
    }
}

/// The machine's CPU time so far, from `/proc/stat`: how busy both cores were over a run.
struct MachineTime {
    let busy: Double
    let total: Double

    static func now() -> MachineTime {
        let stat = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? ""
        let fields = (stat.split(separator: "\n").first ?? "").split(separator: " ").dropFirst().compactMap { Double($0) }
        // user nice system idle iowait irq softirq steal: idle and iowait are the time no core worked.
        guard fields.count >= 8 else { return MachineTime(busy: 0, total: 0) }
        let total = fields.prefix(8).reduce(0, +)
        return MachineTime(busy: total - fields[3] - fields[4], total: total)
    }

    func busyFraction(since start: MachineTime) -> Double {
        total > start.total ? (busy - start.busy) / (total - start.total) : 0
    }
}
