import Dispatch

/// A database shared by many tasks: one writer connection and a pool of read-only reader connections, each on
/// its own serial queue.
///
/// Writes are serialised on the writer, in `BEGIN IMMEDIATE` transactions; writes made while the writer is busy
/// share the next transaction and its commit (group commit), each in a savepoint of its own. Reads run on the
/// least busy reader, each inside one snapshot, so they go on while a write transaction is open. An in-memory
/// database cannot be shared between connections: there, reads run on the writer.
public final class DatabasePool: Sendable {
    /// Where the database lives.
    public let location: DatabaseLocation

    private let writer: SerialConnection
    private let groupCommit: GroupCommit
    private let readers: [SerialConnection]
    private let readsInFlight: Locked<[Int]>

    /// Opens the writer, then `readerCount` readers (none for an in-memory database); `slowStatements`, when
    /// given, hears of the slow statements of every connection. At most `writesPerCommit` writes share a commit
    /// (1: each commits alone).
    public init(
        location: DatabaseLocation, options: ConnectionOptions = ConnectionOptions(), readerCount: Int = 4,
        writesPerCommit: Int = 64, slowStatements: SlowStatementObserver? = nil
    ) throws(SQLiteError) {
        self.location = location
        writer = try SerialConnection(location: location, options: options, label: "SessionStore.writer", slowStatements: slowStatements)
        groupCommit = GroupCommit(writer: writer, maximumGroupSize: writesPerCommit)
        var readers: [SerialConnection] = []
        if case .file = location {
            var readerOptions = options
            readerOptions.access = .readOnly
            for index in 0..<max(readerCount, 0) {
                readers.append(try SerialConnection(
                    location: location, options: readerOptions, label: "SessionStore.reader\(index)", slowStatements: slowStatements))
            }
        }
        self.readers = readers
        readsInFlight = Locked(Array(repeating: 0, count: readers.count))
    }

    /// Opens a pool as ``init(location:options:readerCount:writesPerCommit:slowStatements:)`` does, on a dispatch
    /// thread: opening can wait for another process's lock, which must not hold up Swift's cooperative thread pool.
    public static func open(
        location: DatabaseLocation, options: ConnectionOptions = ConnectionOptions(), readerCount: Int = 4,
        writesPerCommit: Int = 64, slowStatements: SlowStatementObserver? = nil
    ) async throws -> DatabasePool {
        try await DispatchQueue.global().result {
            Result {
                try DatabasePool(
                    location: location, options: options, readerCount: readerCount, writesPerCommit: writesPerCommit,
                    slowStatements: slowStatements)
            }
        }.get()
    }

    /// Runs `body` in a write transaction on the writer and returns its result once the transaction has
    /// committed; when `body` throws, its work is undone and the error thrown.
    ///
    /// While the writer is busy, writes made meanwhile share the next transaction, each in a savepoint: `body`
    /// then sees the work of the writes before it in that transaction, and its own failure undoes only its own
    /// work. A write made from the writer's executor (``withWriterExecutor(isolation:_:)``) runs at once, alone.
    /// Cancelling the task interrupts a lone write's statement; a write that shares a transaction runs to its end
    /// and is then undone, since an interrupt would roll back the others' work too.
    ///
    /// - Throws: what `body` throws; `CancellationError` when the task is cancelled before the write committed;
    ///   a ``SQLiteError`` when the transaction could not begin or commit.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        guard !writer.isCurrent else {
            return try await writer.run { connection in
                try connection.transaction(.immediate) { try body(connection) }
            }
        }
        return try await groupCommit.write(body)
    }

    /// How many writes wait for the writer to take them into its next transaction.
    package var queuedWriteCount: Int { groupCommit.queuedCount }

    /// Runs `body` on the writer outside any transaction, for work that manages its own (migrations, backups).
    public func writeWithoutTransaction<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await writer.run(body)
    }

    /// Runs `body` on the writer's queue: the writes it makes run there at once instead of each going to the
    /// writer's thread and back, which is most of what a small write costs. Reads still go to the readers.
    ///
    /// While `body` runs its own code, other tasks' writes wait for it, as they wait for any write: it must never
    /// block waiting for one of them. Code in `body` isolated to an actor runs on that actor instead.
    public func withWriterExecutor<T, Failure: Error>(
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws(Failure) -> T
    ) async throws(Failure) -> T {
        try await withTaskExecutorPreference(writer, isolation: isolation, operation: body)
    }

    /// Runs `body` on the queue of the least busy reader: the reads it makes run on that reader at once instead of
    /// each going to the reader's thread and back. Writes still go to the writer. Without readers (in memory),
    /// `body` runs on the writer's queue.
    ///
    /// The reader counts as busy until `body` returns, so other tasks' reads go to the other readers while one is
    /// less busy; a read that does queue on it waits while `body` runs its own code. Code in `body` isolated to an
    /// actor runs on that actor instead.
    public func withReaderExecutor<T, Failure: Error>(
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws(Failure) -> T
    ) async throws(Failure) -> T {
        guard !readers.isEmpty else {
            return try await withTaskExecutorPreference(writer, isolation: isolation, operation: body)
        }
        let index = reserveReader()
        defer { releaseReader(index) }
        return try await withTaskExecutorPreference(readers[index], isolation: isolation, operation: body)
    }

    /// Runs `body` inside one read snapshot on a reader: it sees every transaction committed before it began
    /// and none after.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let snapshot: @Sendable (Connection) throws -> T = { connection in
            try connection.transaction(.deferred) { try body(connection) }
        }
        guard !readers.isEmpty else {
            return try await writer.run(snapshot)
        }
        // A task inside withReaderExecutor reads on its own reader, where the read runs at once.
        if let current = readers.first(where: \.isCurrent) {
            return try await current.run(snapshot)
        }
        let index = reserveReader()
        defer { releaseReader(index) }
        return try await readers[index].run(snapshot)
    }

    /// Counts one more user of the least busy reader and returns its index.
    private func reserveReader() -> Int {
        readsInFlight.withLock { load in
            let index = load.indices.min { load[$0] < load[$1] } ?? 0
            load[index] += 1
            return index
        }
    }

    private func releaseReader(_ index: Int) {
        readsInFlight.withLock { $0[index] -= 1 }
    }

    /// Waits for the work already submitted, then closes every connection. Later calls fail with `.misuse`.
    public func close() async {
        await groupCommit.close()
        for reader in readers {
            await reader.close()
        }
        await writer.close()
    }
}
