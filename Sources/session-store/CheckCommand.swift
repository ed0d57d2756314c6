import ArgumentParser
import SessionStore

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run integrity_check, foreign_key_check and the store's invariants; exit non-zero on any violation.")

    @OptionGroup var database: DatabaseOption
    @OptionGroup var json: JSONOption

    struct Output: Encodable {
        let database: String
        let ok: Bool
        let violations: [StoreCheck.Violation]
    }

    func run() async throws {
        try await Terminal.run(json: json) {
            let violations = try await Terminal.withReadOnlyRepository(database.path) { repository in
                try await repository.check { done, total in Terminal.progress("check: read \(done)/\(total) messages") }
            }
            Terminal.endProgress()
            if json.enabled {
                try Terminal.printJSON(Output(database: database.path, ok: violations.isEmpty, violations: violations))
            } else if violations.isEmpty {
                Terminal.print("ok: \(database.path) passes integrity, foreign key and store checks")
            } else {
                violations.forEach { Terminal.print($0.description) }
            }
            guard violations.isEmpty else {
                throw Terminal.exitFailure("\(Terminal.count(violations.count, "violation")) in \(database.path)")
            }
        }
    }
}
