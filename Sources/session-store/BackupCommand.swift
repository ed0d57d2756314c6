import ArgumentParser
import SessionStore

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a live database with SQLite's online backup API (never copy a live database with cp).")

    @Argument(help: "The backup file to create; it must not exist.")
    var destination: String

    @OptionGroup var database: DatabaseOption
    @OptionGroup var json: JSONOption

    struct Output: Encodable {
        let database: String
        let backup: String
        let pages: Int
    }

    func run() async throws {
        try await Terminal.run(json: json) {
            let pages = try await Terminal.withReadOnlyRepository(database.path) { repository in
                try await repository.backup(to: destination) { remaining, total in
                    Terminal.progress("backup: \(total - remaining)/\(total) pages")
                }
            }
            Terminal.endProgress()
            if json.enabled {
                try Terminal.printJSON(Output(database: database.path, backup: destination, pages: pages))
            } else {
                Terminal.print("backed up \(database.path) to \(destination) (\(Terminal.count(pages, "page")))")
            }
        }
    }
}
