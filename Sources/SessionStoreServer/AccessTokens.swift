import Foundation
import SessionStoreSQLite

/// The bearer tokens the server accepts and the workspaces each may use, read from a tokens file: one token per
/// line, then the workspaces it may use, separated by commas, or `*` for all; `#` starts a comment.
///
/// ```
/// # token                            workspaces
/// 3f9c1d7e2b8a4c6f9e0d1a2b3c4d5e6f   ws-1,ws-2
/// 7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d   *
/// ```
public final class AccessTokens: Sendable {
    /// What one token grants.
    struct Grant: Sendable {
        var token: [UInt8]
        /// nil: every workspace.
        var workspaces: Set<String>?
    }

    /// Why a tokens file was refused.
    public struct FileError: Error, CustomStringConvertible {
        /// One line saying what was wrong, and where.
        public let description: String
    }

    private let path: String
    private let grants: Locked<[Grant]>

    /// Reads the tokens file at `path`.
    ///
    /// - Throws: ``FileError`` for a file that cannot be read or holds a line that is not a token and its
    ///   workspaces, or that holds no token.
    public init(path: String) throws {
        self.path = path
        grants = Locked(try Self.read(path))
    }

    /// Reads the file again; on an error the tokens in use stay as they were.
    public func reload() throws {
        let fresh = try Self.read(path)
        grants.withLock { $0 = fresh }
    }

    /// The workspaces `token` may use, nil for an unknown token; `.all` for a token given `*`. Every token is
    /// compared whole, so the time taken says nothing of how much of a token matched.
    func access(for token: Substring) -> WorkspaceAccess? {
        let presented = Array(token.utf8)
        var found: WorkspaceAccess?
        for grant in grants.withLock({ $0 }) where Self.constantTimeEqual(grant.token, presented) && found == nil {
            found = grant.workspaces.map(WorkspaceAccess.some) ?? .all
        }
        return found
    }

    /// Whether `a` and `b` are equal, in a time that depends only on their lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }

    private static func read(_ path: String) throws -> [Grant] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw FileError(description: "cannot read the tokens file \(path)")
        }
        var grants: [Grant] = []
        // Split on any line break: a "\r\n" is one Character, which a split on "\n" would not see.
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let fields = line.prefix { $0 != "#" }.split(whereSeparator: \.isWhitespace)
            guard !fields.isEmpty else { continue }
            guard fields.count == 2 else {
                throw FileError(description: "\(path):\(number + 1): expected a token and its workspaces (or *)")
            }
            let workspaces = fields[1] == "*" ? nil : Set(fields[1].split(separator: ",").map(String.init))
            grants.append(Grant(token: Array(fields[0].utf8), workspaces: workspaces))
        }
        guard !grants.isEmpty else { throw FileError(description: "\(path) holds no token") }
        return grants
    }
}

/// Which workspaces a request may use.
enum WorkspaceAccess: Sendable {
    case all
    case some(Set<String>)

    func allows(_ workspace: String) -> Bool {
        switch self {
        case .all: true
        case .some(let workspaces): workspaces.contains(workspace)
        }
    }
}
