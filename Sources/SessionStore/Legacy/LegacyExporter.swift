import Foundation
import SessionStoreSQLite

/// Writes a repository back out in the legacy layout, `DIR/<workspaceId>/sessions.json`, so that a deployment can
/// roll back to the old store.
///
/// Every file is written atomically (a temporary file, fsync, rename), so a crash leaves either the old file or
/// the new one. Inside `DIR` the exporter never follows a symbolic link: a workspace folder or `sessions.json`
/// that is one is skipped and reported, as is a workspace id that cannot be a folder name; the other workspaces
/// are written. Nothing is written when a file exists and `force` is off. What the old store cannot express is
/// left out and said in the report's notes: sessions in the trash (unless `includeTrash`) and reverted tails.
public struct LegacyExporter: Sendable {
    /// Why an export refused to start or failed to write.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The file exists and overwriting was not asked for.
        case fileExists(String)
        /// The file system refused a write.
        case writeFailed(path: String, reason: String)

        /// One line saying what was wrong.
        public var description: String {
            switch self {
            case .fileExists(let path): "\(path) exists; pass --force to overwrite it; nothing was exported"
            case .writeFailed(let path, let reason): "cannot write \(path): \(reason)"
            }
        }
    }

    /// One exported workspace.
    public struct Written: Codable, Sendable, Hashable {
        /// The workspace id.
        public let workspaceId: String
        /// The file written.
        public let file: String
        /// Sessions in the file.
        public let sessions: Int
        /// Message bodies in the file.
        public let messages: Int
    }

    /// A workspace that was not exported, and why.
    public struct Skipped: Codable, Sendable, Hashable {
        /// The workspace id.
        public let workspaceId: String
        /// Why it was skipped: an id that cannot be a folder name, or a symbolic link in its place.
        public let reason: String
    }

    /// What an export wrote and what it skipped.
    public struct Report: Codable, Sendable, Hashable {
        /// The directory written into.
        public let directory: String
        /// The workspaces written, in id order.
        public let workspaces: [Written]
        /// The workspaces left out; the export is complete only when there are none.
        public let skipped: [Skipped]
        /// What was left out of the workspaces written because the old store cannot express it, one sentence each.
        public let notes: [String]
    }

    /// Overwrite existing `sessions.json` files.
    public var force: Bool
    /// Export the sessions in the trash too, as ordinary sessions.
    public var includeTrash: Bool

    /// An exporter; `force` allows overwriting existing files, `includeTrash` exports trashed sessions.
    public init(force: Bool = false, includeTrash: Bool = false) {
        self.force = force
        self.includeTrash = includeTrash
    }

    /// Exports every workspace of `repository` into `directory`, which is created when missing.
    ///
    /// - Throws: ``Failure/fileExists(_:)`` before writing anything when a file exists and `force` is off,
    ///   ``Failure/writeFailed(path:reason:)`` when the file system refuses a write, or `SQLiteError`.
    public func run(directory: String, from repository: SessionRepository) async throws -> Report {
        let workspaceIds = try await repository.database.read { [includeTrash] connection in
            try connection.cachedStatement(
                "SELECT DISTINCT workspace_id FROM sessions WHERE trashed_at IS NULL OR ?1 ORDER BY workspace_id"
            ).map([.integer(includeTrash ? 1 : 0)]) { $0.string(0) }
        }
        var skipped: [Skipped] = []
        var targets: [String] = []
        for workspaceId in workspaceIds {
            if !Self.isSafeFolderName(workspaceId) {
                skipped.append(Skipped(workspaceId: workspaceId, reason: "the id is not safe as a folder name"))
                continue
            }
            let folder = (directory as NSString).appendingPathComponent(workspaceId)
            let file = (folder as NSString).appendingPathComponent("sessions.json")
            if let link = [folder, file].first(where: { LegacyFileReader.entryType($0) == .symbolicLink }) {
                skipped.append(Skipped(workspaceId: workspaceId, reason: "\(link) is a symbolic link, which export never writes through"))
                continue
            }
            if !force, LegacyFileReader.entryType(file) != .missing {
                throw Failure.fileExists(file)
            }
            targets.append(workspaceId)
        }

        let root = try ExportTarget(directory: directory)
        var written: [Written] = []
        var notes: [String] = []
        for workspaceId in targets {
            let (workspace, left) = try await repository.legacyWorkspace(workspaceId, includeTrash: includeTrash)
            if left.trashedSessions > 0 {
                notes.append("\(workspaceId): \(left.trashedSessions) sessions in the trash left out (--include-trash exports them)")
            }
            if left.revertedMessages > 0 {
                notes.append("\(workspaceId): \(left.revertedMessages) reverted messages left out (the old store keeps no reverted tail)")
            }
            do {
                try root.writeAtomically(try workspace.jsonData(), workspaceId: workspaceId)
            } catch ExportTarget.Refusal.symbolicLink(let path) {
                // Made a link since the check above: still never written through.
                skipped.append(Skipped(workspaceId: workspaceId, reason: "\(path) is a symbolic link, which export never writes through"))
                continue
            }
            let file = ((directory as NSString).appendingPathComponent(workspaceId) as NSString).appendingPathComponent("sessions.json")
            written.append(Written(workspaceId: workspaceId, file: file, sessions: workspace.sessions.count, messages: workspace.messages.count))
        }
        return Report(directory: directory, workspaces: written, skipped: skipped, notes: notes)
    }

    static func isSafeFolderName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && name.utf8.count <= 255 && !name.contains("/") && !name.contains("\0")
    }
}

extension SessionRepository {
    /// The workspace as the old store kept it: its live sessions (and trashed ones with `includeTrash`) with their
    /// message ids, and the bodies they show; with counts of what was left out.
    func legacyWorkspace(
        _ workspaceId: String, includeTrash: Bool
    ) async throws -> (LegacyWorkspace, left: (trashedSessions: Int, revertedMessages: Int)) {
        try await database.read { connection in
            var workspace = LegacyWorkspace()
            var sessions = try StoredRows.sessions(workspaceId: workspaceId, connection)
            let trashed = try StoredRows.trashedSessions(workspaceId: workspaceId, connection)
            if includeTrash {
                sessions += trashed.map(\.session)
            }
            for session in sessions {
                workspace.sessions[session.id] = session
            }
            let shown = Set(sessions.flatMap(\.messageIds))
            for message in try connection.cachedStatement(
                "SELECT \(StoredRows.messageColumns) FROM messages m WHERE m.workspace_id = ?1"
            ).map([.text(workspaceId)], StoredRows.message) where shown.contains(message.id) {
                workspace.messages[message.id] = message
            }
            let reverted = try connection.cachedStatement(
                """
                SELECT count(*) FROM session_links l JOIN sessions s ON s.id = l.session_id
                WHERE s.workspace_id = ?1 AND (s.trashed_at IS NULL OR ?2) AND l.position >= s.reverted_from
                """
            ).first([.text(workspaceId), .integer(includeTrash ? 1 : 0)]) { Int($0.int64(0)) } ?? 0
            return (workspace, (includeTrash ? 0 : trashed.count, reverted))
        }
    }
}
