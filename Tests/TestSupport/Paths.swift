import Foundation

/// Where the tests find the repository, its fixtures, and the built executables.
public enum Paths {
    /// The repository's root folder, found from this file's path.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Fixtures`: legacy data written by the old JSON store, healthy and damaged, kept in the repository so
    /// that a clone tests on its own.
    public static let fixtures = repositoryRoot.appendingPathComponent("Tests").appendingPathComponent("Fixtures")

    /// The folder holding the built executables and the test bundle.
    public static let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
}

/// What a finished subprocess left.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let standardOutput: String
    public let standardError: String
}

/// Runs `executable` with `arguments` to completion, capturing both outputs; a process still running after
/// `timeout` is killed (its status is then SIGKILL's). The waiting happens on a dispatch thread, so that tests
/// running subprocesses side by side do not starve Swift's cooperative thread pool.
public func runProcess(
    _ executable: URL, _ arguments: [String], in directory: URL? = nil, timeout: Duration = .seconds(120)
) async throws -> ProcessResult {
    // The result crosses through a lock, which the thread sanitizer sees, rather than through the continuation.
    let outcome = Handover<Result<ProcessResult, any Error>>()
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        DispatchQueue.global().async {
            outcome.set(Result { try runProcessBlocking(executable, arguments, in: directory, timeout: timeout) })
            continuation.resume()
        }
    }
    return try outcome.get()!.get()
}

private func runProcessBlocking(_ executable: URL, _ arguments: [String], in directory: URL?, timeout: Duration) throws -> ProcessResult {
    let child = try ChildProcess(executable, arguments, in: directory)
    let deadline = DispatchWorkItem { child.send(SIGKILL) }
    let (seconds, attoseconds) = timeout.components
    DispatchQueue.global().asyncAfter(
        deadline: .now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)), execute: deadline)
    defer { deadline.cancel() }
    // Read both pipes while the process runs, so that neither fills up and blocks it.
    let errorData = Handover<Data>()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) {
        errorData.set(child.readStandardError())
    }
    let outputData = child.readStandardOutput()
    group.wait()
    let status = child.wait()
    return ProcessResult(
        status: status, standardOutput: String(decoding: outputData, as: UTF8.self),
        standardError: String(decoding: errorData.get() ?? Data(), as: UTF8.self))
}

/// A value handed from one thread to another under a lock.
private final class Handover<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?

    func set(_ newValue: Value) { lock.withLock { value = newValue } }
    func get() -> Value? { lock.withLock { value } }
}
