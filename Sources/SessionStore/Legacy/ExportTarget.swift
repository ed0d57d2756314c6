import Foundation

/// The export directory, held open, into which workspace files are written without following a link: every
/// folder and file below it is reached relative to its descriptor with `O_NOFOLLOW`.
final class ExportTarget {
    /// A place below the directory that export will not write through.
    enum Refusal: Error {
        case symbolicLink(String)
    }

    private let path: String
    private let descriptor: Int32

    /// Opens `directory`, creating it (and its parents, readable by their owner only) when missing.
    init(directory: String) throws(LegacyExporter.Failure) {
        try Self.makeDirectory(directory)
        descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .writeFailed(path: directory, reason: String(cString: strerror(errno))) }
        path = directory
    }

    deinit {
        close(descriptor)
    }

    /// Creates `directory` and its missing parents, readable by their owner only, as `mkdir -p` would; names the
    /// path that is in the way when one is a file (Foundation's error for it on Linux names none).
    private static func makeDirectory(_ directory: String) throws(LegacyExporter.Failure) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .writeFailed(path: directory, reason: "it is a file, not a directory") }
            return
        }
        let parent = (directory as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != directory {
            try makeDirectory(parent)
        }
        guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
            throw .writeFailed(path: directory, reason: String(cString: strerror(errno)))
        }
    }

    /// Writes `data` as `<workspaceId>/sessions.json`: to a temporary file made with `O_EXCL | O_NOFOLLOW`,
    /// flushed to disk, renamed over the old file, and the folder flushed, so that the file is never seen half
    /// written.
    func writeAtomically(_ data: Data, workspaceId: String) throws {
        let folderPath = (path as NSString).appendingPathComponent(workspaceId)
        func failure(_ target: String) -> LegacyExporter.Failure {
            .writeFailed(path: target, reason: String(cString: strerror(errno)))
        }
        if mkdirat(descriptor, workspaceId, 0o700) != 0 && errno != EEXIST {
            throw failure(folderPath)
        }
        let folder = openat(descriptor, workspaceId, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard folder >= 0 else {
            if errno == ELOOP || errno == ENOTDIR, LegacyFileReader.entryType(folderPath) == .symbolicLink { throw Refusal.symbolicLink(folderPath) }
            throw failure(folderPath)
        }
        defer { close(folder) }
        let filePath = (folderPath as NSString).appendingPathComponent("sessions.json")
        var status = stat()
        if fstatat(folder, "sessions.json", &status, AT_SYMLINK_NOFOLLOW) == 0, status.st_mode & S_IFMT == S_IFLNK {
            throw Refusal.symbolicLink(filePath)
        }
        let temporary = ".sessions.json.\(UUID().uuidString).tmp"
        let file = openat(folder, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard file >= 0 else { throw failure((folderPath as NSString).appendingPathComponent(temporary)) }
        let complete = data.withUnsafeBytes { bytes in
            var offset = 0
            while let start = bytes.baseAddress, offset < bytes.count {
                let count = write(file, start + offset, bytes.count - offset)
                if count < 0 { return false }
                offset += count
            }
            return fsync(file) == 0
        }
        let writeFailure = complete ? nil : failure(filePath)
        close(file)
        if let writeFailure {
            unlinkat(folder, temporary, 0)
            throw writeFailure
        }
        guard renameat(folder, temporary, folder, "sessions.json") == 0 else {
            let renameFailure = failure(filePath)
            unlinkat(folder, temporary, 0)
            throw renameFailure
        }
        fsync(folder)
    }
}
