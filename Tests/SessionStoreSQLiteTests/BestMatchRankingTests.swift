import SessionStoreSQLite
import Testing

/// `bm25_best(k)`: the first k matches in bm25()'s order, with fewer matches scored.
@Suite struct BestMatchRankingTests {
    let connection: Connection

    /// 3,000 rows of two columns drawn from twelve words, the first few common: many matches, many tied scores,
    /// lengths from 1 to 60 words.
    init() throws {
        connection = try Connection(location: .inMemory)
        try connection.execute("CREATE VIRTUAL TABLE t USING fts5(a, b)")
        let words = ["ant", "bee", "cat", "dog", "eel", "fox", "gnu", "hen", "ibis", "jay", "kiwi", "lynx"]
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func text() -> String {
            (0..<(1 + next(30))).map { _ in words[min(next(12), next(12))] }.joined(separator: " ")
        }
        let insert = try connection.prepare("INSERT INTO t (a, b) VALUES (?1, ?2)")
        try connection.transaction {
            for _ in 0..<3_000 { try insert.execute([.text(text()), .text(next(3) == 0 ? "" : text())]) }
        }
    }

    func ranked(_ query: String, by rank: String, limit: Int) throws -> [[String]] {
        try connection.prepare("SELECT rowid, rank FROM t WHERE t MATCH ?1 AND rank MATCH ?2 ORDER BY rank LIMIT ?3")
            .map([.text(query), .text(rank), .integer(Int64(limit))]) { [String($0.int64(0)), String($0.double(1))] }
    }

    @Test(arguments: ["ant", "ant bee", "cat OR dog", "\"bee cat\"", "ki*", "a : fox b : gnu", "ant bee cat dog"])
    func theFirstKAreBm25sFirstKInItsOrder(query: String) throws {
        let matches = try connection.prepare("SELECT count(*) FROM t WHERE t MATCH ?1").first([.text(query)]) { Int($0.int64(0)) } ?? 0
        #expect(matches > 20)
        for best in [1, 2, 7, 20, 100, matches, matches + 5, Int(Int32.max)] {
            let exact = try ranked(query, by: "bm25()", limit: best)
            #expect(try ranked(query, by: "\(BestMatchRanking.name)(\(best))", limit: best) == exact, "\(query), k = \(best)")
        }
    }

    @Test func mostMatchesOfCommonWordsAreLeftUnscored() throws {
        let scores = try connection.prepare("SELECT rank FROM t WHERE t MATCH 'ant bee' AND rank MATCH 'bm25_best(10)'")
            .map { $0.double(0) }
        let unscored = scores.filter { $0 == 1 }.count
        #expect(unscored > scores.count / 2, "\(unscored) of \(scores.count) matches left unscored")
        #expect(scores.allSatisfy { $0 < 0 || $0 == 1 })
    }

    @Test(arguments: ["()", "(0)", "(-3)", "('ten')", "(1.5)", "(10, 2)", "(2147483648)"])
    func aBadArgumentIsAnErrorThatSaysWhatItTakes(arguments: String) throws {
        #expect(throws: SQLiteError.self) { _ = try ranked("ant", by: "bm25_best\(arguments)", limit: 5) }
        // As the rank, FTS5 reports the error without its text; called as a function, the text comes through.
        let called = "bm25_best(t" + (arguments == "()" ? ")" : ", " + arguments.dropFirst())
        let error = try #require(throws: SQLiteError.self) {
            _ = try connection.prepare("SELECT \(called) FROM t WHERE t MATCH 'ant'").map { $0.double(0) }
        }
        #expect(error.message.contains("bm25_best takes one argument"), "\(called): \(error.message)")
    }
}
