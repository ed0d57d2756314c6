import SessionStore

/// One side of a copy: a store read in one snapshot, or written in one transaction.
protocol CopyEndpoint: Sendable {
    /// Up to `limit` rows of `table` after `key` (all of its key columns' values), in key order.
    func rows(of table: CopyTable, after key: [SQLiteValue]?, limit: Int) async throws -> [[SQLiteValue]]
    /// How many rows the table holds.
    func count(of table: CopyTable) async throws -> Int
    /// Inserts `rows`, whose values are in the table's column order.
    func insert(_ rows: [[SQLiteValue]], into table: CopyTable) async throws
    /// Sets each session's parent, which rows are inserted without (a parent may come after its child).
    func setParents(_ parents: [(sessionId: String, parentId: String)]) async throws
}

extension CopyTable {
    /// `SELECT … WHERE (key) > (…) ORDER BY key LIMIT …` with `placeholder(n)` spelling the nth argument.
    func selectSQL(afterKey: Bool, placeholder: (Int) -> String) -> String {
        let keyList = key.joined(separator: ", ")
        let condition = afterKey
            ? "WHERE (\(keyList)) > (\(key.indices.map { placeholder($0 + 1) }.joined(separator: ", ")))" : ""
        return "SELECT \(columnList) FROM \(name) \(condition) ORDER BY \(keyList) LIMIT \(placeholder(afterKey ? key.count + 1 : 1))"
    }

    /// The values of the key columns of `row`.
    func key(of row: [SQLiteValue]) -> [SQLiteValue] {
        key.map { row[index(of: $0)] }
    }
}
