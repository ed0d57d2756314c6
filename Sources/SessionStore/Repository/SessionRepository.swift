import Foundation
import SQLite

/// The session store: the old manager's methods on a SQLite database, safe to share between any number of
/// tasks and with other processes using the same file.
///
/// Every method is scoped to a workspace: an id that belongs to another workspace behaves exactly as an
/// unknown id. Every write is one transaction: it happens whole or not at all.
public final class SessionRepository: Sendable {
    let database: DatabasePool
    let configuration: Configuration

    var limits: Limits { configuration.limits }

    /// Opens (creating when missing) the database file at `path` and brings its schema up to date.
    ///
    /// - Throws: ``SessionStoreError/schemaTooNew(databaseVersion:supportedVersion:)`` for a database of a newer
    ///   build, and `SQLiteError` (`.notADatabase`, `.corrupt`, `.cannotOpen`, …) for a file that cannot be
    ///   used. Such files are left as they were.
    public convenience init(path: String, configuration: Configuration = Configuration()) async throws {
        try await self.init(location: .file(path), configuration: configuration)
    }

    /// Opens `<dataDirectory>/sessions.sqlite`, as the old store's constructor took its data directory; the
    /// directory is created (readable by its owner only) when missing.
    public convenience init(dataDirectory: String, configuration: Configuration = Configuration()) async throws {
        try FileManager.default.createDirectory(
            atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try await self.init(path: (dataDirectory as NSString).appendingPathComponent("sessions.sqlite"), configuration: configuration)
    }

    /// A private store in memory, gone when the repository is released: for tests and previews.
    public static func inMemory(configuration: Configuration = Configuration()) async throws -> SessionRepository {
        try await SessionRepository(location: .inMemory, configuration: configuration)
    }

    init(location: DatabaseLocation, configuration: Configuration) async throws {
        database = try DatabasePool(
            location: location, options: configuration.connectionOptions, readerCount: configuration.readerCount)
        self.configuration = configuration
        _ = try await database.writeWithoutTransaction { try Migrator().migrate($0) }
    }

    /// Finishes the calls in flight, then closes the database. Later calls fail with `SQLiteError` `.misuse`.
    public func close() async {
        await database.close()
    }

    /// As in the old store, releases what is cached for the workspace; deletes nothing. SessionStore caches no
    /// per-workspace state, so this only checks the id.
    public func clearWorkspace(workspaceId: String) async throws {
        try limits.checkIdentifier(workspaceId, "workspaceId")
    }

    /// The number of sessions the workspace has in the database.
    public func getActiveSessionCount(workspaceId: String) async throws -> Int {
        try limits.checkIdentifier(workspaceId, "workspaceId")
        return try await database.read { connection in
            try connection.cachedStatement("SELECT count(*) FROM sessions WHERE workspace_id = ?1")
                .first([.text(workspaceId)]) { Int($0.int64(0)) } ?? 0
        }
    }
}
