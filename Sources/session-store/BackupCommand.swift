import ArgumentParser
import Foundation
import SessionStoreSQLite
import SessionStore

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a live database with SQLite's online backup API (never copy a live database with cp).")

    @Argument(help: "The backup file to create; it must not exist.")
    var destination: String

    @OptionGroup var database: DatabaseOption

    func run() async throws {
        try await Terminal.run {
            let source = try Terminal.openReadOnly(database.path)
            guard !FileManager.default.fileExists(atPath: destination) else {
                throw ToolError("\(destination) exists; a backup never overwrites a file")
            }
            let copy = try Connection(location: .file(destination), options: Configuration().connectionOptions)
            try source.backup(to: copy) { remaining, total in
                Terminal.progress("backup: \(total - remaining)/\(total) pages")
            }
            Terminal.endProgress()
            let pages = try copy.prepare("PRAGMA page_count").first { $0.int64(0) } ?? 0
            copy.close()
            Terminal.print("backed up \(database.path) to \(destination) (\(pages) pages)")
        }
    }
}
