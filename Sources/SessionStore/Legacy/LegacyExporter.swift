import Foundation
import SessionStoreSQLite

/// Writes a repository back out in the legacy layout, `DIR/<workspaceId>/sessions.json`, so that a deployment can
/// roll back to the old store.
///
/// Every file is written atomically (a temporary file, fsync, rename), so a crash leaves either the old file or
/// the new one. Nothing is written when a workspace id is not safe as a folder name, or when a file exists and
/// `force` is off.
public struct LegacyExporter: Sendable {
    /// Why an export refused to start or failed to write.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The workspace id cannot be a folder name (empty, `.`, `..`, a slash or NUL, over 255 bytes).
        case unsafeWorkspaceId(String)
        /// The file exists and overwriting was not asked for.
        case fileExists(String)
        /// The file system refused a write.
        case writeFailed(path: String, reason: String)

        /// One line saying what was wrong.
        public var description: String {
            switch self {
            case .unsafeWorkspaceId(let id): "workspace id \"\(id)\" is not safe as a folder name; nothing was exported"
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

    /// Overwrite existing `sessions.json` files.
    public var force: Bool

    /// An exporter; `force` allows overwriting existing files.
    public init(force: Bool = false) {
        self.force = force
    }

    /// Exports every workspace of `repository` into `directory`, which is created when missing.
    public func run(directory: String, from repository: SessionRepository) async throws -> [Written] {
        let workspaceIds = try await repository.database.read { connection in
            try connection.cachedStatement("SELECT DISTINCT workspace_id FROM sessions ORDER BY workspace_id").map { $0.string(0) }
        }
        for workspaceId in workspaceIds where !Self.isSafeFolderName(workspaceId) {
            throw Failure.unsafeWorkspaceId(workspaceId)
        }
        let files = workspaceIds.map { ((directory as NSString).appendingPathComponent($0) as NSString).appendingPathComponent("sessions.json") }
        if !force, let existing = files.first(where: { FileManager.default.fileExists(atPath: $0) }) {
            throw Failure.fileExists(existing)
        }

        var written: [Written] = []
        for (workspaceId, file) in zip(workspaceIds, files) {
            let workspace = try await repository.legacyWorkspace(workspaceId)
            try Self.writeAtomically(try workspace.jsonData(), to: file)
            written.append(Written(workspaceId: workspaceId, file: file, sessions: workspace.sessions.count, messages: workspace.messages.count))
        }
        return written
    }

    static func isSafeFolderName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && name.utf8.count <= 255 && !name.contains("/") && !name.contains("\0")
    }

    /// Writes `data` to a temporary file beside `path`, flushes it to disk, renames it over `path`, and flushes
    /// the folder, so that `path` is never seen half written.
    static func writeAtomically(_ data: Data, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure.writeFailed(path: folder, reason: error.localizedDescription)
        }
        let temporary = (folder as NSString).appendingPathComponent(".sessions.json.\(UUID().uuidString).tmp")
        func fail(_ target: String) -> Failure {
            .writeFailed(path: target, reason: String(cString: strerror(errno)))
        }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw fail(temporary) }
        let complete = data.withUnsafeBytes { bytes in
            var offset = 0
            while let start = bytes.baseAddress, offset < bytes.count {
                let count = write(descriptor, start + offset, bytes.count - offset)
                if count < 0 { return false }
                offset += count
            }
            return fsync(descriptor) == 0
        }
        let failure = complete ? nil : fail(temporary)
        close(descriptor)
        if let failure {
            unlink(temporary)
            throw failure
        }
        guard rename(temporary, path) == 0 else {
            let failure = fail(path)
            unlink(temporary)
            throw failure
        }
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            fsync(folderDescriptor)
            close(folderDescriptor)
        }
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
