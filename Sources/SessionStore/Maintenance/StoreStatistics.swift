import Foundation
import SessionStoreSQLite

/// Counts for people and scripts: what `session-store stats` prints.
public struct StoreStatistics: Codable, Sendable, Hashable {
    /// Distinct workspaces with at least one session.
    public let workspaces: Int
    /// Sessions.
    public let sessions: Int
    /// Message bodies.
    public let messages: Int
    /// Links from sessions to messages.
    public let links: Int
    /// Message bodies shown by more than one session (shared by forks).
    public let sharedMessages: Int
    /// The database's size in bytes (pages × page size), without the write-ahead log.
    public let databaseBytes: Int
    /// The write-ahead log's size in bytes.
    public let walBytes: Int
    /// Unused pages, which `VACUUM` would return to the file system.
    public let freePages: Int

    /// Reads the counts in one snapshot.
    static func read(_ connection: Connection, walPath: String?) throws -> StoreStatistics {
        try connection.transaction(.deferred) {
            func count(_ sql: String) throws -> Int {
                Int(try connection.prepare(sql).first { $0.int64(0) } ?? 0)
            }
            let walBytes = walPath.flatMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int } ?? 0
            return StoreStatistics(
                workspaces: try count("SELECT count(DISTINCT workspace_id) FROM sessions"),
                sessions: try count("SELECT count(*) FROM sessions"),
                messages: try count("SELECT count(*) FROM messages"),
                links: try count("SELECT count(*) FROM session_messages"),
                sharedMessages: try count(
                    "SELECT count(*) FROM (SELECT message_id FROM session_messages GROUP BY message_id HAVING count(*) > 1)"),
                databaseBytes: try count("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"),
                walBytes: walBytes,
                freePages: try count("PRAGMA freelist_count"))
        }
    }
}
