import Foundation

/// The content of one `<dataDir>/<workspaceId>/sessions.json` of the store SessionStore replaces.
public struct LegacyWorkspace: Codable, Sendable, Hashable {
    /// Sessions by id.
    public var sessions: [String: Session]
    /// Message bodies by id.
    public var messages: [String: SessionMessage]

    /// Creates a workspace file's content.
    public init(sessions: [String: Session] = [:], messages: [String: SessionMessage] = [:]) {
        self.sessions = sessions
        self.messages = messages
    }

    /// Decodes a `sessions.json` file's bytes.
    ///
    /// - Throws: ``LegacyFileError`` for JSON nested deeper than the decoder can safely follow, or the
    ///   `DecodingError` of `JSONDecoder`.
    public init(jsonData: Data) throws {
        if case .tooDeep(let offset) = JSONSyntaxCheck.firstFailure(in: jsonData) {
            throw LegacyFileError(reason: "JSON nested deeper than \(JSONSyntaxCheck.maximumDepth) levels at offset \(offset)")
        }
        self = try JSONDecoder().decode(LegacyWorkspace.self, from: jsonData)
    }

    /// The file as the old store wrote it: `JSON.stringify(store, null, 2)`, keys in a stable order.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
