import ArgumentParser
import Foundation
import SessionStoreSQLite
import SessionStore

/// What the tool writes where: results on standard output, progress and failures on standard error.
enum Terminal {
    /// Whether standard error is a terminal, where progress lines make sense.
    static let showsProgress = isatty(STDERR_FILENO) == 1

    static func print(_ line: String = "") {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Prints `value` as pretty JSON with sorted keys, for scripts.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
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

    /// Runs a verb: a failure becomes one line on standard error and a non-zero exit status.
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            endProgress()
            let message = (error as? SQLiteError).map { "\($0.message) (SQLite error \($0.extendedResultCode.rawValue))" }
                ?? String(describing: error)
            let line = message.split(whereSeparator: \.isNewline).joined(separator: " ")
            FileHandle.standardError.write(Data("session-store: \(line)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Fails unless a file exists at `path`: the verbs that only read must not create an empty database.
    static func requireDatabase(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ToolError("no database at \(path)")
        }
    }

    /// A read-only connection to an existing database, set up as the library sets up its own.
    static func openReadOnly(_ path: String) throws -> Connection {
        try requireDatabase(path)
        var options = Configuration().connectionOptions
        options.access = .readOnly
        return try Connection(location: .file(path), options: options)
    }

    /// Whether the existing database at `path` has every migration of this build (read without writing).
    static func schemaIsCurrent(_ path: String) throws -> Bool {
        try Migrator().status(of: openReadOnly(path)).isUpToDate
    }

    /// Runs `body` with a repository on an existing database whose schema is current, and closes it whatever
    /// happens. The verbs that use it only read, so they never migrate a database behind the operator's back.
    static func withRepository<T>(_ path: String, _ body: (SessionRepository) async throws -> T) async throws -> T {
        guard try schemaIsCurrent(path) else {
            throw ToolError("\(path) needs `session-store migrate` first")
        }
        let repository = try await SessionRepository(path: path)
        do {
            let result = try await body(repository)
            await repository.close()
            return result
        } catch {
            await repository.close()
            throw error
        }
    }

    /// Milliseconds since the Unix epoch as a readable UTC time.
    static func time(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}

/// A failure the tool itself reports, in one line.
struct ToolError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
