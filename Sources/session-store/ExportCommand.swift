import ArgumentParser
import SessionStore

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the database back in the legacy layout (DIR/<workspaceId>/sessions.json), to roll back.",
        discussion: """
            Each file is written atomically. Existing files are only replaced with --force. Sessions in the trash \
            are left out unless --include-trash, and reverted tails always (the old store has neither); the \
            report says what was left out. A workspace whose id \
            cannot be a folder name, or whose folder or file in DIR is a symbolic link, is skipped and reported, \
            and the export exits non-zero.
            """)

    @Argument(help: "The directory to write; created when missing.")
    var directory: String

    @OptionGroup var database: DatabaseOption

    @Flag(help: "Replace existing sessions.json files.")
    var force = false

    @Flag(help: "Export the sessions in the trash too, as ordinary sessions.")
    var includeTrash = false

    @OptionGroup var json: JSONOption

    struct Output: Encodable {
        let database: String
        let directory: String
        let workspaces: [LegacyExporter.Written]
        let skipped: [LegacyExporter.Skipped]
        let notes: [String]
    }

    func run() async throws {
        try await Terminal.run(json: json) {
            let report = try await Terminal.withReadOnlyRepository(database.path) { repository in
                try await LegacyExporter(force: force, includeTrash: includeTrash).run(directory: directory, from: repository)
            }
            if json.enabled {
                try Terminal.printJSON(
                    Output(
                        database: database.path, directory: directory, workspaces: report.workspaces, skipped: report.skipped,
                        notes: report.notes))
            } else {
                for file in report.workspaces {
                    Terminal.print("\(file.file): \(Terminal.count(file.sessions, "session")), \(Terminal.count(file.messages, "message"))")
                }
                report.notes.forEach { Terminal.print("note: \($0)") }
                for skipped in report.skipped {
                    Terminal.print("skipped workspace \(skipped.workspaceId.debugDescription): \(skipped.reason)")
                }
                Terminal.print("exported \(Terminal.count(report.workspaces.count, "workspace")) to \(directory)")
            }
            guard report.skipped.isEmpty else {
                throw Terminal.exitFailure(
                    "export incomplete: \(Terminal.count(report.skipped.count, "workspace")) skipped (see the report above)")
            }
        }
    }
}
