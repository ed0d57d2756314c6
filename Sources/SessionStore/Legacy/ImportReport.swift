/// Something an import noticed in the legacy data, by file and id.
public struct ImportAnomaly: Codable, Sendable, Hashable {
    /// The kinds of damage the old store left behind.
    public enum Kind: String, Codable, Sendable {
        /// The folder or file could not be used (unparseable, empty, a symbolic link, too large, a `sessions.json`
        /// outside a workspace folder).
        case unreadableFile
        /// A session or message entry could not be decoded or breaks a limit; it was skipped.
        case invalidEntry
        /// An entry's key differs from the id inside it; the id inside was used.
        case keyMismatch
        /// A session's `workspaceId` differs from its folder's name; the folder name was used.
        case workspaceMismatch
        /// The session id already belongs to another workspace in the database; the session was skipped.
        case sessionInOtherWorkspace
        /// The message id already belongs to another workspace in the database; it was left out of the order.
        case messageInOtherWorkspace
        /// A session listed a message that does not exist; the id was dropped from its order.
        case danglingMessageId
        /// A session listed a message twice; the later occurrence was dropped.
        case duplicateMessageId
        /// A session's parent does not exist in the workspace; the parent was cleared.
        case missingParent
        /// No session lists the message; it was left out.
        case orphanMessage
        /// No session listed the message; it was put into the workspace's "Recovered messages" session.
        case recoveredMessage
        /// A file or folder that is not a workspace sits in the data directory; it was ignored.
        case ignoredEntry
    }

    /// What was noticed.
    public let kind: Kind
    /// The file or folder concerned.
    public let file: String
    /// The session or message concerned, if any.
    public let id: String?
    /// A sentence saying what was found and what was done.
    public let detail: String

    /// Creates an anomaly.
    public init(kind: Kind, file: String, id: String? = nil, detail: String) {
        self.kind = kind
        self.file = file
        self.id = id
        self.detail = detail
    }

    /// Whether the anomaly means something in the legacy data did not reach the database.
    public var lostData: Bool {
        switch kind {
        case .unreadableFile, .invalidEntry, .sessionInOtherWorkspace, .messageInOtherWorkspace, .orphanMessage: true
        case .keyMismatch, .workspaceMismatch, .danglingMessageId, .duplicateMessageId, .missingParent, .recoveredMessage,
            .ignoredEntry:
            false
        }
    }
}

/// What an import did with one workspace folder.
public struct WorkspaceImportReport: Codable, Sendable, Hashable {
    /// The workspace id: the folder's name.
    public var workspaceId: String
    /// The `sessions.json` read.
    public var file: String
    /// Sessions written to the database.
    public var sessionsImported = 0
    /// Sessions the database already had in this workspace (an earlier run); left as they are.
    public var sessionsAlreadyPresent = 0
    /// Sessions not imported because of an anomaly.
    public var sessionsSkipped = 0
    /// Message bodies written to the database.
    public var messagesImported = 0
    /// Orphan messages put into a "Recovered messages" session.
    public var messagesRecovered = 0
    /// What was noticed, in the order found.
    public var anomalies: [ImportAnomaly] = []

    /// Creates an empty report for a workspace file.
    public init(workspaceId: String, file: String) {
        self.workspaceId = workspaceId
        self.file = file
    }
}

/// What an import did with a legacy data directory.
public struct ImportReport: Codable, Sendable, Hashable {
    /// The directory read.
    public var directory: String
    /// Whether the import was a dry run, which writes nothing.
    public var dryRun: Bool
    /// One report per workspace folder with a readable file, in name order.
    public var workspaces: [WorkspaceImportReport] = []
    /// Anomalies of the directory itself: stray files, links, unreadable or missing `sessions.json` files.
    public var anomalies: [ImportAnomaly] = []

    /// Creates an empty report.
    public init(directory: String, dryRun: Bool) {
        self.directory = directory
        self.dryRun = dryRun
    }

    /// Every anomaly, the directory's first.
    public var allAnomalies: [ImportAnomaly] {
        anomalies + workspaces.flatMap(\.anomalies)
    }

    /// Whether everything importable reached the database: no session skipped, nothing unreadable, no orphan left.
    public var isComplete: Bool {
        !allAnomalies.contains(where: \.lostData)
    }
}
