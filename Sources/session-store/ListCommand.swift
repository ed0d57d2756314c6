import ArgumentParser
import SessionStore

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List workspaces, a workspace's sessions (--workspace), or a session's conversation (--session).")

    @OptionGroup var database: DatabaseOption

    @Option(help: "List this workspace's sessions.")
    var workspace: String?

    @Option(help: "Show this session's conversation (needs --workspace).")
    var session: String?

    @Flag(help: "Print the listing as JSON.")
    var json = false

    func validate() throws {
        if session != nil && workspace == nil {
            throw ValidationError("--session needs --workspace")
        }
    }

    func run() async throws {
        try await Terminal.run {
            guard let workspace else {
                let workspaces = try WorkspaceSummary.all(try Terminal.openReadOnly(database.path))
                if json { return try Terminal.printJSON(workspaces) }
                for summary in workspaces {
                    Terminal.print("\(summary.workspaceId)  \(summary.sessions) sessions  \(summary.messages) messages  last active \(Terminal.time(summary.lastActivity))")
                }
                return
            }
            try await Terminal.withRepository(database.path) { repository in
                try await list(workspace: workspace, repository)
            }
        }
    }

    private func list(workspace: String, _ repository: SessionRepository) async throws {
            if let session {
                let messages = try await repository.getSessionMessages(workspaceId: workspace, sessionId: session)
                if json { return try Terminal.printJSON(messages) }
                for (index, message) in messages.enumerated() {
                    let content = (message.content ?? "").split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
                    Terminal.print("\(index + 1). \(message.role.rawValue)\(message.status.map { " (\($0.rawValue))" } ?? ""): \(content.prefix(100))")
                }
                return
            }
            let sessions = try await repository.listSessions(workspaceId: workspace)
            if json { return try Terminal.printJSON(sessions) }
            for session in sessions {
                Terminal.print("\(session.id)  \(session.messageIds.count) messages  \(Terminal.time(session.updatedAt))  \(session.title ?? "")")
            }
    }
}
