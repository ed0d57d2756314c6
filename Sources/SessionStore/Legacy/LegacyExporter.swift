import Foundation
import SessionStoreSQLite

/// Writes a repository back out in the legacy layout, `DIR/<workspaceId>/sessions.json`, so that a deployment can
/// roll back to the old store.
///
/// Every file is written atomically (a temporary file, fsync, rename), so a crash leaves either the old file or
/// the new one. Inside `DIR` the exporter never follows a symbolic link: a workspace folder or `sessions.json`
/// that is one is skipped and reported, as is a workspace id that cannot be a folder name; the other workspaces
/// are written. Nothing is written when a file exists and `force` is off.
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
    }

    /// Overwrite existing `sessions.json` files.
    public var force: Bool

    /// An exporter; `force` allows overwriting existing files.
    public init(force: Bool = false) {
        self.force = force
    }

    /// Exports every workspace of `repository` into `directory`, which is created when missing.
    ///
    /// - Throws: ``Failure/fileExists(_:)`` before writing anything when a file exists and `force` is off,
    ///   ``Failure/writeFailed(path:reason:)`` when the file system refuses a write, or `SQLiteError`.
    public func run(directory: String, from repository: SessionRepository) async throws -> Report {
        let workspaceIds = try await repository.database.read { connection in
            try connection.cachedStatement("SELECT DISTINCT workspace_id FROM sessions ORDER BY workspace_id").map { $0.string(0) }
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
            if let link = [folder, file].first(where: { ExportTarget.isSymbolicLink($0) }) {
                skipped.append(Skipped(workspaceId: workspaceId, reason: "\(link) is a symbolic link, which export never writes through"))
                continue
            }
            if !force, ExportTarget.exists(file) {
                throw Failure.fileExists(file)
            }
            targets.append(workspaceId)
        }

        let root = try ExportTarget(directory: directory)
        var written: [Written] = []
        for workspaceId in targets {
            let workspace = try await repository.legacyWorkspace(workspaceId)
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
        return Report(directory: directory, workspaces: written, skipped: skipped)
    }

    static func isSafeFolderName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && name.utf8.count <= 255 && !name.contains("/") && !name.contains("\0")
    }
}

extension SessionRepository {
    /// The workspace as the old store kept it: every session with its message ids, and every message body.
    func legacyWorkspace(_ workspaceId: String) async throws -> LegacyWorkspace {
        try await database.read { connection in
            var workspace = LegacyWorkspace()
            for session in try StoredRows.sessions(workspaceId: workspaceId, connection) {
                workspace.sessions[session.id] = session
            }
            for message in try connection.cachedStatement(
                "SELECT \(StoredRows.messageColumns) FROM messages m WHERE m.workspace_id = ?1"
            ).map([.text(workspaceId)], StoredRows.message) {
                workspace.messages[message.id] = message
            }
            return workspace
        }
    }
}
