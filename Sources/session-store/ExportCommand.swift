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

    @OptionGroup var json: JSONOption

    struct Output: Encodable {
        let database: String
        let directory: String
        let workspaces: [LegacyExporter.Written]
    }

    func run() async throws {
        try await Terminal.run(json: json) {
            let written = try await Terminal.withReadOnlyRepository(database.path) { repository in
                try await LegacyExporter(force: force).run(directory: directory, from: repository)
            }
            if json.enabled {
                return try Terminal.printJSON(Output(database: database.path, directory: directory, workspaces: written))
            }
            for file in written {
                Terminal.print("\(file.file): \(Terminal.count(file.sessions, "session")), \(Terminal.count(file.messages, "message"))")
            }
            Terminal.print("exported \(Terminal.count(written.count, "workspace")) to \(directory)")
        }
    }
}
