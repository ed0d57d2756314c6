import ArgumentParser

@main
struct SessionStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session-store",
        abstract: "Migrate, check, inspect and back up SessionStore databases.",
        subcommands: [
            ImportCommand.self, ExportCommand.self, MigrateCommand.self, CheckCommand.self, StatsCommand.self,
            ListCommand.self, BackupCommand.self,
        ])
}

/// The `--db FILE` option every verb takes.
struct DatabaseOption: ParsableArguments {
    @Option(name: .customLong("db"), help: "The SessionStore database file.")
    var path: String
}
