import Foundation

extension SessionRepository {
    /// Every broken rule of the database: SQLite's `integrity_check` and `foreign_key_check`, pending
    /// migrations, the store's own invariants (gapless positions, no orphan messages, no dangling links, nothing
    /// that crosses workspaces), then every message read back as a read does, naming each one it would refuse
    /// (SQLite checks CHECK constraints only on a connection that may write, and a check never writes). Empty
    /// when the store is sound. A file `integrity_check` finds damaged gets only its findings: the other rules
    /// would read the damaged pages. Reads one snapshot; changes nothing.
    ///
    /// - Parameter progress: called now and then with (messages read, messages in all), on a thread of the store's.
    /// - Throws: `SQLiteError` when the database cannot be read at all (corrupt beyond a check).
    public func check(
        progress: @escaping @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) async throws -> [StoreCheck.Violation] {
        try await database.read { try StoreCheck.run($0, progress: progress) }
    }

    /// Counts of workspaces, sessions, messages and links, and the file's size, from one snapshot.
    public func statistics() async throws -> StoreStatistics {
        let walPath: String? = if case .file(let path) = database.location { path + "-wal" } else { nil }
        return try await database.read { try StoreStatistics.read($0, walPath: walPath) }
    }

    /// Every workspace that has sessions, most recently active first.
    public func listWorkspaces() async throws -> [WorkspaceSummary] {
        try await database.read { try WorkspaceSummary.all($0) }
    }

    /// Copies the database into a new file at `path` with SQLite's online backup API: one consistent snapshot,
    /// taken while other tasks and processes go on reading and writing. Returns the number of pages copied. The
    /// file appears at `path` only once complete: a copy that fails leaves nothing, and one whose process is
    /// killed leaves at most a `PATH.partial-…` file beside it.
    ///
    /// - Parameters:
    ///   - path: the file to create.
    ///   - progress: called now and then with (pages remaining, pages in all), on a thread of the store's.
    /// - Throws: ``SessionStoreError/backupDestinationExists(path:)`` when a file is at `path` (it is never
    ///   overwritten), or a `SQLiteError` (`.cannotOpen` when the folder it names does not exist).
    @discardableResult
    public func backup(
        to path: String, progress: @escaping @Sendable (_ remaining: Int, _ total: Int) -> Void = { _, _ in }
    ) async throws -> Int {
        let options = Configuration(synchronous: configuration.synchronous).connectionOptions
        return try await database.read { source in
            guard !FileManager.default.fileExists(atPath: path) else {
                throw SessionStoreError.backupDestinationExists(path: path)
            }
            let destination = try BackupDestination(path: path)
            do {
                let pages = try Self.copy(source, to: destination.partialPath, options: options, progress: progress)
                try destination.publish()
                return pages
            } catch {
                destination.discardPartial()
                throw error
            }
        }
    }

    /// Copies `source` into a new database at `path`; returns its number of pages.
    private static func copy(
        _ source: Connection, to path: String, options: ConnectionOptions, progress: (Int, Int) -> Void
    ) throws -> Int {
        let copy = try Connection(location: .file(path), options: options)
        defer { copy.close() }
        try source.backup(to: copy, progress: progress)
        return Int(try copy.prepare("PRAGMA page_count").first { $0.int64(0) } ?? 0)
    }
}
