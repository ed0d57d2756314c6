import Foundation

/// A legacy `sessions.json` read entry by entry, so that one malformed session or message is reported on its
/// own instead of losing the whole workspace.
struct LegacyFileContent: Decodable, Sendable {
    /// A decoded entry, or why it could not be decoded.
    enum Entry<Value: Decodable & Sendable>: Decodable, Sendable {
        case valid(Value)
        case invalid(reason: String)

        init(from decoder: any Decoder) throws {
            do {
                self = .valid(try Value(from: decoder))
            } catch {
                self = .invalid(reason: LegacyFileContent.describe(error))
            }
        }
    }

    let sessions: [String: Entry<Session>]
    let messages: [String: Entry<SessionMessage>]

    /// Decodes `data`, or throws a ``LegacyFileError`` that says where and why the file cannot be read.
    static func decode(_ data: Data) throws(LegacyFileError) -> LegacyFileContent {
        if data.isEmpty {
            throw LegacyFileError(reason: "the file is empty (0 bytes)")
        }
        if let nul = data.firstIndex(of: 0) {
            throw LegacyFileError(reason: "NUL byte at \(location(of: nul - data.startIndex, in: data)): the file was not fully written")
        }
        // Checked first: JSONDecoder's recursion would exhaust the stack on text nested deep enough.
        switch JSONSyntaxCheck.firstFailure(in: data) {
        case .unfinished:
            throw LegacyFileError(reason: "the JSON ends unfinished at \(location(of: data.count, in: data)): the file was cut short")
        case .unexpectedByte(let offset):
            throw LegacyFileError(reason: "invalid JSON at \(location(of: offset, in: data))")
        case .tooDeep(let offset):
            throw LegacyFileError(
                reason: "JSON nested deeper than \(JSONSyntaxCheck.maximumDepth) levels at \(location(of: offset, in: data))")
        case nil:
            break
        }
        do {
            return try JSONDecoder().decode(LegacyFileContent.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            // Well-formed to the byte scan, refused by the decoder (text that is not UTF-8, say).
            throw LegacyFileError(reason: "invalid JSON: \(context.debugDescription)")
        } catch {
            throw LegacyFileError(reason: "not a sessions file: \(describe(error))")
        }
    }

    /// "offset N (line L, column C)", counting from 0 for the offset and from 1 for line and column.
    private static func location(of offset: Int, in data: Data) -> String {
        let before = data.prefix(offset)
        let line = before.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 - data.startIndex + 1 } ?? 0) + 1
        return "offset \(offset) (line \(line), column \(column))"
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "missing field \((context.codingPath + [key]).jsonPath)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "\(context.codingPath.jsonPath): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context):
            "\(context.codingPath.jsonPath): \(context.debugDescription)"
        default:
            "\(error)"
        }
    }
}

/// Why a legacy file could not be read at all.
public struct LegacyFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, and where.
    public let reason: String

    /// The reason.
    public var description: String { reason }
}
