import Logging
import SessionStore

/// Copies a whole store between SQLite and PostgreSQL, in either direction, and compares two stores table by
/// table: what `session-store copy` runs.
///
/// A copy is all-or-nothing: the destination is written in one transaction, which commits only after the last
/// row, so a copy that fails or is interrupted leaves the destination as it was, and running it again starts
/// over. The source is read in one snapshot, so writes to it meanwhile are not half copied. The destination must
/// hold no sessions, messages or changes; a missing SQLite file or an empty database is migrated first.
public enum StoreCopy {
    /// A store to copy from or to: a SQLite file's path, or a `postgres://` URL.
    public typealias Location = String

    /// How far a copy has come.
    public struct Progress: Sendable, Hashable {
        /// The table being copied.
        public let table: String
        /// Its rows copied so far.
        public let copied: Int
        /// Its rows in the source.
        public let total: Int
    }

    /// Why a copy did not start.
    public enum Failure: Error, Hashable, CustomStringConvertible {
        /// The destination already holds rows of `table`.
        case destinationNotEmpty(table: String, rows: Int)

        /// One line saying what was wrong.
        public var description: String {
            switch self {
            case .destinationNotEmpty(let table, let rows):
                "the destination is not empty (\(rows) rows in \(table)): copy into a new store"
            }
        }
    }

    /// One table of two stores compared.
    public struct TableComparison: Sendable, Hashable {
        /// A table as one store holds it.
        public struct Content: Sendable, Hashable {
            /// How many rows it holds.
            public let rows: Int
            /// A SHA-256 chained over its rows in key order, each row spelled the same whichever the store.
            public let hash: String
        }

        /// The table.
        public let table: String
        /// The table in the first store.
        public let first: Content
        /// The table in the second store.
        public let second: Content

        /// Whether both stores hold the same rows.
        public var matches: Bool { first == second }
    }

    /// Copies every session, message, link, chunk and change of `source` into `destination`, `batchSize` rows at a
    /// time; returns the rows copied per table.
    ///
    /// - Throws: ``Failure/destinationNotEmpty(table:rows:)``, and what opening either store throws; the
    ///   destination is unchanged then.
    @discardableResult
    public static func copy(
        from source: Location, to destination: Location, batchSize: Int = 1000, logger: Logger = Logger(label: "session-store copy"),
        progress: @escaping @Sendable (Progress) -> Void = { _ in }
    ) async throws -> [String: Int] {
        try await withEndpoint(source, writing: false, logger: logger) { reader in
            try await withEndpoint(destination, writing: true, logger: logger) { writer in
                for table in [CopyTable.sessions, .messages, .changes] {
                    let rows = try await writer.count(of: table)
                    guard rows == 0 else { throw Failure.destinationNotEmpty(table: table.name, rows: rows) }
                }
                var copied: [String: Int] = [:]
                var parents: [(sessionId: String, parentId: String)] = []
                for table in CopyTable.all {
                    let total = try await reader.count(of: table)
                    var key: [SQLiteValue]?
                    var count = 0
                    progress(Progress(table: table.name, copied: 0, total: total))
                    while true {
                        var rows = try await reader.rows(of: table, after: key, limit: max(batchSize, 1))
                        guard let last = rows.last else { break }
                        key = table.key(of: last)
                        if table.name == CopyTable.sessions.name {
                            // Parents are set once every session is there: a parent may sort after its child.
                            let (id, parent) = (table.index(of: "id"), table.index(of: "parent_id"))
                            for index in rows.indices {
                                if case .text(let sessionId) = rows[index][id], case .text(let parentId) = rows[index][parent] {
                                    parents.append((sessionId, parentId))
                                    rows[index][parent] = .null
                                }
                            }
                        }
                        try await writer.insert(rows, into: table)
                        count += rows.count
                        progress(Progress(table: table.name, copied: count, total: total))
                    }
                    copied[table.name] = count
                }
                try await writer.setParents(parents)
                return copied
            }
        }
    }

    /// Compares `first` and `second` table by table: row counts, and a hash of the rows in key order.
    public static func compare(
        _ first: Location, _ second: Location, batchSize: Int = 1000, logger: Logger = Logger(label: "session-store copy")
    ) async throws -> [TableComparison] {
        let one = try await withEndpoint(first, writing: false, logger: logger) { try await digests($0, batchSize: batchSize) }
        let other = try await withEndpoint(second, writing: false, logger: logger) { try await digests($0, batchSize: batchSize) }
        return zip(CopyTable.all, zip(one, other)).map { table, pair in
            TableComparison(table: table.name, first: pair.0, second: pair.1)
        }
    }

    /// Each table's content, in ``CopyTable/all``'s order.
    private static func digests(_ endpoint: any CopyEndpoint, batchSize: Int) async throws -> [TableComparison.Content] {
        var result: [TableComparison.Content] = []
        for table in CopyTable.all {
            var hash = ""
            var count = 0
            var key: [SQLiteValue]?
            while true {
                let rows = try await endpoint.rows(of: table, after: key, limit: max(batchSize, 1))
                guard let last = rows.last else { break }
                key = table.key(of: last)
                for row in rows {
                    var bytes = Array(hash.utf8)
                    for value in row { bytes += spelling(value) }
                    hash = SHA256.hexDigest(of: bytes)
                }
                count += rows.count
            }
            result.append(TableComparison.Content(rows: count, hash: hash))
        }
        return result
    }

    private static func spelling(_ value: SQLiteValue) -> [UInt8] {
        switch value {
        case .null: [0]
        case .integer(let number): [1] + Array("\(number);".utf8)
        case .real(let number): [2] + Array("\(number.bitPattern);".utf8)
        case .text(let text): [3] + Array("\(text.utf8.count):".utf8) + Array(text.utf8)
        case .blob(let data): [4] + Array("\(data.count):".utf8) + Array(data)
        }
    }

    private static func withEndpoint<T: Sendable>(
        _ location: Location, writing: Bool, logger: Logger, _ body: (any CopyEndpoint) async throws -> T
    ) async throws -> T {
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            return try await PostgresCopyEndpoint.with(url: location, writing: writing, logger: logger) { try await body($0) }
        }
        return try await SQLiteCopyEndpoint.with(path: location, writing: writing) { try await body($0) }
    }
}
