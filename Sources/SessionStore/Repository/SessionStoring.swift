import Foundation

/// The manager API as every backend implements it: ``SessionRepository`` on a SQLite file, and
/// `PostgresRepository` (the `SessionStorePostgres` library) on a PostgreSQL database. Code written against it
/// runs on either; the calls mean the same, throw the same ``SessionStoreError``s and return the same values
/// (the conformance suite, `Tests/ConformanceTests`, runs each test on both). Each method's full contract is on
/// ``SessionRepository``'s method of the same name. Maintenance (check, statistics, backup, legacy import and
/// export) is the SQLite file's alone.
public protocol SessionStoring: Sendable {
    /// The workspace's live sessions, most recently updated first (ties: the later id first).
    func listSessions(workspaceId: String) async throws -> [Session]
    /// The session with its message ids, or nil when the workspace has none with this id.
    func getSession(workspaceId: String, sessionId: String) async throws -> Session?
    /// Creates an empty session with a new ULID, titled "New Session" unless `title` is given.
    func createSession(
        workspaceId: String, title: String?, parentId: String?, model: ModelSelection?, agent: String?
    ) async throws -> Session
    /// Stores a message at the end of the session; a retry under the same `message.id` stores nothing more.
    func addMessage(workspaceId: String, sessionId: String, message: NewMessage) async throws -> SessionMessage
    /// The messages the session shows, in order; `[]` for an unknown session.
    func getSessionMessages(workspaceId: String, sessionId: String) async throws -> [SessionMessage]
    /// Applies `change` to the session and stamps `updatedAt`; nil when the workspace has no such live session.
    func updateSession(
        workspaceId: String, sessionId: String, _ change: @escaping @Sendable (inout SessionChanges) -> Void
    ) async throws -> Session?
    /// Deletes the session for good; false when the workspace has no such live session.
    func deleteSession(workspaceId: String, sessionId: String) async throws -> Bool
    /// How many live sessions the workspace has.
    func getActiveSessionCount(workspaceId: String) async throws -> Int
    /// Applies `change` to the message inside the write, and stamps `updatedAt`; nil when no live session of the
    /// workspace shows it or holds it in its reverted tail.
    func updateMessage(
        workspaceId: String, messageId: String, _ change: @escaping @Sendable (inout MessageChanges) -> Void
    ) async throws -> SessionMessage?
    /// The sums of the usage of the messages the session shows; nil when the workspace has no such live session.
    func getSessionUsage(workspaceId: String, sessionId: String) async throws -> Usage?
    /// A new session showing the original's messages up to `messageId` (all when nil), sharing their bodies.
    func forkSession(workspaceId: String, sessionId: String, messageId: String?) async throws -> Session
    /// Hides the messages after `messageId` (the last one when nil) as the session's reverted tail.
    func revert(workspaceId: String, sessionId: String, messageId: String?) async throws -> Session
    /// Brings back the reverted tail and clears the revert marker.
    func unrevert(workspaceId: String, sessionId: String) async throws -> Session
    /// Moves the session to the trash; false when the workspace has no such live session.
    func trashSession(workspaceId: String, sessionId: String) async throws -> Bool
    /// Takes the session out of the trash; nil when the trash has no such session.
    func restoreSession(workspaceId: String, sessionId: String) async throws -> Session?
    /// The workspace's trashed sessions, most recently trashed first.
    func listTrash(workspaceId: String) async throws -> [TrashedSession]
    /// Deletes for good the sessions trashed before `date`; returns how many.
    func emptyTrash(workspaceId: String, olderThan date: Date) async throws -> Int
    /// One page of the messages the session shows, in order.
    func getSessionMessages(workspaceId: String, sessionId: String, page: PageRequest) async throws -> Page<SessionMessage>
    /// One page of the workspace's live sessions as summaries, most recently updated first.
    func listSessionSummaries(workspaceId: String, page: PageRequest) async throws -> Page<SessionSummary>
    /// Every change of the workspace after `sequence`, in order, then each new one as it commits, in any
    /// process, until the iterating task is cancelled.
    func changes(workspaceId: String, after sequence: Int64) -> AsyncThrowingStream<Change, any Error>
    /// The number of the workspace's newest change, 0 before its first.
    func latestChangeSequence(workspaceId: String) async throws -> Int64
    /// Creates `message` (status streaming) at the end of the session and returns the stream that writes into it.
    func openMessageStream(
        workspaceId: String, sessionId: String, message: NewMessage, options: MessageStream.Options
    ) async throws -> MessageStream
    /// The tree of forks the session belongs to, from its root; nil when the workspace has no such live session.
    func getSessionTree(workspaceId: String, sessionId: String) async throws -> SessionTreeNode?
    /// Releases what is cached for the workspace (nothing is); deletes nothing.
    func clearWorkspace(workspaceId: String) async throws
    /// The workspace's messages that contain every word of `query`, best matches first, with snippets.
    func searchMessages(workspaceId: String, query: String, page: PageRequest, marks: SnippetMarks) async throws -> Page<MessageSearchHit>
    /// The workspace's live sessions whose title contains every word of `query`, best matches first.
    func searchSessions(workspaceId: String, query: String, page: PageRequest, marks: SnippetMarks) async throws -> Page<SessionSearchHit>
    /// Deletes the workspace's changes past the configured retention now; returns how many went.
    func trimChanges(workspaceId: String) async throws -> Int
    /// Closes the store; calls after it fail.
    func close() async
}

extension SessionStoring {
    /// A fork of the whole session.
    public func forkSession(workspaceId: String, sessionId: String) async throws -> Session {
        try await forkSession(workspaceId: workspaceId, sessionId: sessionId, messageId: nil)
    }

    /// Every change of the workspace from its first.
    public func changes(workspaceId: String) -> AsyncThrowingStream<Change, any Error> {
        changes(workspaceId: workspaceId, after: 0)
    }

    /// A stream into a new assistant message, or `message`, flushed as the options' defaults say.
    public func openMessageStream(
        workspaceId: String, sessionId: String, message: NewMessage = NewMessage(role: .assistant)
    ) async throws -> MessageStream {
        try await openMessageStream(workspaceId: workspaceId, sessionId: sessionId, message: message, options: MessageStream.Options())
    }

    /// The first 20 messages that match `query`, words in Markdown bold.
    public func searchMessages(workspaceId: String, query: String, page: PageRequest = .first(20)) async throws -> Page<MessageSearchHit> {
        try await searchMessages(workspaceId: workspaceId, query: query, page: page, marks: .markdownBold)
    }

    /// The first 20 sessions whose title matches `query`, words in Markdown bold.
    public func searchSessions(workspaceId: String, query: String, page: PageRequest = .first(20)) async throws -> Page<SessionSearchHit> {
        try await searchSessions(workspaceId: workspaceId, query: query, page: page, marks: .markdownBold)
    }

    /// Reverts the session's last message.
    public func revert(workspaceId: String, sessionId: String) async throws -> Session {
        try await revert(workspaceId: workspaceId, sessionId: sessionId, messageId: nil)
    }

    /// Creates an empty session, with whichever of its fields are given.
    public func createSession(
        workspaceId: String, title: String? = nil, parentId: String? = nil, model: ModelSelection? = nil, agent: String? = nil
    ) async throws -> Session {
        try await createSession(workspaceId: workspaceId, title: title, parentId: parentId, model: model, agent: agent)
    }
}

extension SessionRepository: SessionStoring {}
