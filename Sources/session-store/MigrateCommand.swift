import ArgumentParser
import Foundation
import SessionStoreSQLite
import SessionStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the schema up to date (creating the database when missing), or show where it stands.")

    @OptionGroup var database: DatabaseOption

    @Flag(help: "List applied and pending migrations without changing anything.")
    var status = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    struct Listing: Encodable {
        struct Entry: Encodable {
            let version: Int
            let name: String
            let checksum: String?
            let appliedAt: Int64?
        }

        let applied: [Entry]
        let pending: [Entry]
    }

    func run() async throws {
        try await Terminal.run {
            let migrator = Migrator()
            if status {
                let current = FileManager.default.fileExists(atPath: database.path)
                    ? try migrator.status(of: try Terminal.openReadOnly(database.path))
                    : try migrator.status(of: Connection(location: .inMemory))
                try show(current)
                return
            }
            let connection = try Connection(location: .file(database.path), options: Configuration().connectionOptions)
            let applied = try migrator.migrate(connection)
            if json {
                try show(try migrator.status(of: connection))
            } else if applied.isEmpty {
                Terminal.print("\(database.path) is up to date")
            } else {
                for migration in applied {
                    Terminal.print("applied \(String(format: "%04d", migration.version))_\(migration.name)")
                }
            }
        }
    }

    private func show(_ status: MigrationStatus) throws {
        let listing = Listing(
            applied: status.applied.map { Listing.Entry(version: $0.version, name: $0.name, checksum: $0.checksum, appliedAt: $0.appliedAt) },
            pending: status.pending.map { Listing.Entry(version: $0.version, name: $0.name, checksum: $0.checksum, appliedAt: nil) })
        if json {
            try Terminal.printJSON(listing)
            return
        }
        for entry in listing.applied {
            Terminal.print("applied  \(String(format: "%04d", entry.version))_\(entry.name)  \(Terminal.time(entry.appliedAt ?? 0))  \(entry.checksum ?? "(applied by hand)")")
        }
        for entry in listing.pending {
            Terminal.print("pending  \(String(format: "%04d", entry.version))_\(entry.name)")
        }
    }
}
