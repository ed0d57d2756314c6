import CSQLite
import Foundation

/// The FTS5 auxiliary function `bm25_best(k)`, which every connection has: FTS5's `bm25()` (default weights) for
/// each match that can be among the best `k`, and 1.0 — after every `bm25()` value, which is negative — for each
/// that cannot. Ordered by it (`WHERE t MATCH ? AND rank MATCH 'bm25_best(20)' ORDER BY rank`), the first `k`
/// matches are `bm25()`'s first `k`, in its order, ties included.
///
/// Why: ranking a common word by `bm25()` reads every match's length from the index, which is most of the query's
/// time. A match's score only falls as its length grows, and its length is at least one more than the position of
/// its last matched word; once `k` matches are scored, a match whose best possible score is below all of theirs is
/// left unscored. The arithmetic is `bm25()`'s own, step for step, so the scores kept are the same numbers.
public enum BestMatchRanking {
    /// The function's name in SQL.
    public static let name = "bm25_best"

    /// Adds the function to the connection's FTS5; does nothing when the SQLite library has no FTS5.
    static func register(on handle: OpaquePointer) throws(SQLiteError) {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, "SELECT fts5(?1)", -1, &statement, nil) == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            return
        }
        defer { sqlite3_finalize(statement) }
        var api: UnsafeMutablePointer<fts5_api>?
        let code = withUnsafeMutablePointer(to: &api) { pointer in
            "fts5_api_ptr".withCString { type in
                sqlite3_bind_pointer(statement, 1, pointer, type, nil)
                return sqlite3_step(statement)
            }
        }
        guard code == SQLITE_ROW, let api, let create = api.pointee.xCreateFunction else {
            throw SQLiteError(code: code == SQLITE_ROW ? SQLITE_ERROR : code, connection: handle, sql: "SELECT fts5(?1)")
        }
        let created = create(api, name, nil, rank, nil)
        guard created == SQLITE_OK else { throw SQLiteError(code: created, connection: handle) }
    }

    private static let rank: fts5_extension_function = { api, context, result, argumentCount, arguments in
        guard let api, let result else { return }
        guard argumentCount == 1, let arguments, sqlite3_value_type(arguments[0]) == SQLITE_INTEGER,
            sqlite3_value_int64(arguments[0]) >= 1, sqlite3_value_int64(arguments[0]) <= Int64(Int32.max)
        else {
            sqlite3_result_error(result, "\(name) takes one argument: how many best matches to rank, from 1 to \(Int32.max)", -1)
            return
        }
        let best = Int(sqlite3_value_int64(arguments[0]))
        let scored = Result { () throws(FTS5Code) in try Ranking.of(api, context, best: best).score(api, context) }
        switch scored {
        case .success(let score?): sqlite3_result_double(result, score)
        case .success(nil): sqlite3_result_double(result, 1)
        case .failure(let code): sqlite3_result_error_code(result, code.value)
        }
    }
}

/// A code an FTS5 call answered other than `SQLITE_OK`.
private struct FTS5Code: Error {
    var value: Int32

    static func check(_ code: Int32) throws(FTS5Code) {
        guard code == SQLITE_OK else { throw FTS5Code(value: code) }
    }
}

/// What one query's ranking keeps from row to row: `bm25()`'s constants for the query, and the `best` highest
/// scores so far (a min-heap, its lowest first).
private final class Ranking {
    private static let k1 = 1.2
    private static let b = 0.75

    private let best: Int
    private let averageLength: Double
    private let inverseFrequencies: [Double]
    private var frequencies: [Double]
    private var lastPositions: [Int32]
    private var kept: [Double] = []

    private init(best: Int, averageLength: Double, inverseFrequencies: [Double], columns: Int) {
        self.best = best
        self.averageLength = averageLength
        self.inverseFrequencies = inverseFrequencies
        frequencies = Array(repeating: 0, count: inverseFrequencies.count)
        lastPositions = Array(repeating: -1, count: columns)
    }

