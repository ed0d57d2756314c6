import ArgumentParser
import Foundation

/// The benchmark's command line: which scenarios to measure, at what size, how many times.
@main
struct SessionStoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session-store-bench",
        abstract: "Measures SessionStore against raw C, GRDB and the JSON store's strategy, and prints one Markdown table.")

    /// The scenarios, by the name `--only` knows them.
    enum Group: String, CaseIterable {
        case call, add, stream, read, list, fork, branch, scale, feed, processes, concurrent, load, `import`, memory, postgres
    }

    @Option(help: "Multiplies every size: 1 is the full run, 0.1 a quick one.")
    var scale: Double = 1

    @Option(help: "Repeats every measurement; each figure is then the median of the runs.")
    var runs: Int = 1

    @Option(
        help: "Measures only these groups, comma-separated: \(Group.allCases.map(\.rawValue).joined(separator: ",")).",
        transform: { list in
            try list.split(separator: ",").map { name in
                guard let group = Group(rawValue: String(name)) else { throw ValidationError("no scenario group named '\(name)'") }
                return group
            }
        })
    var only: [Group]?

    @Option(
        help: """
            The PostgreSQL server of the group postgres (postgres://user@host:port/database; it creates and drops \
            databases of its own there), else SESSION_STORE_POSTGRES_URL's. Without either a full run leaves the group out.
            """)
    var postgres: String?

    private var postgresServer: String? {
        postgres ?? ProcessInfo.processInfo.environment["SESSION_STORE_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    // Peak memory is measured in child processes of this executable, which these options start.
    @Option(help: .hidden) var rssImport: Int?
    @Option(help: .hidden) var rssServe: Int?
    // So is the writer of the change feed's cross-process row.
    @Option(help: .hidden) var feedWriter: String?
    @Option(help: .hidden) var feedWriterCount = 0
    // And the appending processes of the group `processes`.
    @Option(help: .hidden) var appendProcess: String?
    @Option(help: .hidden) var appendCount = 0
    @Option(help: .hidden) var appendLabel = 0
    @Option(help: .hidden) var appendStart = 0.0
    @Flag(help: .hidden) var appendRawC = false

    func validate() throws {
        guard scale > 0 else { throw ValidationError("--scale must be above 0") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        if only?.contains(.postgres) == true && postgresServer == nil {
            throw ValidationError("the group postgres needs a server: --postgres URL, or SESSION_STORE_POSTGRES_URL")
        }
    }

    func run() async throws {
        let scratch = try Scratch()
        // Every way out passes here, the child processes' included: the scratch files of a full run take gigabytes.
        defer { scratch.removeAll() }
        if let rssImport {
            try await MemoryProbe.importing(messages: rssImport, scratch: scratch)
        } else if let rssServe {
            try await MemoryProbe.serving(messages: rssServe, scratch: scratch)
        } else if let feedWriter {
            try await FeedLatency.writer(path: feedWriter, count: feedWriterCount)
        } else if let appendProcess {
            try await AppendingProcesses.child(path: appendProcess, count: appendCount, label: appendLabel, start: appendStart, rawC: appendRawC)
        } else {
            try await measure(scratch: scratch)
        }
    }

    private func wanted(_ group: Group) -> Bool {
        only?.contains(group) ?? true
    }

    private func measure(scratch: Scratch) async throws {
        var tables: [[ResultRow]] = []
        var postgresTables: [[PostgresRow]] = []
        if wanted(.postgres) && postgresServer == nil {
            FileHandle.standardError.write(Data("leaving out the group postgres: no --postgres URL or SESSION_STORE_POSTGRES_URL\n".utf8))
        }
        for run in 1...runs {
            let scenarios = Scenarios(scratch: scratch, scale: scale, run: run - 1)
            FileHandle.standardError.write(Data("measuring (scale \(scale), run \(run) of \(runs))…\n".utf8))
            var rows: [ResultRow] = []
            if wanted(.call) { rows += try await scenarios.smallestCall() }
            if wanted(.add) { rows += try await scenarios.addMessage() }
            if wanted(.stream) {
                rows += try await scenarios.streaming()
                rows += try await scenarios.messageStreams()
            }
            if wanted(.read) { rows += try await scenarios.reads() }
            if wanted(.list) { rows += try await scenarios.listSessions() }
            if wanted(.fork) { rows += try await scenarios.forkRevertDelete() }
            if wanted(.branch) { rows += try await scenarios.branches() }
            if wanted(.scale) { rows += try await scenarios.readingAtScale() }
            if wanted(.feed) { rows += try await scenarios.changeFeed() }
            if wanted(.processes) { rows += try await scenarios.processes() }
            if wanted(.concurrent) {
                rows += try await scenarios.concurrentWriters()
                rows += try await scenarios.concurrentReaders()
            }
            if wanted(.load) { rows += try await scenarios.mixedLoad() }
            if wanted(.import) { rows.append(try await scenarios.importLegacy()) }
            tables.append(rows)
            if wanted(.postgres), let postgresServer { postgresTables.append(try await scenarios.postgres(serverURL: postgresServer)) }
        }

        let rows = Harness.median(of: tables)
        if !rows.isEmpty {
            Harness.printTable(rows)
            Harness.printTails(rows)
        }
        if !postgresTables.isEmpty {
            print()
            PostgresRow.printTable(PostgresRow.median(of: postgresTables))
        }
        if wanted(.memory) {
            let scenarios = Scenarios(scratch: scratch, scale: scale, run: 0)
            print()
            let importSize = scenarios.size(100_000)
            print("| peak memory (RSS) | MiB |")
            print("|---|---:|")
            print("| import of \(importSize) messages | \(try MemoryProbe.run("--rss-import", importSize)) |")
            for messages in [scenarios.size(100_000), scenarios.size(1_000_000)] {
                print("| serving a store of \(messages) messages | \(try MemoryProbe.run("--rss-serve", messages)) |")
            }
        }
    }
}
