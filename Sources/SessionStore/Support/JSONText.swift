import Foundation
import SessionStoreSQLite

/// Reads the JSON text stored in the `parts` and `tool_calls` columns (``JSONWriter`` writes it).
enum JSONText {
    /// The column's JSON decoded, through ``JSONFastPath`` when it can, else `JSONDecoder`; nil for NULL.
    static func decode<T: Decodable>(
        _ column: Int, of row: Row, fastPath: (UnsafeBufferPointer<UInt8>) -> T?, table: String, id: String
    ) throws -> T? {
        try row.withUTF8(column) { bytes in
            guard let bytes else { return nil }
            if let value = fastPath(bytes) { return value }
            if case .tooDeep(let offset) = JSONSyntaxCheck.firstFailure(in: bytes) {
                throw SessionStoreError.corruptValue(
                    table: table, id: id, reason: "JSON nested deeper than \(JSONSyntaxCheck.maximumDepth) levels at offset \(offset)")
            }
            do {
                return try JSONDecoder().decode(T.self, from: Data(buffer: bytes))
            } catch {
                throw SessionStoreError.corruptValue(table: table, id: id, reason: "\(error)")
            }
        }
    }
}
