import Foundation

/// This executable started again with other arguments, its standard output read once it ends: how the benchmark
/// measures in processes of their own (peak memory, another process's writes).
struct SelfProcess {
    private let process = Process()
    private let output = Pipe()

    /// Starts the process.
    init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = arguments
        process.standardOutput = output
        try process.run()
    }

    /// Waits for the process to end; returns its exit status and what it printed.
    func finish() -> (status: Int32, printed: String) {
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, printed)
    }
}
