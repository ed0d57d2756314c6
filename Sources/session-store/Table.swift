/// Rows of text in aligned columns under a header, each cell cut to its column's width with "…".
struct Table {
    let header: [String]
    let widths: [Int]
    private(set) var rows: [[String]] = []

    /// A table with these column titles; `widths` caps each column (a column without a cap takes its widest cell).
    init(_ header: [String], widths: [Int?]) {
        self.header = header
        self.widths = zip(header, widths).map { $0.1 ?? Int.max }
    }

    mutating func append(_ row: [String]) {
        rows.append(row)
    }

    /// The header and the rows, one string each, without trailing spaces.
    var lines: [String] {
        let cells = ([header] + rows).map { row in
            zip(row, widths).map { cell, width in
                let flat = cell.split(whereSeparator: \.isNewline).joined(separator: " ")
                return flat.count > width ? String(flat.prefix(width - 1)) + "…" : flat
            }
        }
        let columnWidths = header.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        return cells.map { row in
            zip(row, columnWidths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").replacing(/\s+$/, with: "")
        }
    }
}
