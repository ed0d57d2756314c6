import Foundation
import SessionStoreSQLite
import SessionStore
import TestSupport
import Testing

/// Runs the built `session-store` executable, as an operator would.
enum Tool {
    static let executable = Paths.products.appendingPathComponent("session-store")

    static func run(_ arguments: String...) async throws -> ProcessResult {
        try await runProcess(executable, arguments)
    }

    /// Runs a verb that must succeed; a failure is recorded with what the tool said on standard error.
    @discardableResult
    static func succeed(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) async throws -> ProcessResult {
        try await succeed(arguments, sourceLocation: sourceLocation)
    }

    /// Runs a verb that must succeed, from an array of arguments.
    @discardableResult
    static func succeed(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> ProcessResult {
        let result = try await runProcess(executable, arguments)
        if result.status != 0 {
            Issue.record("session-store \(arguments.joined(separator: " ")) exited \(result.status): \(result.standardError)",
                sourceLocation: sourceLocation)
        }
        return result
    }

    /// Runs with `--json` and decodes what was printed.
    static func json<T: Decodable>(_ type: T.Type, _ arguments: String...) async throws -> (ProcessResult, T) {
        let result = try await runProcess(executable, arguments + ["--json"])
        return (result, try JSONDecoder().decode(T.self, from: Data(result.standardOutput.utf8)))
    }
}

enum Legacy {
    static let sample = Paths.fixtures.appendingPathComponent("legacy-sample")
    static let damaged = Paths.fixtures.appendingPathComponent("legacy-damaged")

    /// A data directory holding copies of the named workspace folders of `source`.
    static func directory(_ source: URL, _ workspaces: [String], in temporary: TemporaryDirectory) throws -> String {
        let directory = temporary.file("legacy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for workspace in workspaces {
            try FileManager.default.copyItem(
                atPath: source.appendingPathComponent(workspace).path, toPath: (directory as NSString).appendingPathComponent(workspace))
        }
        return directory
    }

    /// Every entry under `directory` but its folders, by relative path, with a regular file's bytes, a link's
    /// target, or the kind of anything else, links not followed: to show that the legacy data was only read.
    static func fingerprint(_ directory: URL) throws -> [String: Data] {
        var entries: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        while let relative = enumerator?.nextObject() as? String {
            let path = directory.appendingPathComponent(relative).path
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            switch status.st_mode & S_IFMT {
            case S_IFREG: entries[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
            case S_IFLNK: entries[relative] = Data(("link to " + (try FileManager.default.destinationOfSymbolicLink(atPath: path))).utf8)
            case S_IFDIR: continue
            default: entries[relative] = Data("mode \(status.st_mode)".utf8)
            }
        }
        return entries
    }
}

/// Every row of the store's tables, as text: equal snapshots mean an unchanged database.
func snapshot(_ path: String) throws -> [String] {
    var options = Configuration().connectionOptions
    options.access = .readOnly
    let connection = try Connection(location: .file(path), options: options)
    var rows: [String] = []
    for table in ["sessions", "messages", "session_messages"] {
        rows += try connection.prepare("SELECT * FROM \(table) ORDER BY 1, 2").map { row in
            table + ": " + (0..<row.count).map { "\(row.value($0))" }.joined(separator: "|")
        }
    }
    return rows
}

func count(_ sql: String, in path: String) throws -> Int64 {
    var options = Configuration().connectionOptions
    options.access = .readOnly
    return try Connection(location: .file(path), options: options).prepare(sql).first { $0.int64(0) } ?? -1
}

/// What `check --json` prints.
struct CheckOutput: Decodable {
    let database: String
    let ok: Bool
    let violations: [StoreCheck.Violation]
}

/// What `list --json` prints, at each of its three levels.
enum Listing {
    struct Workspaces: Decodable {
        struct Row: Decodable {
            let workspaceId: String
            let sessions: Int
            let messages: Int
            let lastActivity: String
        }

        let workspaces: [Row]
    }

    struct Sessions: Decodable {
        struct Row: Decodable {
            let id: String
            let messages: Int
            let updatedAt: String
            let title: String?
        }

        let workspaceId: String
        let sessions: [Row]
    }

    struct Messages: Decodable {
        struct Row: Decodable {
            let position: Int
            let id: String
            let role: String
            let content: String?
        }

        let workspaceId: String
        let sessionId: String
        let messages: [Row]
    }
}

/// What `export --json` prints.
struct ExportOutput: Decodable {
    let workspaces: [LegacyExporter.Written]
    let skipped: [LegacyExporter.Skipped]
    let notes: [String]
}
