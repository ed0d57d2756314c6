import Foundation

/// One line of the results table: seconds per operation for each implementation, nil where not measured.
struct ResultRow {
    let scenario: String
    var ours: Double?
    var rawC: Double?
    var grdb: Double?
    var json: Double?
    /// Rows each operation returns, to show the cost per row too.
    var rows: Int?
    var note: String?
    /// For the write rows: each implementation's mean call (the calls that paid a checkpoint included) and p99.
    var tails: [String: Tail] = [:]

    struct Tail {
        var mean: Double
        var p99: Double
    }

    /// Records the figure of the implementation `store` names ("ours", "c", "grdb" or "json").
    mutating func set(_ seconds: Double, for store: String) {
        switch store {
        case "ours": ours = seconds
        case "c": rawC = seconds
        case "grdb": grdb = seconds
        default: json = seconds
        }
    }
}

enum Harness {
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The middle sample: unlike the mean, it does not move when a few calls meet a stall of the machine's
    /// (writeback, another tenant of the host).
    static func median(_ samples: [Double]) -> Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The rows of several runs of the same scenarios, each figure the median of its runs; the note comes from
    /// the run whose SessionStore figure is the median.
    static func median(of runs: [[ResultRow]]) -> [ResultRow] {
        guard let first = runs.first else { return [] }
        return first.indices.map { index in
            let samples = runs.map { $0[index] }
            func middle(_ figure: (ResultRow) -> Double?) -> Double? {
                let values = samples.compactMap(figure)
                return values.isEmpty ? nil : median(values)
            }
            var row = samples.sorted { ($0.ours ?? 0) < ($1.ours ?? 0) }[samples.count / 2]
            for store in row.tails.keys {
                let tails = samples.compactMap { $0.tails[store] }
                row.tails[store] = ResultRow.Tail(mean: median(tails.map(\.mean)), p99: median(tails.map(\.p99)))
            }
            row.ours = middle(\.ours)
            row.rawC = middle(\.rawC)
            row.grdb = middle(\.grdb)
            row.json = middle(\.json)
            return row
        }
    }

    static func format(_ seconds: Double?) -> String {
        guard let seconds else { return "—" }
        switch seconds {
        case ..<1e-3: return String(format: "%.1f µs", seconds * 1e6)
        case ..<1: return String(format: "%.2f ms", seconds * 1e3)
        default: return String(format: "%.2f s", seconds)
        }
    }

    static func ratio(_ numerator: Double?, _ denominator: Double?) -> String {
        guard let numerator, let denominator, denominator > 0 else { return "—" }
        return String(format: "%.2f×", numerator / denominator)
    }

    /// The mean and the 99th percentile of `samples`.
    static func tail(_ samples: [Double]) -> ResultRow.Tail {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return ResultRow.Tail(mean: 0, p99: 0) }
        return ResultRow.Tail(mean: sorted.reduce(0, +) / Double(sorted.count), p99: percentile(sorted, 0.99))
    }

    /// The value below which `fraction` of the `sorted` samples lie; 0 for none.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }

    /// Prints the mean and p99 of the rows that have them, as a second Markdown table.
    static func printTails(_ rows: [ResultRow]) {
        let rows = rows.filter { !$0.tails.isEmpty }
        guard !rows.isEmpty else { return }
        let stores = [("ours", "SessionStore"), ("c", "raw C"), ("grdb", "GRDB"), ("json", "JSON store")]
        print()
        print("| write scenario: mean (checkpoints included) / p99 | " + stores.map(\.1).joined(separator: " | ") + " |")
        print("|---|" + String(repeating: "---:|", count: stores.count))
        for row in rows {
            let cells = stores.map { store in
                row.tails[store.0].map { "\(format($0.mean)) / \(format($0.p99))" } ?? "—"
            }
            print("| \(row.scenario) | " + cells.joined(separator: " | ") + " |")
        }
    }

    /// Prints the table as Markdown, so that it can go into the README as it is.
    static func printTable(_ rows: [ResultRow]) {
        print("| scenario | SessionStore | raw C | GRDB | JSON store | ours ÷ C | ours ÷ GRDB | JSON ÷ ours |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for row in rows {
            var scenario = row.scenario
            if let rows = row.rows, rows > 0, let ours = row.ours {
                scenario += " (\(format(ours / Double(rows)))/row)"
            }
            if let note = row.note { scenario += " — \(note)" }
            print("| \(scenario) | \(format(row.ours)) | \(format(row.rawC)) | \(format(row.grdb)) | \(format(row.json)) "
                + "| \(ratio(row.ours, row.rawC)) | \(ratio(row.ours, row.grdb)) | \(ratio(row.json, row.ours)) |")
        }
    }

    /// Forgets the process's peak resident set size so far (Linux: `/proc/self/clear_refs`), so that the next
    /// reading covers only what follows.
    static func resetPeakRSS() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// The process's peak resident set size since the last reset, in MiB (`VmHWM` of `/proc/self/status`).
    static func peakRSSMegabytes() -> Double {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }
}
