import Foundation
import SessionStoreSQLite
import TestSupport
import Testing

@Suite struct CheckpointPolicyTests {
    func walBytes(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int) ?? 0
    }

    @Test func theLogShrinksOnceALongLivedReaderLetsGo() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("db.sqlite")
        let policy = CheckpointPolicy(passivePages: 20, truncatePages: 50)
        let writer = try Connection(location: .file(path), options: ConnectionOptions(checkpointPolicy: policy))
        try writer.execute("CREATE TABLE t (payload BLOB NOT NULL)")
        let payload = SQLiteValue.blob(Data(repeating: 1, count: 4000))

        // Without readers, the log never grows far past the truncation threshold.
        for _ in 0..<200 {
            try writer.execute("INSERT INTO t VALUES (?1)", [payload])
        }
        #expect(walBytes(path) <= 60 * 4096)

        // A reader in a long transaction pins the log: writes go on, the log grows.
        let reader = try Connection(location: .file(path), options: ConnectionOptions(access: .readOnly))
        try reader.execute("BEGIN")
        #expect(try reader.prepare("SELECT count(*) FROM t").first { $0.int64(0) } == 200)
        for _ in 0..<200 {
            try writer.execute("INSERT INTO t VALUES (?1)", [payload])
        }
        let pinned = walBytes(path)
        #expect(pinned > 150 * 4096)

        // The reader lets go: the next commit truncates the log.
        try reader.execute("COMMIT")
        try writer.execute("INSERT INTO t VALUES (?1)", [payload])
        #expect(walBytes(path) < pinned)
        #expect(walBytes(path) <= 60 * 4096)
        #expect(try reader.prepare("SELECT count(*) FROM t").first { $0.int64(0) } == 401)
    }

    @Test func byDefaultTheLogOfALargeTransactionIsLeftInPlaceForTheNext() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("db.sqlite")
        let writer = try Connection(location: .file(path))
        try writer.execute("CREATE TABLE t (payload BLOB NOT NULL)")
        let payload = SQLiteValue.blob(Data(repeating: 1, count: 4000))
        // About 5000 pages in one commit: more than a 16 MiB threshold, which truncated the log to nothing and
        // made every such transaction grow the file again.
        try writer.transaction {
            for _ in 0..<5000 {
                try writer.execute("INSERT INTO t VALUES (?1)", [payload])
            }
        }
        #expect(walBytes(path) >= 5000 * 4096)
        #expect(try writer.prepare("SELECT count(*) FROM t").first { $0.int64(0) } == 5000)
    }
}
