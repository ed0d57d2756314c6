import Foundation

/// A child process started with `posix_spawn`, its output on pipes or in a file.
///
/// Not Foundation's `Process`: on Linux that one watches its children through a `select()`, which corrupts memory
/// once the test process holds more than 1,024 descriptors, as the suites running side by side do.
public final class ChildProcess: Sendable {
    /// Where an output of the child goes.
    public enum Output: Sendable {
        /// A pipe the test reads with ``readStandardOutput()`` or ``readStandardError()``.
        case pipe
        /// A file, created or emptied.
        case file(String)
        /// Nowhere.
        case discard
    }

    public let pid: pid_t
    private let outputPipe: Int32?
    private let errorPipe: Int32?

    /// Starts `executable` with `arguments`, standard input from `/dev/null`.
    public init(
        _ executable: URL, _ arguments: [String], standardOutput: Output = .pipe, standardError: Output = .pipe,
        in directory: URL? = nil
    ) throws {
        spawning.lock()
        defer { spawning.unlock() }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var parentEnds: [Int32?] = []
        var childEnds: [Int32] = []
        for (descriptor, output) in [(Int32(1), standardOutput), (2, standardError)] {
            switch output {
            case .pipe:
                var ends: [Int32] = [0, 0]
                guard pipe(&ends) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                // Close-on-exec, so that no other child inherits an end and keeps the pipe open; spawns wait for
                // this under `spawning`, so that none happens in between.
                ends.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
                posix_spawn_file_actions_adddup2(&actions, ends[1], descriptor)
                parentEnds.append(ends[0])
                childEnds.append(ends[1])
            case .file(let path):
                posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                parentEnds.append(nil)
            case .discard:
                posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
                parentEnds.append(nil)
            }
        }
        // env(1) changes the directory: posix_spawn's own way is a GNU extension that Swift's Glibc does not show.
        let command = directory.map { ["/usr/bin/env", "-C", $0.path, executable.path] } ?? [executable.path]
        let argv: [UnsafeMutablePointer<CChar>?] = (command + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        childEnds.forEach { close($0) }
        guard result == 0 else {
            parentEnds.compactMap { $0 }.forEach { close($0) }
            throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO)
        }
        self.pid = pid
        outputPipe = parentEnds[0]
        errorPipe = parentEnds[1]
    }

    /// Everything the child writes on standard output, once it closes it (a `.pipe` output only).
    public func readStandardOutput() -> Data { Self.readToEnd(outputPipe) }

    /// The next line the child writes on standard output, without its newline; nil once it closes it (a `.pipe`
    /// output only). Reads a byte at a time, so that nothing after the line is taken from the pipe.
    public func readStandardOutputLine() -> String? {
        guard let outputPipe else { return nil }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(outputPipe, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
    }

    /// Everything the child writes on standard error, once it closes it (a `.pipe` output only).
    public func readStandardError() -> Data { Self.readToEnd(errorPipe) }

    /// Sends `signal` to the child.
    public func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits for the child to end: its exit status, or the number of the signal that ended it.
    public func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : signal
    }

    private static func readToEnd(_ descriptor: Int32?) -> Data {
        guard let descriptor else { return Data() }
        defer { close(descriptor) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return data }
            data.append(contentsOf: buffer[0..<count])
        }
    }
}

/// Held while a child is set up and spawned: from the creation of its pipes to the spawn.
private let spawning = NSLock()
