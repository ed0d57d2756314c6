/// A session in the trash, as ``SessionRepository/listTrash(workspaceId:)`` lists it.
public struct TrashedSession: Codable, Sendable, Hashable {
    /// The session as it was when it was trashed, with its message ids.
    public var session: Session
    /// When it was trashed, in milliseconds since the Unix epoch.
    public var trashedAt: Int64

    /// Creates a trash entry.
    public init(session: Session, trashedAt: Int64) {
        self.session = session
        self.trashedAt = trashedAt
    }
}
