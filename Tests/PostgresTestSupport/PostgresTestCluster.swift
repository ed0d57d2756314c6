import Foundation
import TestSupport

/// A PostgreSQL server of a test's own, for tests that stop or restart it while the shared one serves the other
/// tests: `.ci/postgres` makes it in a temporary folder (installing Debian's PostgreSQL when missing) and stops
/// it when the cluster is released.
public final class PostgresTestCluster: Sendable {
    /// The URL of its `postgres` database, with `connect_timeout` set to what the test asked.
    public let url: String
    private let folder: TemporaryDirectory
    private var directory: String { folder.file("cluster") }

    /// Starts a cluster; a store of it gives up connecting after `connectTimeout` seconds.
    public init(connectTimeout: Int = 10) async throws {
        folder = try TemporaryDirectory()
        // The postgres user must reach the cluster's folder.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        let started = try await Self.run("start", folder.file("cluster"))
        url = started.trimmingCharacters(in: .whitespacesAndNewlines) + "&connect_timeout=\(connectTimeout)"
    }

    deinit {
        _ = try? ChildProcess(
            URL(fileURLWithPath: "/bin/bash"), [Self.script, "stop", directory], standardOutput: .discard, standardError: .discard
        ).wait()
    }

    /// Stops the server and starts it again on the same port.
    public func restart() async throws {
        _ = try await Self.run("restart", directory)
    }

    /// Stops the server; it stays down.
    public func stop() async throws {
        _ = try await Self.run("stop", directory)
    }

    private static let script = Paths.repositoryRoot.appendingPathComponent(".ci/postgres").path

    /// Runs `.ci/postgres COMMAND DIRECTORY`: its standard output, or an error with its standard error.
    private static func run(_ command: String, _ directory: String) async throws -> String {
        let run = try await runProcess(URL(fileURLWithPath: "/bin/bash"), [script, command, directory])
        guard run.status == 0 else { throw Failure(message: "`.ci/postgres \(command)` failed: \(run.standardError)") }
        return run.standardOutput
    }

    private struct Failure: Error {
        let message: String
    }
}
