/// One schema change: the SQL of a file `Migrations/NNNN_description.sql`, compiled into the library.
public struct Migration: Sendable, Hashable {
    /// The number the file name starts with; migrations apply in increasing order.
    public let version: Int

    /// The description part of the file name.
    public let name: String

    /// The SQL script, byte for byte as in the file.
    public let sql: String

    /// SHA-256 of the file, in hex: what `sha256sum Migrations/NNNN_description.sql` prints.
    public var checksum: String {
        SHA256.hexDigest(of: sql.utf8)
    }

    /// The file's name, `NNNN_description.sql`.
    public var fileName: String {
        String(repeating: "0", count: max(0, 4 - String(version).count)) + "\(version)_\(name).sql"
    }

    /// Reads version and name from a file name `NNNN_description.sql` (EmbedMigrations checked its form).
    package init(fileName: String, sql: String) {
        version = Int(fileName.prefix(4)) ?? 0
        name = String(fileName.dropFirst(5).dropLast(4))
        self.sql = sql
    }
}
