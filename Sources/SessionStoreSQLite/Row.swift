import CSQLite
import Foundation

/// The current row of a ``Statement``, read by column index (0-based).
///
/// Reads follow SQLite's own conversions: a NULL reads as 0, 0.0, "" or empty data from the non-optional
/// accessors; the optional accessors return nil for NULL.
public struct Row {
    // The accessors that run for every column of every row are inlinable: as calls into this module, generic
    // `withUTF8` most of all, they took 7% of reading a conversation.
    @usableFromInline let handle: OpaquePointer

    /// The number of columns in the row.
    public var count: Int {
        Int(sqlite3_column_count(handle))
    }

    /// Whether the column holds NULL.
    @inlinable
    public func isNull(_ column: Int) -> Bool {
        sqlite3_column_type(handle, Int32(column)) == SQLITE_NULL
    }

    /// The column as a 64-bit integer.
    @inlinable
    public func int64(_ column: Int) -> Int64 {
        sqlite3_column_int64(handle, Int32(column))
    }

    /// The column as a double.
    public func double(_ column: Int) -> Double {
        sqlite3_column_double(handle, Int32(column))
    }

    /// The column as UTF-8 text, embedded NUL characters included.
    @inlinable
    public func string(_ column: Int) -> String {
        let index = Int32(column)
        guard let text = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column as bytes.
    public func data(_ column: Int) -> Data {
        let index = Int32(column)
        guard let bytes = sqlite3_column_blob(handle, index) else { return Data() }
        return Data(bytes: bytes, count: Int(sqlite3_column_bytes(handle, index)))
    }

    /// The column as text, or nil for NULL.
    @inlinable
    public func optionalString(_ column: Int) -> String? {
        withUTF8(column) { bytes in bytes.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// Calls `body` with the column's text as UTF-8 bytes, or with nil for NULL, without copying them; the bytes
    /// are valid during the call only.
    @inlinable
    public func withUTF8<Result>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> Result) rethrows -> Result {
        let index = Int32(column)
        guard let text = sqlite3_column_text(handle, index) else { return try body(nil) }
        return try body(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, index))))
    }

    /// Whether the column holds exactly the text of `string` (never for NULL), compared without making a String.
    @inlinable
    public func text(_ column: Int, equals string: String) -> Bool {
        withUTF8(column) { bytes in
            guard let bytes else { return false }
            return string.utf8.withContiguousStorageIfAvailable { $0.elementsEqual(bytes) }
                ?? string.utf8.elementsEqual(bytes)
        }
    }

    /// The column as an integer, or nil for NULL.
    @inlinable
    public func optionalInt64(_ column: Int) -> Int64? {
        isNull(column) ? nil : int64(column)
    }

    /// The column as the storage class SQLite holds it in.
    public func value(_ column: Int) -> SQLiteValue {
        switch sqlite3_column_type(handle, Int32(column)) {
        case SQLITE_INTEGER: .integer(int64(column))
        case SQLITE_FLOAT: .real(double(column))
        case SQLITE_TEXT: .text(string(column))
        case SQLITE_BLOB: .blob(data(column))
        default: .null
        }
    }
}
