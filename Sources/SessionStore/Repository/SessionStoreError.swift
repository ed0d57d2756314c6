import Foundation

/// Why a SessionStore call was refused. Nothing was changed when one of these is thrown.
///
/// Failures of SQLite itself (busy, full, read-only, corrupt, not a database) arrive as `SQLiteError`.
public enum SessionStoreError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// An identifier argument is empty or longer than the limit.
    case invalidIdentifier(field: String, reason: String)
    /// A text or message is larger than the configured limit.
    case valueTooLarge(field: String, byteCount: Int, limit: Int)
    /// A message's usage holds a count or cost outside what ``Usage`` allows.
    case invalidUsage(reason: String)
    /// A text holds a character the backend cannot store: PostgreSQL's text has no NUL (U+0000), which SQLite
    /// stores as it is.
    case unsupportedCharacter(reason: String)
    /// No session with this id exists in the workspace.
    case sessionNotFound(workspaceId: String, sessionId: String)
    /// The parent named for a session does not exist in the workspace.
    case parentNotFound(workspaceId: String, parentId: String)
    /// The parent named for a session is the session itself or one of its descendants: parents would go round in
    /// a circle, and a walk up from any of them would never end.
    case parentCycle(sessionId: String, parentId: String)
    /// The session does not show this message.
    case messageNotInSession(sessionId: String, messageId: String)
    /// A message id given to `addMessage` already names another message: another payload, session or workspace.
    case messageIdConflict(messageId: String)
    /// The database was migrated by a newer build; this one refuses to touch it.
    case schemaTooNew(databaseVersion: Int, supportedVersion: Int)
    /// A migration recorded in the database differs from the one this build carries.
    case migrationModified(version: Int, name: String)
    /// A migration left rows of `table` pointing at rows that do not exist; it was rolled back.
    case migrationBrokeForeignKeys(version: Int, name: String, table: String)
    /// The database needs migrations that this repository was configured not to apply on open.
    case migrationRequired(pending: [String])
    /// A backup was asked to write over an existing file, which it never does.
    case backupDestinationExists(path: String)
    /// A stored value cannot be read back, typically after an edit by hand.
    case corruptValue(table: String, id: String, reason: String)
    /// The process-wide manager was asked for before it was initialised.
    case managerNotInitialized
    /// A page was asked for with a limit outside 1…``PageRequest/maximumLimit``.
    case invalidPageSize(Int)
    /// A cursor that no list of this kind hands out (cut short, edited, or from another kind of list).
    case invalidCursor(String)
    /// A cursor names a message the session no longer shows (reverted or deleted since): start again from the
    /// first or last page.
    case staleCursor(String)
    /// A search query with nothing to search for, or too long to be one.
    case invalidSearchQuery(reason: String)
    /// The change feed was asked for changes it no longer keeps: reload, then follow from
    /// ``SessionRepository/latestChangeSequence(workspaceId:)``. `oldestKept` is the oldest change it still has.
    case changesTrimmed(oldestKept: Int64)
    /// The change feed was asked for changes after a number it never handed out: below 0, or past the
    /// workspace's newest change (a store restored from an older copy, or a number from another store). Following
    /// on would skip every change up to that number: reload, then follow from `latest`.
    case unknownChangeSequence(sequence: Int64, latest: Int64)
    /// No live session of the workspace shows the message a stream writes into any more (deleted, or in the
    /// trash).
    case messageNotFound(workspaceId: String, messageId: String)
    /// A message stream was used after its finish or cancel.
    case streamEnded(messageId: String)

    /// The case's name, such as `"sessionNotFound"`: a stable code for scripts and clients to match on.
    public var code: String {
        switch self {
        case .invalidIdentifier: "invalidIdentifier"
        case .valueTooLarge: "valueTooLarge"
        case .invalidUsage: "invalidUsage"
        case .unsupportedCharacter: "unsupportedCharacter"
        case .sessionNotFound: "sessionNotFound"
        case .parentNotFound: "parentNotFound"
        case .parentCycle: "parentCycle"
        case .messageNotInSession: "messageNotInSession"
        case .messageIdConflict: "messageIdConflict"
        case .schemaTooNew: "schemaTooNew"
        case .migrationModified: "migrationModified"
        case .migrationBrokeForeignKeys: "migrationBrokeForeignKeys"
        case .migrationRequired: "migrationRequired"
        case .backupDestinationExists: "backupDestinationExists"
        case .corruptValue: "corruptValue"
        case .managerNotInitialized: "managerNotInitialized"
        case .invalidPageSize: "invalidPageSize"
        case .invalidCursor: "invalidCursor"
        case .staleCursor: "staleCursor"
        case .invalidSearchQuery: "invalidSearchQuery"
        case .changesTrimmed: "changesTrimmed"
        case .unknownChangeSequence: "unknownChangeSequence"
        case .messageNotFound: "messageNotFound"
        case .streamEnded: "streamEnded"
        }
    }

    /// The same line as ``description``, for `localizedDescription`.
    public var errorDescription: String? { description }

    /// One line saying what was wrong.
    public var description: String {
        switch self {
        case .invalidIdentifier(let field, let reason):
            "invalid \(field): \(reason)"
        case .valueTooLarge(let field, let byteCount, let limit):
            "\(field) is \(byteCount) bytes, over the limit of \(limit) bytes"
        case .invalidUsage(let reason):
            "invalid usage: \(reason)"
        case .unsupportedCharacter(let reason):
            "unsupported character: \(reason)"
        case .sessionNotFound(let workspaceId, let sessionId):
            "no session \(sessionId) in workspace \(workspaceId)"
        case .parentNotFound(let workspaceId, let parentId):
            "no parent session \(parentId) in workspace \(workspaceId)"
        case .parentCycle(let sessionId, let parentId) where sessionId == parentId:
            "session \(sessionId) cannot be its own parent"
        case .parentCycle(let sessionId, let parentId):
            "session \(sessionId) cannot have parent \(parentId), which descends from it"
        case .messageNotInSession(let sessionId, let messageId):
            "session \(sessionId) does not show message \(messageId)"
        case .messageIdConflict(let messageId):
            "message id \(messageId) is taken by another message"
        case .schemaTooNew(let databaseVersion, let supportedVersion):
            "the database schema is at version \(databaseVersion), newer than this build supports (\(supportedVersion)); upgrade SessionStore"
        case .migrationModified(let version, let name):
            "migration \(version) (\(name)) applied to this database differs from the one in this build"
        case .migrationBrokeForeignKeys(let version, let name, let table):
            "migration \(version) (\(name)) left rows of \(table) pointing at missing rows; it was rolled back"
        case .migrationRequired(let pending):
            "the database needs `session-store migrate` first (pending: \(pending.joined(separator: ", ")))"
        case .backupDestinationExists(let path):
            "\(path) exists; a backup never overwrites it"
        case .corruptValue(let table, let id, let reason):
            "\(table) row \(id) holds a value that cannot be read: \(reason)"
        case .managerNotInitialized:
            "the session manager is not initialised: pass a data directory"
        case .invalidPageSize(let limit):
            "a page holds 1 to \(PageRequest.maximumLimit) items, not \(limit)"
        case .invalidCursor:
            "the cursor was not handed out by this kind of list"
        case .staleCursor:
            "the cursor names a message the session no longer shows; start again from the first or last page"
        case .invalidSearchQuery(let reason):
            "invalid search query: \(reason)"
        case .changesTrimmed(let oldestKept):
            "the change feed no longer keeps changes before \(oldestKept); reload and follow from the latest"
        case .unknownChangeSequence(let sequence, let latest):
            "the change feed never numbered a change \(sequence) (its latest is \(latest)); reload and follow from the latest"
        case .messageNotFound(let workspaceId, let messageId):
            "no live session in workspace \(workspaceId) shows message \(messageId)"
        case .streamEnded(let messageId):
            "the stream into message \(messageId) has ended"
        }
    }
}
