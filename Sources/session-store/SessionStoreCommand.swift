import ArgumentParser
import Foundation

@main
struct SessionStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session-store",
        abstract: "Migrate, check, inspect and back up SessionStore databases.",
        version: "session-store \(ToolVersion.current)",
        subcommands: [
            ImportCommand.self, ExportCommand.self, MigrateCommand.self, CheckCommand.self, StatsCommand.self,
            ListCommand.self, SearchCommand.self, ChangesCommand.self, BackupCommand.self, TrashCommand.self, ServeCommand.self,
            CopyCommand.self,
        ])

    /// Parses and runs, first turning a mistyped verb into a suggestion: left to the parser, `imprt DIR` is
    /// "2 unexpected arguments", which names neither the verb nor the fix.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let verb = arguments.first, !verb.hasPrefix("-"), verb != "help" {
            let verbs = configuration.subcommands.map { $0.configuration.commandName ?? "" }
            if !verbs.contains(verb) {
                let hint = VerbSuggestion.closest(to: verb, in: verbs).map { "; did you mean '\($0)'?" } ?? ""
                FileHandle.standardError.write(Data(
                    "session-store: unknown verb '\(verb)'\(hint) (see session-store --help)\n".utf8))
                Foundation.exit(ExitCode.validationFailure.rawValue)
            }
        }
        await main(arguments)
    }
}

/// The `--db FILE` option every verb takes.
struct DatabaseOption: ParsableArguments {
    @Option(name: .customLong("db"), help: "The SessionStore database file (serve, migrate, changes and search also take a postgres:// URL).")
    var path: String
}

/// The `--json` flag every verb takes: results, and failures, as one JSON object on standard output.
struct JSONOption: ParsableArguments {
    @Flag(name: .customLong("json"), help: "Print the result, or the failure, as one JSON object.")
    var enabled = false
}
