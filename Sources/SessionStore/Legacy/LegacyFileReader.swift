import Foundation

/// Reads a legacy file without following links and without ever opening it for writing.
enum LegacyFileReader {
    /// Why a file was not read.
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    enum EntryType {
        case directory, symbolicLink, other, missing
    }

    /// What is at `path`, without following a link: what import reads and export writes are both judged by it.
    static func entryType(_ path: String) -> EntryType {
        var status = stat()
        guard lstat(path, &status) == 0 else { return .missing }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFLNK: return .symbolicLink
        default: return .other
        }
    }

    /// The bytes of the regular file at `path`. A link, a FIFO, a device or a socket is refused without waiting:
    /// `O_NONBLOCK` keeps `open` from blocking on a FIFO with no writer, and `fstat` then says what was opened.
    static func read(_ path: String, maxBytes: Int) -> Result<Data, Refusal> {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = errno == ELOOP ? "a symbolic link" : String(cString: strerror(errno))
            return .failure(Refusal(description: "cannot read it: \(reason)"))
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            return .failure(Refusal(description: "not a regular file (a FIFO, device or socket)"))
        }
        guard Int(status.st_size) <= maxBytes else {
            return .failure(Refusal(description: "the file is \(status.st_size) bytes, over the limit of \(maxBytes) bytes"))
        }
        do {
            return .success(try handle.readToEnd() ?? Data())
        } catch {
            return .failure(Refusal(description: "cannot read it: \(error.localizedDescription)"))
        }
    }
}
