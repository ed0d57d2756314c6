import ArgumentParser
import Foundation
import SessionStore
import SessionStorePostgres

/// What the tool writes where: results on standard output, progress and failures on standard error.
enum Terminal {
    /// Whether standard error is a terminal, where progress lines make sense.
    static let showsProgress = isatty(STDERR_FILENO) == 1

    static func print(_ line: String = "") {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Prints `value` as pretty JSON with sorted keys and ISO-8601 times, for scripts.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Prints `value` as JSON on one line, for output that goes on line by line.
    static func printJSONLine(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Rewrites the current progress line on a terminal; does nothing elsewhere.
    static func progress(_ line: String) {
        guard showsProgress else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    static func endProgress() {
        guard showsProgress else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// Runs a verb: a failure becomes one line on standard error (and, with `--json`, an object
    /// `{"error": {"code", "message"}}` on standard output) and a non-zero exit status.
    static func run(json: JSONOption, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            endProgress()
            let failure = Failure(error)
            if json.enabled {
                try? printJSON(["error": failure])
            }
            FileHandle.standardError.write(Data("session-store: \(failure.message)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Says on standard error why the verb, whose result is already printed, exits non-zero; returns the exit
    /// status to throw.
    static func exitFailure(_ line: String) -> ExitCode {
        endProgress()
        FileHandle.standardError.write(Data("session-store: \(line)\n".utf8))
        return ExitCode.failure
    }

    /// A failure as the tool reports it: a code scripts can match, and one line for people.
    struct Failure: Encodable {
        let code: String
        let message: String

        init(_ error: any Error) {
            let text: String
            switch error {
            case let error as SessionStoreError:
                code = error.code
                text = error.description
            case let error as SQLiteError:
                code = "sqlite"
                text = "\(error.message) (SQLite error \(error.extendedResultCode.rawValue))"
                    + (error.resultCode == .corrupt
                        ? ": the file is damaged; `session-store check` lists where, and a backup or "
                            + "`sqlite3 FILE .recover` gets the rows back"
                        : "")
            case let error as ToolError:
                code = error.code
                text = error.description
            default:
                code = "failed"
                text = String(describing: error)
            }
            message = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        }
    }

    /// Fails unless a database file is at `path`: the verbs that only read must not create one, and a folder
    /// is not a database.
    static func requireDatabase(_ path: String) throws {
        guard !isPostgresURL(path) else {
            throw ToolError(
                "this verb works on a SQLite file, not on PostgreSQL (`session-store copy` makes a file of a PostgreSQL store)",
                code: "sqliteOnly")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ToolError("no database at \(path)", code: "noDatabase")
        }
        guard !isDirectory.boolValue else {
            throw ToolError("\(path) is a directory, not a database file", code: "notAFile")
        }
        // SQLite takes an empty file for an empty database and would set it up on the first write.
        guard (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) != 0 else {
            throw ToolError("\(path) is empty (0 bytes); `session-store migrate` makes it a SessionStore database", code: "emptyFile")
        }
    }

    /// Runs `body` with a read-only repository on the existing database at `path`, and closes it whatever
    /// happens. The verbs that use it only read: they never migrate a database behind the operator's back.
    static func withReadOnlyRepository<T>(_ path: String, _ body: (SessionRepository) async throws -> T) async throws -> T {
        try await withRepository(path, Configuration(access: .readOnly), body)
    }

    /// Runs `body` with a repository that may write on the existing database at `path`, which must not need
    /// migrating (only `migrate` and `import` do that), and closes it whatever happens; `configuring` may adjust
    /// the rest of its configuration.
    static func withWritableRepository<T>(
        _ path: String, configuring: (inout Configuration) -> Void = { _ in }, _ body: (SessionRepository) async throws -> T
    ) async throws -> T {
        var configuration = Configuration(migration: .refuse)
        configuring(&configuration)
        return try await withRepository(path, configuration, body)
    }

    /// Whether `--db` names a PostgreSQL database rather than a file.
    static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Runs `body` with a store that may write on the existing database `--db` names, a SQLite file or a
    /// PostgreSQL URL, which must not need migrating, and closes it whatever happens.
    static func withWritableStore<T>(
        _ database: String, configuring: (inout Configuration) -> Void = { _ in }, _ body: (any SessionStoring) async throws -> T
    ) async throws -> T {
        guard isPostgresURL(database) else {
            return try await withWritableRepository(database, configuring: configuring) { try await body($0) }
        }
        var configuration = Configuration(migration: .refuse)
        configuring(&configuration)
        return try await withPostgresStore(database, configuration, body)
    }

    /// Runs `body` with a store on the existing database `--db` names, a SQLite file (opened read-only) or a
    /// PostgreSQL URL, which must not need migrating, and closes it whatever happens: for the verbs that only read.
    static func withReadingStore<T>(_ database: String, _ body: (any SessionStoring) async throws -> T) async throws -> T {
        guard isPostgresURL(database) else {
            return try await withReadOnlyRepository(database) { try await body($0) }
        }
        return try await withPostgresStore(database, Configuration(migration: .refuse), body)
    }

    private static func withPostgresStore<T>(
        _ url: String, _ configuration: Configuration, _ body: (any SessionStoring) async throws -> T
    ) async throws -> T {
        let store: PostgresRepository
        do {
            store = try await PostgresRepository(url: url, configuration: configuration)
        } catch SessionStoreError.migrationRequired(let pending) {
            throw ToolError(
                "the database needs `session-store migrate` first (pending: \(pending.joined(separator: ", ")))", code: "migrationRequired")
        }
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    private static func withRepository<T>(
        _ path: String, _ configuration: Configuration, _ body: (SessionRepository) async throws -> T
    ) async throws -> T {
        try requireDatabase(path)
        let repository: SessionRepository
        do {
            repository = try await SessionRepository(path: path, configuration: configuration)
        } catch SessionStoreError.migrationRequired(let pending) {
            throw ToolError(
                "\(path) needs `session-store migrate` first (pending: \(pending.joined(separator: ", ")))", code: "migrationRequired")
        }
        do {
            let result = try await body(repository)
            await repository.close()
            return result
        } catch {
            await repository.close()
            throw error
        }
    }

    /// Runs `body` with a read-only connection to the existing database at `path`: for `migrate --status`, which
    /// must read a schema that a repository would refuse.
    static func withReadOnlyConnection<T>(_ path: String, _ body: (Connection) throws -> T) throws -> T {
        try requireDatabase(path)
        let connection = try Connection(location: .file(path), options: Configuration(access: .readOnly).connectionOptions)
        defer { connection.close() }
        return try body(connection)
    }

    /// Milliseconds since the Unix epoch as a date.
    static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// A date as the text output shows it: ISO 8601 in UTC, as the JSON output has it.
    static func time(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    /// "1 session", "2 sessions".
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}

/// A failure the tool itself reports, in one line.
struct ToolError: Error, CustomStringConvertible {
    let description: String
    let code: String

    init(_ description: String, code: String = "failed") {
        self.description = description
        self.code = code
    }
}
