import Foundation

/// A value SQLite stores: the five storage classes.
public enum SQLiteValue: Sendable, Hashable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
    case null

    /// `.text`, or `.null` for nil.
    public init(_ text: String?) {
        self = text.map(SQLiteValue.text) ?? .null
    }

    /// `.integer`, or `.null` for nil.
    public init(_ integer: Int64?) {
        self = integer.map(SQLiteValue.integer) ?? .null
    }

    /// `.real`, or `.null` for nil.
    public init(_ real: Double?) {
        self = real.map(SQLiteValue.real) ?? .null
    }
}

extension SQLiteValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) {
        self = .text(value)
    }

    public init(integerLiteral value: Int64) {
        self = .integer(value)
    }

    public init(nilLiteral: ()) {
        self = .null
    }
}
