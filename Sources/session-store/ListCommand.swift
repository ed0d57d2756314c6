import ArgumentParser
import Foundation
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

    @OptionGroup var json: JSONOption

    func validate() throws {
        if session != nil && workspace == nil {
            throw ValidationError("--session needs --workspace")
        }
    }

    struct WorkspaceRow: Encodable {
        let workspaceId: String
        let sessions: Int
        let trashedSessions: Int
        let messages: Int
        let lastActivity: Date
    }

    struct SessionRow: Encodable {
        let id: String
        let messages: Int
        let updatedAt: Date
        let title: String?
    }

    struct MessageRow: Encodable {
        let position: Int
        let id: String
        let role: String
        let status: String?
        let content: String?
    }

    func run() async throws {
        try await Terminal.run(json: json) {
            try await Terminal.withReadOnlyRepository(database.path) { repository in
                if let workspace, let session {
                    try await listMessages(workspace: workspace, session: session, repository)
                } else if let workspace {
                    try await listSessions(workspace: workspace, repository)
                } else {
                    try await listWorkspaces(repository)
                }
            }
        }
    }

    private func listWorkspaces(_ repository: SessionRepository) async throws {
        let rows = try await repository.listWorkspaces().map {
            WorkspaceRow(
                workspaceId: $0.workspaceId, sessions: $0.sessions, trashedSessions: $0.trashedSessions, messages: $0.messages,
                lastActivity: Terminal.date($0.lastActivity))
        }
        if json.enabled { return try Terminal.printJSON(["workspaces": rows]) }
        var table = Table(["workspaceId", "sessions", "trashedSessions", "messages", "lastActivity"], widths: [40, nil, nil, nil, nil])
        rows.forEach {
            table.append([$0.workspaceId, "\($0.sessions)", "\($0.trashedSessions)", "\($0.messages)", Terminal.time($0.lastActivity)])
        }
        table.lines.forEach { Terminal.print($0) }
    }

    private func listSessions(workspace: String, _ repository: SessionRepository) async throws {
        let sessions = try await repository.listSessions(workspaceId: workspace)
        guard !sessions.isEmpty else {
            throw ToolError("no workspace \(workspace) in \(database.path) (no session has it)", code: "workspaceNotFound")
        }
        let rows = sessions.map {
            SessionRow(id: $0.id, messages: $0.messageIds.count, updatedAt: Terminal.date($0.updatedAt), title: $0.title)
        }
        if json.enabled {
            struct Output: Encodable { let workspaceId: String; let sessions: [SessionRow] }
            return try Terminal.printJSON(Output(workspaceId: workspace, sessions: rows))
        }
        var table = Table(["id", "messages", "updatedAt", "title"], widths: [nil, nil, nil, 60])
        rows.forEach { table.append([$0.id, "\($0.messages)", Terminal.time($0.updatedAt), $0.title ?? ""]) }
        table.lines.forEach { Terminal.print($0) }
    }

    private func listMessages(workspace: String, session: String, _ repository: SessionRepository) async throws {
        guard try await repository.getSession(workspaceId: workspace, sessionId: session) != nil else {
            throw SessionStoreError.sessionNotFound(workspaceId: workspace, sessionId: session)
        }
        let messages = try await repository.getSessionMessages(workspaceId: workspace, sessionId: session)
        let rows = messages.enumerated().map { index, message in
            MessageRow(position: index + 1, id: message.id, role: message.role.rawValue, status: message.status?.rawValue, content: message.content)
        }
        if json.enabled {
            struct Output: Encodable { let workspaceId: String; let sessionId: String; let messages: [MessageRow] }
            return try Terminal.printJSON(Output(workspaceId: workspace, sessionId: session, messages: rows))
        }
        var table = Table(["position", "role", "status", "content"], widths: [nil, nil, nil, 80])
        rows.forEach { table.append(["\($0.position)", $0.role, $0.status ?? "", $0.content ?? ""]) }
        table.lines.forEach { Terminal.print($0) }
    }
}
