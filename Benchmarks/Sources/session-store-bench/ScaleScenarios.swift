import Foundation
import SessionStore
import SessionStoreSQLite

/// What paging, search and the change feed cost at the sizes a UI meets: SessionStore alone, as C, GRDB and the
/// JSON store have none of them.
extension Scenarios {
    func readingAtScale() async throws -> [ResultRow] {
        var rows: [ResultRow] = []
        rows += try await summaryPages()
        rows += try await lastMessagePages()
        rows += try await search()
        return rows
    }

    /// A page of 50 summaries at the top of a 250,000-session workspace, and 200,000 sessions deep.
    private func summaryPages() async throws -> [ResultRow] {
        let sessions = size(250_000)
        let template = scratch.file("summaries.sqlite")
        try Workload.seed(template, (0..<sessions).map { Workload.SessionShape(id: "s\($0)", messages: $0 % 10 == 0 ? 4 : 0) })
        // A row closes the store it measures: each row gets one of its own, on a copy of the template.
        var store = try await OursStore(path: try scratch.copy(of: template, as: "ours-summaries.sqlite"))
        var repository = store.repository
        let workspace = Workload.workspace
        // The cursor 200,000 sessions deep, found by walking there untimed.
        let depth = size(200_000)
        var cursor: String?
        var walked = 0
        while walked < depth {
            let limit = min(PageRequest.maximumLimit, depth - walked)
            let page = try await repository.listSessionSummaries(
                workspaceId: workspace, page: cursor.map { .after($0, limit: limit) } ?? .first(limit))
            walked += page.items.count
            cursor = page.after
        }
        let deep = cursor
        var rows: [ResultRow] = []
        rows.append(try await row(
            "listSessionSummaries, first page of 50 of \(sessions) sessions (SessionStore alone)", [("ours", store)],
            iterations: { _ in 200 }, rows: 50
        ) { _, _ in _ = try await repository.listSessionSummaries(workspaceId: workspace, page: .first(50)) })
        store = try await OursStore(path: try scratch.copy(of: template, as: "ours-summaries.sqlite"))
        repository = store.repository
        rows.append(try await row(
            "listSessionSummaries, 50 after the \(depth)th of \(sessions) sessions (SessionStore alone)", [("ours", store)],
            iterations: { _ in 200 }, rows: 50
        ) { _, _ in _ = try await repository.listSessionSummaries(workspaceId: workspace, page: .after(deep!, limit: 50)) })
        return rows
    }

    /// The last page of 50 messages of a short and of a long session: the same cost whatever the length.
    private func lastMessagePages() async throws -> [ResultRow] {
        let short = size(1_000)
        let long = size(100_000)
        let template = scratch.file("pages.sqlite")
        try Workload.seed(template, [
            Workload.SessionShape(id: "p\(short)", messages: short, withParts: true),
            Workload.SessionShape(id: "p\(long)", messages: long, withParts: true),
        ])
        var rows: [ResultRow] = []
        for length in [short, long] {
            let store = try await OursStore(path: try scratch.copy(of: template, as: "ours-pages.sqlite"))
            let repository = store.repository
            rows.append(try await row(
                "getSessionMessages, last page of 50 of a \(length)-message session, with parts (SessionStore alone)",
                [("ours", store)], iterations: { _ in 500 }, rows: 50
            ) { _, _ in
                _ = try await repository.getSessionMessages(workspaceId: Workload.workspace, sessionId: "p\(length)", page: .last(50))
            })
        }
        return rows
    }

    /// Two words, top 20 with snippets, over a million messages of generated prose; the note gives the index's size
    /// against the text's.
    private func search() async throws -> [ResultRow] {
        let messages = size(1_000_000)
        let template = scratch.file("search.sqlite")
        try Prose.seed(template, messages: messages)
        let sizes = try Prose.sizes(template)
        let note = String(
            format: "index %.0f MiB for %.0f MiB of text (%.2f×)", sizes.index / 1_048_576, sizes.text / 1_048_576,
            sizes.index / sizes.text)
        var rows: [ResultRow] = []
        for (label, query) in [("common", Prose.commonQuery), ("rarer", Prose.rarerQuery)] {
            let store = try await OursStore(path: try scratch.copy(of: template, as: "ours-search.sqlite"))
            let repository = store.repository
            // C runs the query as SessionStore did before bm25_best, SQLite's bm25() ranking every match.
            let c = try RawCStore(path: try scratch.copy(of: template, as: "c-search.sqlite"))
            var hits = 0
            var cHits = 0
            var row = try await row(
                "searchMessages, two \(label) words (\(query)), top 20 with snippets, \(messages) messages (C: ranked by bm25())",
                [("ours", store), ("c", c)], iterations: { _ in 30 }, warmups: 3
            ) { measured, _ in
                if measured === c {
                    cHits = try c.searchMessages(Prose.expression(query), limit: 21)
                } else {
                    hits = try await repository.searchMessages(workspaceId: Workload.workspace, query: query, page: .first(20)).items.count
                }
            }
            row.note = "\(try Prose.matches(template, query)) messages match, \(hits) shown (C: \(cHits) of 21); " + note
            rows.append(row)
        }
        return rows
    }
}

