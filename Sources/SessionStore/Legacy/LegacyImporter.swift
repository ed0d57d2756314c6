import Foundation
import SessionStoreSQLite

/// Imports a legacy data directory — `DIR/<workspaceId>/sessions.json` for each workspace — into a repository.
///
/// Each workspace is one transaction: imported whole or not at all. Rows the database already has are left as
/// they are, so running the same import again adds nothing. The legacy files are only read: never written,
/// renamed or deleted, and only regular files inside the directory are opened (symbolic links are reported
/// and skipped).
public struct LegacyImporter: Sendable {
    /// How the import treats what it finds.
    public struct Options: Sendable {
        /// Put messages that no session lists into a session titled "Recovered messages".
        public var recoverOrphans: Bool
        /// Validate and report without writing: the whole run happens in one transaction that is rolled back.
        public var dryRun: Bool
        /// Larger `sessions.json` files are refused.
        public var maxFileBytes: Int

        /// The defaults: no recovery, a real run, files up to 1 GiB.
        public init(recoverOrphans: Bool = false, dryRun: Bool = false, maxFileBytes: Int = 1 << 30) {
            self.recoverOrphans = recoverOrphans
            self.dryRun = dryRun
            self.maxFileBytes = maxFileBytes
        }
    }

    /// Where a running import stands.
    public struct Progress: Sendable {
        /// Workspaces done so far.
        public let workspacesDone: Int
        /// Workspace folders in the directory.
        public let workspaceCount: Int
        /// Message bodies written so far (on a dry run: that would have been written).
        public let messagesImported: Int
    }

    /// The options in force.
    public let options: Options

    /// An importer with `options`.
    public init(options: Options = Options()) {
        self.options = options
    }

    /// Imports every workspace of `directory` into `repository`, calling `progress` after each workspace.
    ///
    /// - Throws: when the directory cannot be listed, or the database fails (`SQLiteError`); damaged legacy data
    ///   is reported, not thrown.
    public func run(
        directory: String, into repository: SessionRepository, progress: @escaping @Sendable (Progress) -> Void = { _ in }
    ) async throws -> ImportReport {
        var report = ImportReport(directory: directory, dryRun: options.dryRun)
        let folders = try scan(directory, into: &report)
        let now = repository.configuration.now()
        let limits = repository.limits
        let retention = repository.configuration.changeRetention
        let load: @Sendable (String, String) -> Result<WorkspaceImport, ImportAnomaly> = { [options] workspaceId, file in
            readWorkspace(workspaceId: workspaceId, file: file, options: options, limits: limits, retention: retention, now: now)
        }

        if options.dryRun {
            let outcome = try await repository.database.writeWithoutTransaction { connection in
                try connection.begin(.immediate)
                defer { try? connection.execute("ROLLBACK") }
                var outcome: [Result<WorkspaceImportReport, ImportAnomaly>] = []
                var messagesImported = 0
                for (index, (workspaceId, file)) in folders.enumerated() {
                    switch load(workspaceId, file) {
                    case .failure(let anomaly):
                        outcome.append(.failure(anomaly))
                    case .success(let workspace):
                        let workspaceReport = try connection.transaction { try workspace.apply(connection) }
                        messagesImported += workspaceReport.messagesImported
                        outcome.append(.success(workspaceReport))
                    }
                    progress(Progress(workspacesDone: index + 1, workspaceCount: folders.count, messagesImported: messagesImported))
                }
                return outcome
            }
            collect(outcome, into: &report)
            return report
        }

        var messagesImported = 0
        for (index, (workspaceId, file)) in folders.enumerated() {
            switch load(workspaceId, file) {
            case .failure(let anomaly):
                report.anomalies.append(anomaly)
            case .success(let workspace):
                let workspaceReport = try await repository.write { try workspace.apply($0) }
                messagesImported += workspaceReport.messagesImported
                report.workspaces.append(workspaceReport)
            }
            progress(Progress(workspacesDone: index + 1, workspaceCount: folders.count, messagesImported: messagesImported))
        }
        return report
    }

    /// The workspace folders of `directory` as (workspace id, file path), in name order; everything else is
    /// reported.
    private func scan(_ directory: String, into report: inout ImportReport) throws -> [(String, String)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        var folders: [(String, String)] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            func note(_ kind: ImportAnomaly.Kind, _ detail: String) {
                report.anomalies.append(ImportAnomaly(kind: kind, file: path, detail: detail))
            }
            switch LegacyFileReader.entryType(path) {
            case .symbolicLink:
                note(.unreadableFile, "a symbolic link; skipped (only folders inside the directory are read)")
            case .directory:
                let file = (path as NSString).appendingPathComponent("sessions.json")
                if LegacyFileReader.entryType(file) == .missing {
                    note(.ignoredEntry, "no sessions.json in this folder; nothing to import")
                } else {
                    folders.append((name, file))
                }
            // The directory given is a workspace's own folder: importing nothing would look like success.
            case .other where name == "sessions.json":
                note(.unreadableFile, "a workspace's file outside a workspace folder, so it has no workspace id; "
                    + "this looks like one workspace's folder: give import the folder above it; not imported")
            default:
                note(.ignoredEntry, "not a workspace folder; ignored")
            }
        }
        return folders
    }

    private func collect(_ outcome: [Result<WorkspaceImportReport, ImportAnomaly>], into report: inout ImportReport) {
        for result in outcome {
            switch result {
            case .success(let workspace): report.workspaces.append(workspace)
            case .failure(let anomaly): report.anomalies.append(anomaly)
            }
        }
    }
}

extension ImportAnomaly: Error {}

/// Reads and decodes one workspace file, or says why it cannot be used.
private func readWorkspace(
    workspaceId: String, file: String, options: LegacyImporter.Options, limits: Limits, retention: ChangeRetention, now: Int64
) -> Result<WorkspaceImport, ImportAnomaly> {
    func unreadable(_ detail: String) -> Result<WorkspaceImport, ImportAnomaly> {
        .failure(ImportAnomaly(kind: .unreadableFile, file: file, detail: detail))
    }
    do {
        try limits.checkIdentifier(workspaceId, "workspace folder name")
    } catch {
        return unreadable("\(error); skipped")
    }
    let data: Data
    switch LegacyFileReader.read(file, maxBytes: options.maxFileBytes) {
    case .success(let bytes): data = bytes
    case .failure(let reason): return unreadable("\(reason); skipped")
    }
    do {
        let content = try LegacyFileContent.decode(data)
        return .success(WorkspaceImport(
            workspaceId: workspaceId, file: file, content: content, recoverOrphans: options.recoverOrphans,
            limits: limits, retention: retention, now: now))
    } catch {
        return unreadable("\(error.reason); workspace skipped")
    }
}
