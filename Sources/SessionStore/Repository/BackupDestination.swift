import Foundation
import SessionStoreSQLite

/// Where a backup is written: under a name of its own first, given the backup's name only once whole, so that
/// a copy cut short (a full disk, a kill) leaves no file that looks like a backup and that a second try would
/// refuse to replace.
struct BackupDestination {
    /// The name the finished backup gets.
    let path: String
    /// The name it is written under, beside it.
    let partialPath: String

    /// - Throws: `SQLiteError` `.cannotOpen` when `path`'s folder does not exist, which SQLite would report as
    ///   a failure to open the partial file, a name the caller never gave.
    init(path: String) throws {
        var isDirectory: ObjCBool = false
        let folder = (path as NSString).deletingLastPathComponent
        guard FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SQLiteError(code: .cannotOpen, message: "cannot create the backup \(path): no folder \(folder)")
        }
        self.path = path
        partialPath = "\(path).partial-\(UUID().uuidString.prefix(8))"
    }

    /// Gives the finished copy its name, unless a file took that name meanwhile. A hard link never replaces a
    /// file; on a file system without them, a rename does, after a last look.
    func publish() throws {
        if link(partialPath, path) == 0 {
            unlink(partialPath)
        } else if errno == EEXIST {
            throw SessionStoreError.backupDestinationExists(path: path)
        } else {
            guard !FileManager.default.fileExists(atPath: path) else { throw SessionStoreError.backupDestinationExists(path: path) }
            guard rename(partialPath, path) == 0 else {
                throw SQLiteError(code: .cannotOpen, message: "cannot name the backup \(path): \(String(cString: strerror(errno)))")
            }
        }
        // The new name lasts only once its folder is on disk.
        let folder = (path as NSString).deletingLastPathComponent
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    /// Removes what a copy that failed left under the partial name.
    func discardPartial() {
        for file in [partialPath, partialPath + "-wal", partialPath + "-shm"] {
            unlink(file)
        }
    }
}
