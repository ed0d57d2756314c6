import ArgumentParser
import Foundation
import Logging
import SessionStore
import SessionStorePostgres

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the schema up to date (creating the database when missing), or show where it stands.")

    @OptionGroup var database: DatabaseOption

    @Flag(help: "List applied and pending migrations without changing anything.")
    var status = false

    @OptionGroup var json: JSONOption

    struct Entry: Encodable {
        let version: Int
        let name: String
        let checksum: String?
        let appliedAt: Date?
    }

    struct Output: Encodable {
        let database: String
        /// The migrations this run applied (empty for --status).
        let appliedNow: [String]
        let applied: [Entry]
        let pending: [Entry]
    }

    func run() async throws {
        try await Terminal.run(json: json) {
            let migrator = Migrator()
            var appliedNow: [Migration] = []
            let current: MigrationStatus
            if Terminal.isPostgresURL(database.path) {
                let logger = Logger(label: "session-store", factory: { _ in SwiftLogNoOpLogHandler() })
                if status {
                    current = try await PostgresMigrator().status(url: database.path, logger: logger)
                } else {
                    (appliedNow, current) = try await PostgresMigrator().migrate(url: database.path, logger: logger)
                }
            } else if status {
                current = FileManager.default.fileExists(atPath: database.path)
                    ? try Terminal.withReadOnlyConnection(database.path) { try migrator.status(of: $0) }
                    : try migrator.status(of: Connection(location: .inMemory))
            } else {
                let connection = try Connection(location: .file(database.path), options: Configuration().connectionOptions)
                defer { connection.close() }
                appliedNow = try migrator.migrate(connection)
                current = try migrator.status(of: connection)
            }
            let output = Output(
                database: database.path, appliedNow: appliedNow.map(\.fileName),
                applied: current.applied.map { Entry(version: $0.version, name: $0.name, checksum: $0.checksum, appliedAt: Terminal.date($0.appliedAt)) },
                pending: current.pending.map { Entry(version: $0.version, name: $0.name, checksum: $0.checksum, appliedAt: nil) })
            if json.enabled { return try Terminal.printJSON(output) }
            if status {
                var table = Table(["state", "migration", "appliedAt", "checksum"], widths: [nil, nil, nil, nil])
                for (entry, migration) in zip(output.applied, current.applied) {
                    table.append(["applied", "\(String(format: "%04d", migration.version))_\(entry.name)",
                        Terminal.time(entry.appliedAt!), entry.checksum ?? "(applied by hand)"])
                }
                current.pending.forEach { table.append(["pending", $0.fileName, "", ""]) }
                table.lines.forEach { Terminal.print($0) }
            } else if appliedNow.isEmpty {
                Terminal.print("\(database.path) is up to date")
            } else {
                appliedNow.forEach { Terminal.print("applied \($0.fileName)") }
            }
        }
    }
}
