import Foundation
import Logging
import SessionStoreSQLite

/// The session store: the old manager's methods on a SQLite database, safe to share between any number of
/// tasks and with other processes using the same file.
///
/// Every method is scoped to a workspace: an id that belongs to another workspace behaves exactly as an
/// unknown id. Every write is one transaction: it happens whole or not at all.
public final class SessionRepository: Sendable {
    let database: DatabasePool
    let configuration: Configuration
    let changeNotifier: ChangeNotifier

    package var limits: Limits { configuration.limits }

    /// Opens (creating when missing, unless read-only) the database file at `path` and brings its schema up to
    /// date, or refuses it when it needs migrations and `configuration` says so.
    ///
    /// - Throws: ``SessionStoreError/schemaTooNew(databaseVersion:supportedVersion:)`` for a database of a newer
    ///   build, ``SessionStoreError/migrationRequired(pending:)`` for one that needs migrations this repository
    ///   may not apply, and `SQLiteError` (`.notADatabase`, `.corrupt`, `.cannotOpen`, …) for a file that
    ///   cannot be used. Such files are left as they were.
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
        let logger = configuration.logger
        // Timing every statement costs a callback per statement: only when the logger would keep what it reports.
        let slowStatements = logger.logLevel > .info ? nil : SlowStatementObserver(threshold: configuration.slowThreshold) {
            sql, duration in
            logger.info("slow statement", metadata: [LogKey.sql: "\(sql)", LogKey.duration: "\(duration)"])
        }
        database = try await DatabasePool.open(
            location: location, options: configuration.connectionOptions, readerCount: configuration.readerCount,
            slowStatements: slowStatements)
        self.configuration = configuration
        changeNotifier = ChangeNotifier(
            location: location, options: configuration.connectionOptions, pollInterval: configuration.changePollInterval)
        do {
            try await database.writeWithoutTransaction { connection in
                let migrator = Migrator()
                if configuration.migration == .migrateOnOpen && configuration.access == .readWrite {
                    try migrator.migrate(connection)
                } else if case let pending = try migrator.status(of: connection).pending, !pending.isEmpty {
                    throw SessionStoreError.migrationRequired(pending: pending.map(\.fileName))
                }
            }
        } catch {
            await database.close()
            throw error
        }
    }

    /// Finishes the calls in flight, then closes the database. Later calls fail with `SQLiteError` `.misuse`, and
    /// so do the change feed's streams, also those waiting for a change.
    public func close() async {
        await database.close()
        // After the connections: a follower woken now reads from a closed store and fails, as calls after close do.
        changeNotifier.close()
    }

    /// Runs `body` on the writer connection's thread, so that the writes it makes (`addMessage`,
    /// `updateMessage`, …) run there at once instead of each going to that thread and back, which is most of what
    /// a small write costs. For a task that writes many times in a row, such as one streaming a reply into a
    /// message. Reads still go to the readers; every call keeps its own transaction.
    ///
    /// While `body` runs its own code, other tasks' writes wait for it: keep slow work out of it, and never block
    /// it waiting for another task's write (awaiting one is fine). Code in `body` isolated to an actor (such as
    /// the main actor) runs on that actor instead and gains nothing.
    public func withWriterExecutor<T, Failure: Error>(
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws(Failure) -> T
    ) async throws(Failure) -> T {
        try await database.withWriterExecutor(isolation: isolation, body)
    }

    /// Runs `body` on the thread of one reader connection, so that the reads it makes (`getSessionMessages`,
    /// `listSessions`, …) run there at once instead of each going to that thread and back, which is much of what
    /// a small read costs. For a task that reads and then encodes or renders what it read, such as a request
    /// handler. Writes still go to the writer; every call keeps its own snapshot.
    ///
    /// Other tasks' reads go to the other readers while one is less busy; one that queues on this reader waits
    /// while `body` runs its own code: keep slow work out of it, and never block it waiting for another task
    /// (awaiting one is fine). Code in `body` isolated to an actor (such as the main actor) runs on that actor
    /// instead and gains nothing.
    public func withReaderExecutor<T, Failure: Error>(
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws(Failure) -> T
    ) async throws(Failure) -> T {
        try await database.withReaderExecutor(isolation: isolation, body)
    }

    /// As in the old store, releases what is cached for the workspace; deletes nothing. SessionStore caches no
    /// per-workspace state, so this only checks the id.
    public func clearWorkspace(workspaceId: String) async throws {
        try await configuration.logged("clearWorkspace", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
        }
    }

    /// The number of sessions the workspace has in the database, outside the trash.
    public func getActiveSessionCount(workspaceId: String) async throws -> Int {
        try await configuration.logged("getActiveSessionCount", workspaceId: workspaceId) {
            try limits.checkIdentifier(workspaceId, "workspaceId")
            return try await database.read { connection in
                try connection.cachedStatement("SELECT count(*) FROM sessions WHERE workspace_id = ?1 AND trashed_at IS NULL")
                    .first([.text(workspaceId)]) { Int($0.int64(0)) } ?? 0
            }
        }
    }
}
