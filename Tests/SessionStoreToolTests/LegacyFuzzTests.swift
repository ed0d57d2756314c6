import Foundation
import SessionStore
import Testing
import TestSupport

/// Damaged legacy folders made by a seeded generator, each imported into a fresh store by the tool: never a crash
/// or a hang, the legacy files unchanged, and a store that passes `check`. `swift test` runs 50 cases;
/// `SESSION_STORE_FUZZ_CASES=1000 swift test --filter LegacyFuzzTests` runs more. A failure names its seed.
@Suite struct LegacyFuzzTests {
    static let cases = ProcessInfo.processInfo.environment["SESSION_STORE_FUZZ_CASES"].flatMap(Int.init) ?? 50
    static let sources = [
        Legacy.sample.appendingPathComponent("ws-7-0/sessions.json"),
        Legacy.sample.appendingPathComponent("01JDQ000700000000000000001/sessions.json"),
        Legacy.damaged.appendingPathComponent("ws-oddities/sessions.json"),
        Legacy.damaged.appendingPathComponent("ws-truncated/sessions.json"),
    ]

    /// The ways a legacy file is damaged, each applied to its bytes or to the file in place.
    enum Damage: CaseIterable {
        case flipBytes, truncate, duplicateKey, wrongType, hugeNumber, deepNesting, invalidUTF8, nulBytes
        case symbolicLink, fifo, directory, unreadable
    }

    @Test func damagedLegacyFoldersNeverCrashHangOrChangeTheLegacyFiles() async throws {
        let seeds = (0..<UInt64(Self.cases)).map { $0 &* 0x9E37_79B9 &+ 1 }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var pending = seeds.makeIterator()
            // Two cases at a time: one per core.
            for _ in 0..<2 {
                if let seed = pending.next() { group.addTask { try await Self.run(seed: seed) } }
            }
            while try await group.next() != nil {
                if let seed = pending.next() { group.addTask { try await Self.run(seed: seed) } }
            }
        }
    }

    static func run(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let directory = try TemporaryDirectory()
        let legacy = directory.file("legacy")
        let outside = directory.file("outside.json")
        try Data(#"{"sessions": {}, "messages": {}}"#.utf8).write(to: URL(fileURLWithPath: outside))
        for index in 0..<Int.random(in: 1...3, using: &random) {
            let folder = "\(legacy)/ws-\(index)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let file = folder + "/sessions.json"
            var bytes = Array(try Data(contentsOf: sources.randomElement(using: &random)!))
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                damage(&bytes, file: file, outside: outside, Damage.allCases.randomElement(using: &random)!, &random)
            }
            if lstatMode(file) == nil {
                try Data(bytes).write(to: URL(fileURLWithPath: file))
            }
        }
        let before = try Legacy.fingerprint(URL(fileURLWithPath: legacy))
        let database = directory.file("store.sqlite")
        let imported = try await runProcess(Tool.executable, ["import", legacy, "--db", database, "--json"], timeout: .seconds(60))
        #expect([0, 1].contains(imported.status), "seed \(seed): import exited \(imported.status): \(imported.standardError)")
        #expect(imported.standardError.split(separator: "\n").count <= 1, "seed \(seed): \(imported.standardError)")
        #expect(try Legacy.fingerprint(URL(fileURLWithPath: legacy)) == before, "seed \(seed): the legacy files changed")
        if FileManager.default.fileExists(atPath: database) {
            let check = try await runProcess(Tool.executable, ["check", "--db", database], timeout: .seconds(60))
            #expect(check.status == 0, "seed \(seed): \(check.standardOutput)\(check.standardError)")
        }
    }

    static func lstatMode(_ path: String) -> mode_t? {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : nil
    }

    /// Applies one damage to `bytes`, or puts something other than a regular file at `file`.
    static func damage(_ bytes: inout [UInt8], file: String, outside: String, _ damage: Damage, _ random: inout SplitMix64) {
        guard !bytes.isEmpty else { return }
        let at = Int.random(in: 0..<bytes.count, using: &random)
        func insert(_ text: String, afterNext byte: UInt8) {
            let place = bytes[at...].firstIndex(of: byte).map { $0 + 1 } ?? at
            bytes.insert(contentsOf: Array(text.utf8), at: place)
        }
        switch damage {
        case .flipBytes:
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
            }
        case .truncate: bytes.removeSubrange(at...)
        case .duplicateKey: insert(#""id": "duplicate", "#, afterNext: UInt8(ascii: "{"))
        case .wrongType: insert(#""createdAt": "yesterday", "messageIds": 7, "parts": {"a": 1}, "#, afterNext: UInt8(ascii: "{"))
        case .hugeNumber: insert(#""updatedAt": 1e999, "createdAt": 123456789012345678901234567890, "#, afterNext: UInt8(ascii: "{"))
        case .deepNesting:
            let depth = Int.random(in: 1_000...100_000, using: &random)
            insert(#""deep": "# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + ", ", afterNext: UInt8(ascii: "{"))
        case .invalidUTF8: bytes.insert(contentsOf: [0xC3, 0x28, 0xFF, 0xFE], at: at)
        case .nulBytes: bytes.insert(contentsOf: [0, 0, 0], at: at)
        case .symbolicLink: try? FileManager.default.createSymbolicLink(atPath: file, withDestinationPath: outside)
        case .fifo: mkfifo(file, 0o600)
        case .directory: try? FileManager.default.createDirectory(atPath: file, withIntermediateDirectories: false)
        case .unreadable:
            if lstatMode(file) == nil {
                try? Data(bytes).write(to: URL(fileURLWithPath: file))
                chmod(file, 0)
            }
        }
    }
}
