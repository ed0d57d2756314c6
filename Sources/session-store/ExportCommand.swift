import ArgumentParser
import SessionStore

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the database back in the legacy layout (DIR/<workspaceId>/sessions.json), to roll back.",
        discussion: "Each file is written atomically. Existing files are only replaced with --force.")

    @Argument(help: "The directory to write; created when missing.")
    var directory: String

    @OptionGroup var database: DatabaseOption

    @Flag(help: "Replace existing sessions.json files.")
    var force = false

    @Flag(help: "Print what was written as JSON.")
    var json = false

    func run() async throws {
        try await Terminal.run {
            let written = try await Terminal.withRepository(database.path) { repository in
                try await LegacyExporter(force: force).run(directory: directory, from: repository)
            }
            if json {
                try Terminal.printJSON(written)
                return
            }
            for file in written {
                Terminal.print("\(file.file): \(file.sessions) sessions, \(file.messages) messages")
            }
            Terminal.print("Exported \(written.count) workspaces to \(directory)")
        }
    }
}
