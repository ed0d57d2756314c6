import ArgumentParser
import Foundation
import SessionStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a legacy data directory (DIR/<workspaceId>/sessions.json); legacy files are only read.",
        discussion: """
            Each workspace is imported whole or not at all, and rerunning the same import adds nothing. Damage the \
            old store left behind is repaired where that loses nothing (dangling message ids are dropped, missing \
            parents cleared) and reported by file and id. Exits non-zero when anything importable was left out.
            """)

    @Argument(help: "The legacy data directory.")
    var directory: String

    @OptionGroup var database: DatabaseOption

    @Flag(help: "Validate and report what would be imported, without writing anything.")
    var dryRun = false

    @Flag(help: "Put messages that no session lists into a session titled \"Recovered messages\".")
    var recoverOrphans = false

    @Option(help: "Refuse sessions.json files larger than this many bytes (at least 1).")
    var maxFileBytes = 1 << 30

    @OptionGroup var json: JSONOption

    func validate() throws {
        guard maxFileBytes > 0 else {
            throw ValidationError("--max-file-bytes must be at least 1, not \(maxFileBytes)")
        }
    }

    /// The report with its totals, under the same names as the text summary.
    struct Output: Encodable {
        struct Totals: Encodable {
            let workspaces: Int
            let sessionsImported: Int
            let sessionsAlreadyPresent: Int
            let sessionsSkipped: Int
            let messagesImported: Int
            let messagesRecovered: Int
            let anomalies: Int
        }

        let database: String
        let directory: String
        let dryRun: Bool
        let totals: Totals
        let workspaces: [WorkspaceImportReport]
        let anomalies: [ImportAnomaly]
    }

    func run() async throws {
        try await Terminal.run(json: json) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
                throw ToolError("no directory at \(directory)", code: "notADirectory")
            }
            guard isDirectory.boolValue else {
                throw ToolError("\(directory) is not a directory", code: "notADirectory")
            }
            let repository = try await openRepository()
            let started = ContinuousClock.now
            let verb = dryRun ? "would import" : "imported"
            let options = LegacyImporter.Options(recoverOrphans: recoverOrphans, dryRun: dryRun, maxFileBytes: maxFileBytes)
            let report: ImportReport
            do {
                report = try await LegacyImporter(options: options).run(directory: directory, into: repository) { progress in
                    let seconds = max((ContinuousClock.now - started) / .seconds(1), 0.001)
                    Terminal.progress(
                        "workspace \(progress.workspacesDone)/\(progress.workspaceCount), \(verb) "
                            + "\(Terminal.count(progress.messagesImported, "message")), "
                            + "\(Int(Double(progress.messagesImported) / seconds)) messages/s")
                }
            } catch {
                await repository.close()
                throw error
            }
            Terminal.endProgress()
            await repository.close()

            if json.enabled {
                try Terminal.printJSON(output(report))
            } else {
                printSummary(report)
            }
            guard report.isComplete else {
                let lost = report.allAnomalies.filter(\.lostData).count
                throw Terminal.exitFailure(
                    "import incomplete: \(Terminal.count(lost, "problem")) left data out (see the report above)")
            }
        }
    }

    /// A dry run never creates or migrates the database: it works on the existing file when its schema is
    /// current, and on an empty store in memory when there is no file yet.
    private func openRepository() async throws -> SessionRepository {
        guard !Terminal.isPostgresURL(database.path) else {
            throw ToolError(
                "import writes a SQLite file; import into one, then `session-store copy` it to PostgreSQL", code: "sqliteOnly")
        }
        guard dryRun else { return try await SessionRepository(path: database.path) }
        guard FileManager.default.fileExists(atPath: database.path) else { return try await SessionRepository.inMemory() }
        try Terminal.requireDatabase(database.path)
        return try await SessionRepository(path: database.path, configuration: Configuration(migration: .refuse))
    }

    private func output(_ report: ImportReport) -> Output {
        let workspaces = report.workspaces
        return Output(
            database: database.path, directory: report.directory, dryRun: report.dryRun,
            totals: Output.Totals(
                workspaces: workspaces.count,
                sessionsImported: workspaces.map(\.sessionsImported).reduce(0, +),
                sessionsAlreadyPresent: workspaces.map(\.sessionsAlreadyPresent).reduce(0, +),
                sessionsSkipped: workspaces.map(\.sessionsSkipped).reduce(0, +),
                messagesImported: workspaces.map(\.messagesImported).reduce(0, +),
                messagesRecovered: workspaces.map(\.messagesRecovered).reduce(0, +),
                anomalies: report.allAnomalies.count),
            workspaces: workspaces, anomalies: report.anomalies)
    }

    private func printSummary(_ report: ImportReport) {
        let totals = output(report).totals
        let verb = dryRun ? "would import" : "imported"
        Terminal.print(dryRun
            ? "Dry run, nothing written: \(report.directory) into \(database.path)"
            : "Imported \(report.directory) into \(database.path)")
        for workspace in report.workspaces {
            var line = "  \(workspace.workspaceId): \(verb) \(Terminal.count(workspace.sessionsImported, "session")), "
                + Terminal.count(workspace.messagesImported, "message")
            if workspace.sessionsAlreadyPresent > 0 { line += ", \(workspace.sessionsAlreadyPresent) already present" }
            if workspace.sessionsSkipped > 0 { line += ", \(workspace.sessionsSkipped) skipped" }
            if workspace.messagesRecovered > 0 { line += ", \(Terminal.count(workspace.messagesRecovered, "message")) recovered" }
            Terminal.print(line)
        }
        Terminal.print(
            "Total: \(verb) \(Terminal.count(totals.sessionsImported, "session")) and "
                + "\(Terminal.count(totals.messagesImported, "message")) from \(Terminal.count(totals.workspaces, "workspace")); "
                + "\(totals.sessionsAlreadyPresent) sessions already present, \(totals.sessionsSkipped) skipped")
        let anomalies = report.allAnomalies
        guard !anomalies.isEmpty else { return }
        Terminal.print("Anomalies (\(anomalies.count)):")
        for anomaly in anomalies {
            Terminal.print("  [\(anomaly.kind.rawValue)] \(anomaly.file)\(anomaly.id.map { " \($0)" } ?? ""): \(anomaly.detail)")
        }
    }
}
