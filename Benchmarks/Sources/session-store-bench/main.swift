import Foundation
import SQLite
import SessionStore

// session-store-bench [--scale S] [--runs N] [--only call,add,stream,read,list,fork,concurrent,import,memory]
// Prints one Markdown table: SessionStore against raw C, GRDB and the JSON store's strategy, measured in this run.
// --scale multiplies every size (1 is the full run); --runs repeats every measurement and prints each figure's
// median. Peak memory is measured in child processes of this executable (--rss-import N, --rss-serve N).

let arguments = Array(CommandLine.arguments.dropFirst())
func value(after flag: String) -> String? {
    arguments.firstIndex(of: flag).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
}

let scratch = try Scratch()
// Every way out passes here, the child processes' included: the scratch files of a full run take gigabytes.
defer { scratch.removeAll() }

if let messages = value(after: "--rss-import").flatMap(Int.init) {
    try await MemoryProbe.importing(messages: messages, scratch: scratch)
} else if let messages = value(after: "--rss-serve").flatMap(Int.init) {
    try await MemoryProbe.serving(messages: messages, scratch: scratch)
} else {
    try await measure()
}

func measure() async throws {
    let scale = value(after: "--scale").flatMap(Double.init) ?? 1
    let only = value(after: "--only").map { Set($0.split(separator: ",").map(String.init)) }
    func wanted(_ name: String) -> Bool { only?.contains(name) ?? true }

    let runs = max(1, value(after: "--runs").flatMap(Int.init) ?? 1)
    var tables: [[ResultRow]] = []
    for run in 1...runs {
        let scenarios = Scenarios(scratch: scratch, scale: scale, run: run - 1)
        FileHandle.standardError.write(Data("measuring (scale \(scale), run \(run) of \(runs))…\n".utf8))
        var rows: [ResultRow] = []
        if wanted("call") { rows += try await scenarios.smallestCall() }
        if wanted("add") { rows += try await scenarios.addMessage() }
        if wanted("stream") { rows += try await scenarios.streaming() }
        if wanted("read") { rows += try await scenarios.reads() }
        if wanted("list") { rows += try await scenarios.listSessions() }
        if wanted("fork") { rows += try await scenarios.forkRevertDelete() }
        if wanted("concurrent") {
            rows += try await scenarios.concurrentWriters()
            rows += try await scenarios.concurrentReaders()
        }
        if wanted("import") { rows.append(try await scenarios.importLegacy()) }
        tables.append(rows)
    }

    Harness.printTable(Harness.median(of: tables))
    if wanted("memory") {
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
