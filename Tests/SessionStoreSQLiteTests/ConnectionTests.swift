import Foundation
import SessionStoreSQLite
import TestSupport
import Testing

@Suite struct ConnectionTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    func permissions(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    func pragma(_ connection: Connection, _ name: String) throws -> String? {
        try connection.prepare("PRAGMA \(name)").first { $0.string(0) }
    }

    @Test func newFilesAreSetUpAndPrivate() throws {
        let path = directory.file("new.sqlite")
        let connection = try Connection(location: .file(path))
        try connection.execute("CREATE TABLE t (n INTEGER)")
        try connection.execute("INSERT INTO t VALUES (1)")

        #expect(try pragma(connection, "journal_mode") == "wal")
        #expect(try pragma(connection, "foreign_keys") == "1")
        #expect(try pragma(connection, "synchronous") == "1")  // NORMAL
        #expect(try pragma(connection, "trusted_schema") == "0")
        #expect(try pragma(connection, "secure_delete") == "2")  // FAST
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(try permissions(file) == 0o600, "\(file)")
        }
    }

    @Test func synchronousFullOnRequest() throws {
        let connection = try Connection(
            location: .file(directory.file("full.sqlite")), options: ConnectionOptions(synchronous: .full))
        #expect(try pragma(connection, "synchronous") == "2")
    }

    @Test func secureDeleteOnRequest() throws {
        let connection = try Connection(
            location: .file(directory.file("scrubbed.sqlite")), options: ConnectionOptions(secureDelete: .on))
        #expect(try pragma(connection, "secure_delete") == "1")
    }

    @Test func defensiveModeRefusesSchemaWrites() throws {
        let connection = try Connection(location: .inMemory)
        let error = #expect(throws: SQLiteError.self) {
            try connection.execute("PRAGMA writable_schema = ON")
            try connection.execute("UPDATE sqlite_schema SET sql = '' WHERE 0")
        }
        #expect(error != nil)
    }

    @Test func aFileThatIsNotADatabaseIsRefusedAndLeftAlone() throws {
        let path = directory.file("notes.sqlite")
        let bytes = Data(String(repeating: "These are not the pages you are looking for.\n", count: 200).utf8)
        try bytes.write(to: URL(fileURLWithPath: path))

        let error = #expect(throws: SQLiteError.self) {
            try Connection(location: .file(path))
        }
        #expect(error?.resultCode == .notADatabase)
        #expect(error?.message == "\(path): file is not a database")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func aMissingDirectoryIsACannotOpenError() throws {
        let error = #expect(throws: SQLiteError.self) {
            try Connection(location: .file(directory.file("missing/db.sqlite")))
        }
        #expect(error?.resultCode == .cannotOpen)
    }

    /// SQLite opens a temporary database for an empty name, which would vanish with the connection.
    @Test(arguments: [ConnectionOptions.Access.readWrite, .readOnly])
    func anEmptyPathNamesNoFile(access: ConnectionOptions.Access) throws {
        let error = #expect(throws: SQLiteError.self) {
            try Connection(location: .file(""), options: ConnectionOptions(access: access))
        }
        #expect(error?.resultCode == .cannotOpen)
        #expect(error?.message == "an empty path names no database file")
    }

    @Test func readOnlyConnectionsRefuseWrites() throws {
        let path = directory.file("ro.sqlite")
        let writer = try Connection(location: .file(path))
        try writer.execute("CREATE TABLE t (n INTEGER)")
        let reader = try Connection(location: .file(path), options: ConnectionOptions(access: .readOnly))
        let error = #expect(throws: SQLiteError.self) {
            try reader.execute("INSERT INTO t VALUES (1)")
        }
        #expect(error?.resultCode == .readOnly)
    }

    @Test func aReaderKeepsItsSnapshotWhileTheWriterCommits() throws {
        let path = directory.file("snapshot.sqlite")
        let writer = try Connection(location: .file(path))
        try writer.execute("CREATE TABLE t (n INTEGER)")
        let reader = try Connection(location: .file(path), options: ConnectionOptions(access: .readOnly))
        try reader.transaction(.deferred) {
            #expect(try reader.prepare("SELECT count(*) FROM t").first { $0.int64(0) } == 0)
            try writer.execute("INSERT INTO t VALUES (1)")
            #expect(try reader.prepare("SELECT count(*) FROM t").first { $0.int64(0) } == 0)
        }
        #expect(try reader.prepare("SELECT count(*) FROM t").first { $0.int64(0) } == 1)
    }
}
