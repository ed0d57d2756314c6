import ArgumentParser
import SessionStore

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Count workspaces, sessions, messages, shared messages and the database's size.")

    @OptionGroup var database: DatabaseOption
    @OptionGroup var json: JSONOption

    func run() async throws {
        try await Terminal.run(json: json) {
            let statistics = try await Terminal.withReadOnlyRepository(database.path) { try await $0.statistics() }
            if json.enabled {
                return try Terminal.printJSON(statistics)
            }
            var table = Table(["field", "value"], widths: [nil, nil])
            for (field, value) in [
                ("workspaces", statistics.workspaces), ("sessions", statistics.sessions), ("messages", statistics.messages),
                ("links", statistics.links), ("sharedMessages", statistics.sharedMessages),
                ("databaseBytes", statistics.databaseBytes), ("walBytes", statistics.walBytes),
                ("freePages", statistics.freePages),
            ] {
                table.append([field, "\(value)"])
            }
            table.lines.dropFirst().forEach { Terminal.print($0) }
        }
    }
}