/// Generated prose for search: words drawn from a fixed vocabulary with Zipf's law, as natural text has them, so
/// that a common word matches a large share of the messages and a rarer one a few.
enum Prose {
    static let vocabulary: [String] = {
        var generator = ProseRandom(seed: 17)
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return (0..<20_000).map { _ in
            String((0..<(3 + Int(generator.next() % 7))).map { _ in letters[Int(generator.next() % 26)] })
        }
    }()
    /// Ranks 20 and 40 of the vocabulary: each in several percent of the messages.
    static var commonQuery: String { "\(vocabulary[20]) \(vocabulary[40])" }
    /// Ranks 300 and 600: each in a fraction of a percent.
    static var rarerQuery: String { "\(vocabulary[300]) \(vocabulary[600])" }

    /// A message of about 40 words (some 250 bytes).
    static func message(_ generator: inout ProseRandom, cumulative: [Double]) -> String {
        (0..<40).map { _ in
            let draw = Double(generator.next() % 1_000_000) / 1_000_000 * cumulative.last!
            var low = 0
            var high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] < draw { low = middle + 1 } else { high = middle }
            }
            return vocabulary[low]
        }.joined(separator: " ")
    }

    /// A store of `messages` messages of prose in sessions of 100, written through the schema's own triggers.
    static func seed(_ path: String, messages: Int) throws {
        var total = 0.0
        let cumulative = vocabulary.indices.map { rank in
            total += 1 / Double(rank + 1)
            return total
        }
        let connection = try Connection(location: .file(path), options: Configuration().connectionOptions)
        try Migrator().migrate(connection)
        var generator = ProseRandom(seed: 99)
        try connection.transaction {
            let insertSession = try connection.prepare(
                "INSERT INTO sessions (id, workspace_id, title, created_at, updated_at) VALUES (?1, ?2, ?3, 1, 1)")
            let insertMessage = try connection.prepare(
                """
                INSERT INTO messages (id, workspace_id, session_id, role, content, status, created_at, updated_at)
                VALUES (?1, ?2, ?3, 'assistant', ?4, 'completed', 1, 1)
                """)
            let link = try connection.prepare("INSERT INTO session_links (session_id, position, message_id) VALUES (?1, ?2, ?3)")
            for index in 0..<messages {
                let session = "s\(index / 100)"
                if index % 100 == 0 {
                    try insertSession.execute([.text(session), .text(Workload.workspace), .text("Session \(session)")])
                }
                let id = "m\(index)"
                try insertMessage.execute([.text(id), .text(Workload.workspace), .text(session), .text(message(&generator, cumulative: cumulative))])
                try link.execute([.text(session), .integer(Int64(index % 100 + 1)), .text(id)])
            }
        }
        try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
    }

    /// How many messages hold the words of `query`, as searchMessages reads them (the last word a prefix).
    static func matches(_ path: String, _ query: String) throws -> Int64 {
        let connection = try Connection(location: .file(path), options: ConnectionOptions(access: .readOnly))
        defer { connection.close() }
        return try connection.prepare("SELECT count(*) FROM message_search WHERE message_search MATCH ?1")
            .first([.text(expression(query))]) { $0.int64(0) } ?? 0
    }

    /// The FTS5 expression searchMessages makes of `query`'s words (the last a prefix).
    static func expression(_ query: String) -> String {
        query.split(separator: " ").map { "\"\($0)\"" }.joined(separator: " ") + "*"
    }

    /// The bytes the message search index takes on disk, and the bytes of the text it indexes.
    static func sizes(_ path: String) throws -> (index: Double, text: Double) {
        let connection = try Connection(location: .file(path), options: ConnectionOptions(access: .readOnly))
        defer { connection.close() }
        let index = try connection.prepare("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'message_search%'").first { $0.double(0) } ?? 0
        let text = try connection.prepare("SELECT sum(length(CAST(content AS BLOB))) FROM messages").first { $0.double(0) } ?? 0
        return (index, text)
    }
}

/// SplitMix64: the same prose on every run and machine, which the system's generator would not give.
struct ProseRandom {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
