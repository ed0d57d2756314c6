import ArgumentParser
import SessionStore

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Count workspaces, sessions, messages, shared messages and the database's size.")

    @OptionGroup var database: DatabaseOption

    @Flag(help: "Print the counts as JSON.")
    var json = false

    func run() async throws {
        try await Terminal.run {
            let statistics = try StoreStatistics.read(try Terminal.openReadOnly(database.path), walPath: database.path + "-wal")
            if json {
                try Terminal.printJSON(statistics)
                return
            }
            Terminal.print("workspaces       \(statistics.workspaces)")
            Terminal.print("sessions         \(statistics.sessions)")
            Terminal.print("messages         \(statistics.messages)")
            Terminal.print("links            \(statistics.links)")
            Terminal.print("shared messages  \(statistics.sharedMessages)")
            Terminal.print("database bytes   \(statistics.databaseBytes)")
            Terminal.print("wal bytes        \(statistics.walBytes)")
            Terminal.print("free pages       \(statistics.freePages)")
        }
    }
}
