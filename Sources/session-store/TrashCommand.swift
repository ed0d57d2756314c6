import ArgumentParser
import Foundation
import SessionStore

struct TrashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trash",
        abstract: "List, restore or empty the sessions in the trash. Nothing is ever purged automatically.",
        subcommands: [List.self, Restore.self, Empty.self])

    struct Row: Encodable {
        let workspaceId: String
        let id: String
        let title: String?
        let messages: Int
        let trashedAt: Date
    }

    /// The trashed sessions of `workspace`, or of every workspace, most recently trashed first.
    static func rows(_ repository: SessionRepository, workspace: String?) async throws -> [Row] {
        let workspaces = if let workspace { [workspace] } else { try await repository.listWorkspaces().map(\.workspaceId) }
        var rows: [Row] = []
        for workspaceId in workspaces {
            rows += try await repository.listTrash(workspaceId: workspaceId).map {
                Row(workspaceId: workspaceId, id: $0.session.id, title: $0.session.title, messages: $0.session.messageIds.count,
                    trashedAt: Terminal.date($0.trashedAt))
            }
        }
        return rows.sorted { ($0.trashedAt, $0.id) > ($1.trashedAt, $1.id) }
    }

    static func printTable(_ rows: [Row]) {
        var table = Table(["workspaceId", "id", "messages", "trashedAt", "title"], widths: [40, nil, nil, nil, 50])
        rows.forEach { table.append([$0.workspaceId, $0.id, "\($0.messages)", Terminal.time($0.trashedAt), $0.title ?? ""]) }
        table.lines.forEach { Terminal.print($0) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the sessions in the trash, most recently trashed first.")

        @OptionGroup var database: DatabaseOption

        @Option(help: "Only this workspace's trash.")
        var workspace: String?

        @OptionGroup var json: JSONOption

        func run() async throws {
            try await Terminal.run(json: json) {
                let rows = try await Terminal.withReadOnlyRepository(database.path) { try await TrashCommand.rows($0, workspace: workspace) }
                if json.enabled { return try Terminal.printJSON(["trash": rows]) }
                TrashCommand.printTable(rows)
            }
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a session out of the trash, as it was.")

        @Argument(help: "The session to restore.")
        var session: String

        @OptionGroup var database: DatabaseOption

        @Option(help: "The session's workspace.")
        var workspace: String

        @OptionGroup var json: JSONOption

        func run() async throws {
            try await Terminal.run(json: json) {
                let restored = try await Terminal.withWritableRepository(database.path) { repository in
                    try await repository.restoreSession(workspaceId: workspace, sessionId: session)
                }
                guard let restored else {
                    throw ToolError("no session \(session) in the trash of workspace \(workspace)", code: "sessionNotFound")
                }
                if json.enabled { return try Terminal.printJSON(["restored": restored]) }
                Terminal.print("restored \(restored.id) (\(restored.title ?? "untitled"), \(Terminal.count(restored.messageIds.count, "message")))")
            }
        }
    }

    struct Empty: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete for good the sessions trashed longer ago than --older-than.")

        @OptionGroup var database: DatabaseOption

        @Option(help: "How long ago, at least, a session was trashed: a number and s, m, h, d or w (30d).")
        var olderThan: Age

        @Option(help: "Only this workspace's trash.")
        var workspace: String?

        @Flag(help: "Report what would be deleted, without deleting anything.")
        var dryRun = false

        @OptionGroup var json: JSONOption

        private func due(_ repository: SessionRepository, before cutoff: Date) async throws -> [Row] {
            try await TrashCommand.rows(repository, workspace: workspace).filter { $0.trashedAt < cutoff }
        }

        struct Output: Encodable {
            let dryRun: Bool
            let cutoff: Date
            let deleted: [Row]
        }

        func run() async throws {
            try await Terminal.run(json: json) {
                // No session was trashed before the calendar's first day; past it the date's text would wrap around.
                let cutoff = max(Date().addingTimeInterval(-olderThan.seconds), .distantPast)
                let deleted = dryRun
                    ? try await Terminal.withReadOnlyRepository(database.path) { try await due($0, before: cutoff) }
                    : try await Terminal.withWritableRepository(database.path) { repository in
                        let due = try await due(repository, before: cutoff)
                        for workspaceId in Set(due.map(\.workspaceId)) {
                            _ = try await repository.emptyTrash(workspaceId: workspaceId, olderThan: cutoff)
                        }
                        return due
                    }
                if json.enabled { return try Terminal.printJSON(Output(dryRun: dryRun, cutoff: cutoff, deleted: deleted)) }
                TrashCommand.printTable(deleted)
                Terminal.print("\(dryRun ? "would delete" : "deleted") \(Terminal.count(deleted.count, "session")) trashed before \(Terminal.time(cutoff))")
            }
        }
    }
}

/// A length of time on the command line: a whole number and a unit, s, m, h, d or w.
struct Age: ExpressibleByArgument {
    let seconds: TimeInterval

    init?(argument: String) {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        guard let unit = argument.last.flatMap({ units[$0] }), let count = UInt(argument.dropLast()) else { return nil }
        seconds = TimeInterval(count) * unit
    }
}
