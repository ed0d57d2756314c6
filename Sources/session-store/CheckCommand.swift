import ArgumentParser
import SessionStore

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run integrity_check, foreign_key_check and the store's invariants; exit non-zero on any violation.")

    @OptionGroup var database: DatabaseOption

    @Flag(help: "Print the violations as JSON.")
    var json = false

    func run() async throws {
        try await Terminal.run {
            let violations = try StoreCheck.run(try Terminal.openReadOnly(database.path))
            if json {
                try Terminal.printJSON(violations)
            } else if violations.isEmpty {
                Terminal.print("ok: \(database.path) passes integrity, foreign key and store checks")
            } else {
                violations.forEach { Terminal.print($0.description) }
            }
            guard violations.isEmpty else {
                throw ToolError("\(violations.count) violations in \(database.path)")
            }
        }
    }
}
