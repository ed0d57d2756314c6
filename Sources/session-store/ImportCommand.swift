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

    @Flag(help: "Validate and report without writing anything.")
    var dryRun = false

    @Flag(help: "Put messages that no session lists into a session titled \"Recovered messages\".")
    var recoverOrphans = false

    @Option(help: "Refuse sessions.json files larger than this many bytes.")
    var maxFileBytes = 1 << 30

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        try await Terminal.run {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ToolError("\(directory) is not a directory")
            }
            let repository = try await openRepository()
            let started = ContinuousClock.now
            let options = LegacyImporter.Options(recoverOrphans: recoverOrphans, dryRun: dryRun, maxFileBytes: maxFileBytes)
            let report = try await LegacyImporter(options: options).run(directory: directory, into: repository) { progress in
                let seconds = max((ContinuousClock.now - started) / .seconds(1), 0.001)
                Terminal.progress(
                    "workspace \(progress.workspacesDone)/\(progress.workspaceCount), \(progress.messagesImported) messages, "
                        + "\(Int(Double(progress.messagesImported) / seconds)) messages/s")
            }
            Terminal.endProgress()
            await repository.close()

            if json {
                try Terminal.printJSON(report)
            } else {
                printSummary(report)
            }
            guard report.isComplete else {
                let lost = report.allAnomalies.filter(\.lostData).count
                throw ToolError("import incomplete: \(lost) problems left data out (see the report above)")
            }
        }
    }

    /// A dry run never creates or migrates the database: it works on the existing file when its schema is
    /// current, and on an empty store in memory when there is no file yet.
    private func openRepository() async throws -> SessionRepository {
        guard dryRun else { return try await SessionRepository(path: database.path) }
        guard FileManager.default.fileExists(atPath: database.path) else { return try await SessionRepository.inMemory() }
        guard try Terminal.schemaIsCurrent(database.path) else {
            throw ToolError("\(database.path) needs `session-store migrate` first; a dry run writes nothing")
        }
        return try await SessionRepository(path: database.path)
    }

    private func printSummary(_ report: ImportReport) {
        Terminal.print("\(dryRun ? "Dry run (nothing written)" : "Imported") \(report.directory) into \(database.path)")
        for workspace in report.workspaces {
            var line = "  \(workspace.workspaceId): \(workspace.sessionsImported) sessions, \(workspace.messagesImported) messages"
            if workspace.sessionsAlreadyPresent > 0 { line += ", \(workspace.sessionsAlreadyPresent) sessions already present" }
            if workspace.sessionsSkipped > 0 { line += ", \(workspace.sessionsSkipped) sessions skipped" }
            if workspace.messagesRecovered > 0 { line += ", \(workspace.messagesRecovered) messages recovered" }
            Terminal.print(line)
        }
        let workspaces = report.workspaces
        Terminal.print(
            "Total: \(workspaces.map(\.sessionsImported).reduce(0, +)) sessions imported, "
                + "\(workspaces.map(\.sessionsAlreadyPresent).reduce(0, +)) already present, "
                + "\(workspaces.map(\.sessionsSkipped).reduce(0, +)) skipped; "
                + "\(workspaces.map(\.messagesImported).reduce(0, +)) messages imported")
        let anomalies = report.allAnomalies
        guard !anomalies.isEmpty else { return }
        Terminal.print("Anomalies (\(anomalies.count)):")
        for anomaly in anomalies {
            Terminal.print("  [\(anomaly.kind.rawValue)] \(anomaly.file)\(anomaly.id.map { " \($0)" } ?? ""): \(anomaly.detail)")
        }
    }
}
