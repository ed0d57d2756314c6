import ArgumentParser
import Foundation
import Logging
import SessionStore
import SessionStorePostgres

struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole store between SQLite and PostgreSQL (a file path or a postgres:// URL, either way).",
        discussion: """
            All or nothing: the destination, which must hold no sessions, messages or changes (a missing file or \
            an empty database is migrated first), is written in one transaction that commits after the last row, \
            so an interrupted copy leaves it as it was and is run again from the start. The source is read in one \
            snapshot. With --verify, both stores are then compared table by table (row counts and a hash of the \
            rows); the verb exits 1 when they differ.
            """)

    @Option(help: "The store to read: a SessionStore file or a postgres:// URL.")
    var from: String

    @Option(help: "The store to write: a new file, or an empty (or new) PostgreSQL database.")
    var to: String

    @Flag(help: "Compare both stores after the copy.")
    var verify = false

    @Option(help: "Rows read and written at a time.")
    var batch = 1000

    @OptionGroup var json: JSONOption

    struct Output: Encodable {
        let copied: [String: Int]
        let verified: [Check]?
    }

    struct Check: Encodable {
        let table: String
        let sourceRows: Int
        let destinationRows: Int
        let matches: Bool
    }

    func run() async throws {
        var mismatched = false
        try await Terminal.run(json: json) {
            guard batch >= 1 else { throw ToolError("--batch must be 1 or more, not \(batch)", code: "invalidArgument") }
            if !Terminal.isPostgresURL(from) {
                try Terminal.requireDatabase(from)
            }
            let logger = Logger(label: "session-store", factory: { _ in SwiftLogNoOpLogHandler() })
            let copied: [String: Int]
            do {
                copied = try await StoreCopy.copy(from: from, to: to, batchSize: batch, logger: logger) { progress in
                    Terminal.progress("copying \(progress.table): \(progress.copied) of \(progress.total)")
                }
            } catch let failure as StoreCopy.Failure {
                throw ToolError(failure.description, code: "destinationNotEmpty")
            }
            Terminal.endProgress()
            let checks = verify
                ? try await StoreCopy.compare(from, to, batchSize: batch, logger: logger).map {
                    Check(table: $0.table, sourceRows: $0.first.rows, destinationRows: $0.second.rows, matches: $0.matches)
                }
                : nil
            mismatched = checks?.contains { !$0.matches } ?? false
            if json.enabled { return try Terminal.printJSON(Output(copied: copied, verified: checks)) }
            for table in ["sessions", "messages", "session_messages", "reverted_links", "message_chunks", "changes"] {
                Terminal.print("copied \(copied[table] ?? 0) \(table)")
            }
            for check in checks ?? [] {
                Terminal.print(
                    check.matches
                        ? "verified \(check.table): \(check.sourceRows) rows, same content"
                        : "DIFFERS \(check.table): \(check.sourceRows) rows in the source, \(check.destinationRows) in the destination")
            }
        }
        if mismatched {
            throw Terminal.exitFailure("the destination differs from the source")
        }
    }
}
