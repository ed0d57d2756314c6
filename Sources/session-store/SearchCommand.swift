import ArgumentParser
import Foundation
import SessionStore

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find the messages (or, with --sessions, the session titles) of a workspace that hold every word.",
        discussion: "Words are searched for as written; the last may be the start of a word. Best matches first.")

    @Argument(help: "The words to find.")
    var words: [String]

    @Option(help: "The workspace to search.")
    var workspace: String

    @Flag(help: "Search session titles instead of messages.")
    var sessions = false

    @Option(help: "How many hits to show (1-\(PageRequest.maximumLimit)).")
    var limit = 20

    @OptionGroup var database: DatabaseOption
    @OptionGroup var json: JSONOption

    func run() async throws {
        try await Terminal.run(json: json) {
            try await Terminal.withReadingStore(database.path) { repository in
                let query = words.joined(separator: " ")
                if sessions {
                    let page = try await repository.searchSessions(workspaceId: workspace, query: query, page: .first(limit))
                    if json.enabled { return try Terminal.printJSON(["hits": page.items]) }
                    var table = Table(["sessionId", "updatedAt", "title"], widths: [nil, nil, 80])
                    page.items.forEach { table.append([$0.sessionId, Terminal.time(Terminal.date($0.updatedAt)), $0.title]) }
                    table.lines.forEach { Terminal.print($0) }
                } else {
                    let page = try await repository.searchMessages(workspaceId: workspace, query: query, page: .first(limit))
                    if json.enabled { return try Terminal.printJSON(["hits": page.items]) }
                    var table = Table(["messageId", "role", "sessions", "snippet"], widths: [nil, nil, 30, 80])
                    page.items.forEach {
                        table.append([$0.messageId, $0.role.rawValue, $0.sessionIds.joined(separator: ","), $0.snippet])
                    }
                    table.lines.forEach { Terminal.print($0) }
                }
            }
        }
    }
}