    /// The query's ranking, made at its first row and kept by FTS5 until the query ends.
    static func of(_ api: UnsafePointer<Fts5ExtensionApi>, _ context: OpaquePointer?, best: Int) throws(FTS5Code) -> Ranking {
        if let stored = api.pointee.xGetAuxdata(context, 0) {
            return Unmanaged<Ranking>.fromOpaque(stored).takeUnretainedValue()
        }
        let ranking = try make(api, context, best: best)
        try FTS5Code.check(
            api.pointee.xSetAuxdata(context, Unmanaged.passRetained(ranking).toOpaque()) { stored in
                guard let stored else { return }
                Unmanaged<Ranking>.fromOpaque(stored).release()
            })
        return ranking
    }

    private static func make(_ api: UnsafePointer<Fts5ExtensionApi>, _ context: OpaquePointer?, best: Int) throws(FTS5Code) -> Ranking {
        var rows: Int64 = 0
        var tokens: Int64 = 0
        try FTS5Code.check(api.pointee.xRowCount(context, &rows))
        try FTS5Code.check(api.pointee.xColumnTotalSize(context, -1, &tokens))
        var inverseFrequencies: [Double] = []
        for phrase in 0..<api.pointee.xPhraseCount(context) {
            var hits: Int64 = 0
            try FTS5Code.check(
                api.pointee.xQueryPhrase(context, phrase, &hits) { _, _, hits in
                    hits?.assumingMemoryBound(to: Int64.self).pointee += 1
                    return SQLITE_OK
                })
            // bm25()'s floor, for a phrase in more than half the rows.
            let inverse = log((Double(rows) - Double(hits) + 0.5) / (Double(hits) + 0.5))
            inverseFrequencies.append(inverse <= 0 ? 1e-6 : inverse)
        }
        return Ranking(
            best: best, averageLength: Double(tokens) / Double(rows), inverseFrequencies: inverseFrequencies,
            columns: Int(api.pointee.xColumnCount(context)))
    }

    /// The row's `bm25()`, or nil when it cannot be among the best.
    func score(_ api: UnsafePointer<Fts5ExtensionApi>, _ context: OpaquePointer?) throws(FTS5Code) -> Double? {
        var instances: Int32 = 0
        try FTS5Code.check(api.pointee.xInstCount(context, &instances))
        for phrase in frequencies.indices { frequencies[phrase] = 0 }
        for column in lastPositions.indices { lastPositions[column] = -1 }
        for instance in 0..<instances {
            var phrase: Int32 = 0
            var column: Int32 = 0
            var position: Int32 = 0
            try FTS5Code.check(api.pointee.xInst(context, instance, &phrase, &column, &position))
            frequencies[Int(phrase)] += 1
            lastPositions[Int(column)] = max(lastPositions[Int(column)], position)
        }
        if kept.count == best {
            let shortest = lastPositions.reduce(0) { $0 + Double($1 + 1) }
            if sum(length: shortest) < kept[0] { return nil }
        }
        var length: Int32 = 0
        try FTS5Code.check(api.pointee.xColumnSize(context, -1, &length))
        let score = sum(length: Double(length))
        keep(score)
        return -1.0 * score
    }

    /// bm25()'s sum over the phrases, in its order of operations.
    private func sum(length: Double) -> Double {
        var score = 0.0
        for phrase in frequencies.indices {
            let frequency = frequencies[phrase]
            score += inverseFrequencies[phrase]
                * ((frequency * (Self.k1 + 1.0)) / (frequency + Self.k1 * (1 - Self.b + Self.b * length / averageLength)))
        }
        return score
    }

    private func keep(_ score: Double) {
        if kept.count < best {
            kept.append(score)
            var child = kept.count - 1
            while child > 0, kept[(child - 1) / 2] > kept[child] {
                kept.swapAt(child, (child - 1) / 2)
                child = (child - 1) / 2
            }
            return
        }
        guard score > kept[0] else { return }
        kept[0] = score
        var parent = 0
        while true {
            let left = 2 * parent + 1
            var lowest = parent
            if left < kept.count, kept[left] < kept[lowest] { lowest = left }
            if left + 1 < kept.count, kept[left + 1] < kept[lowest] { lowest = left + 1 }
            if lowest == parent { return }
            kept.swapAt(parent, lowest)
            parent = lowest
        }
    }
}
