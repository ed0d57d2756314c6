import Foundation
import PackagePlugin

/// Compiles the top-level `Migrations/*.sql` files into the target (`Migrations/PostgreSQL/*.sql` into the
/// PostgreSQL backend's), so that a binary copied alone to another machine still carries its schema.
@main
struct EmbedMigrationsPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let postgreSQL = target.name == "SessionStorePostgres"
        let folder = context.package.directoryURL.appending(path: postgreSQL ? "Migrations/PostgreSQL" : "Migrations")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "BundledMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) migrations from \(folder.path)",
                executable: try context.tool(named: "EmbedMigrations").url,
                arguments: [output.path] + (postgreSQL ? ["--postgresql"] : []) + files.map(\.path),
                inputFiles: files,
                outputFiles: [output])
        ]
    }
}
