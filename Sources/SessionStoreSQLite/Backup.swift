import CSQLite
import Foundation

extension Connection {
    /// Copies the whole database into `destination` with SQLite's online backup API, while other connections go on
    /// reading and writing. The copy is one consistent snapshot: a write by another connection during the copy
    /// restarts it.
    ///
    /// - Parameters:
    ///   - destination: the connection to copy into; what it held is replaced.
    ///   - pagesPerStep: how many pages each step copies before letting other connections in.
    ///   - progress: called after each step with (pages remaining, pages in all).
    public func backup(to destination: Connection, pagesPerStep: Int32 = 1024, progress: (Int, Int) -> Void = { _, _ in }) throws(SQLiteError) {
        guard let backup = sqlite3_backup_init(destination.handle, "main", handle, "main") else {
            throw SQLiteError(code: sqlite3_errcode(destination.handle), connection: destination.handle)
        }
        while true {
            let code = sqlite3_backup_step(backup, pagesPerStep)
            progress(Int(sqlite3_backup_remaining(backup)), Int(sqlite3_backup_pagecount(backup)))
            switch code {
            case SQLITE_OK:
                continue
            case SQLITE_DONE:
                let finish = sqlite3_backup_finish(backup)
                guard finish == SQLITE_OK else { throw SQLiteError(code: finish, connection: destination.handle) }
                return
            case SQLITE_BUSY, SQLITE_LOCKED:
                // Another connection holds a lock for a moment: wait and try the step again.
                usleep(10_000)
            default:
                sqlite3_backup_finish(backup)
                throw SQLiteError(code: code, connection: destination.handle)
            }
        }
    }
}
