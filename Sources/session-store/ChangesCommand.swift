import ArgumentParser
import Foundation
import SessionStore

struct ChangesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "Print a workspace's change feed, one line per change; with --follow, go on as changes commit.",
        discussion: """
            Each line is `SEQUENCE KIND SESSION MESSAGE TIME` ("-" for no id), or with --json one JSON object per \
            line. Follow from the last sequence printed to miss nothing after a restart.
            """)

    @Option(help: "The workspace whose changes to print.")
    var workspace: String

    @Option(help: "Print the changes after this sequence number.")
    var after: Int64 = 0

    @Flag(help: "Keep printing changes as they commit, from any process, until interrupted.")
    var follow = false

    @OptionGroup var database: DatabaseOption
    @OptionGroup var json: JSONOption

    func run() async throws {
        try await Terminal.run(json: json) {
            try await Terminal.withReadingStore(database.path) { repository in
                let latest = try await repository.latestChangeSequence(workspaceId: workspace)
                guard follow || latest != after else { return }
                for try await change in repository.changes(workspaceId: workspace, after: after) {
                    if json.enabled {
                        try Terminal.printJSONLine(change)
                    } else {
                        Terminal.print([
                            "\(change.sequence)", change.kind.rawValue, change.sessionId ?? "-", change.messageId ?? "-",
                            Terminal.time(Terminal.date(change.changedAt)),
                        ].joined(separator: " "))
                    }
                    if !follow && change.sequence >= latest { break }
                }
            }
        }
    }
}
