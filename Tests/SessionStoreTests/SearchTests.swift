import Foundation
import SessionStoreSQLite
import Testing
import TestSupport

@testable import SessionStore

/// Full-text search over messages and session titles.
@Suite struct SearchTests {
    let workspace = "ws-1"
    let directory: TemporaryDirectory
    let repository: SessionRepository

    init() async throws {
        directory = try TemporaryDirectory()
        repository = try await SessionRepository(path: directory.file("db.sqlite"), configuration: Fixtures.configuration())
    }

    func found(_ query: String, workspace: String? = nil) async throws -> [String] {
        try await repository.searchMessages(workspaceId: workspace ?? self.workspace, query: query, page: .first(100)).items.map(\.messageId)
    }

    /// Every hit of `query`, read forward `limit` at a time.
    func walked(_ query: String, by limit: Int) async throws -> [String] {
        var walked: [String] = []
        var page = try await repository.searchMessages(workspaceId: workspace, query: query, page: .first(limit))
        while true {
            walked += page.items.map(\.messageId)
            guard let after = page.after else { return walked }
            page = try await repository.searchMessages(workspaceId: workspace, query: query, page: .after(after, limit: limit))
        }
    }

    @Test func wordsAreFoundInContentAndInTextPartsButNotInOtherParts() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let plain = try await repository.addMessage(
            workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "The tokenizer splits on whitespace"))
        let parted = try await repository.addMessage(
            workspaceId: workspace, sessionId: session.id,
            message: NewMessage(role: .assistant, content: nil, parts: [
                MessagePart(type: .text, content: "Rewrote the lexer in Swift"),
                MessagePart(type: .code, content: "let unparsedIdentifier = 1"),
            ]))
        #expect(try await found("tokenizer") == [plain.id])
        #expect(try await found("lexer swift") == [parted.id])
        #expect(try await found("unparsedIdentifier").isEmpty)
        #expect(try await found("tokeni") == [plain.id], "the last word is a prefix")
        #expect(try await found("tokeni whitespace").isEmpty, "only the last word is a prefix")
        #expect(try await found("REWROTE Lexer") == [parted.id], "case does not matter")
        #expect(try await found("tokenizer", workspace: "other").isEmpty)
        let hit = try #require(try await repository.searchMessages(workspaceId: workspace, query: "lexer").items.first)
        #expect(hit == MessageSearchHit(
            messageId: parted.id, role: .assistant, sessionIds: [session.id], snippet: "Rewrote the **lexer** in Swift",
            createdAt: parted.createdAt))
        let marked = try await repository.searchMessages(
            workspaceId: workspace, query: "splits", marks: SnippetMarks(open: "<b>", close: "</b>"))
        #expect(marked.items.map(\.snippet) == ["The tokenizer <b>splits</b> on whitespace"])
    }

    @Test func aRowWrittenByHandIsIndexedAsTheLibraryIndexesOne() async throws {
        let path = directory.file("hand.sqlite")
        let repository = try await SessionRepository(path: path, configuration: Fixtures.configuration())
        let session = try await repository.createSession(workspaceId: workspace)
        let partsCases: [[MessagePart]?] = [
            nil, [], [MessagePart(type: .code, content: "x")], [MessagePart(type: .text, content: "alpha")],
            [MessagePart(type: .text, content: "alpha"), MessagePart(type: .text, content: ""), MessagePart(type: .text, content: nil),
             MessagePart(type: .thinking, content: "hidden"), MessagePart(type: .text, content: "beta gamma")],
        ]
        for (index, parts) in partsCases.enumerated() {
            let message = try await repository.addMessage(
                workspaceId: workspace, sessionId: session.id, message: NewMessage(role: .user, content: "case\(index)", parts: parts))
            let connection = try Connection(location: .file(path), options: Configuration().connectionOptions)
            try connection.execute(
                """
                INSERT INTO messages (id, workspace_id, session_id, role, content, parts, created_at, updated_at)
                SELECT id || '-by-hand', workspace_id, session_id, role, content, parts, created_at, updated_at FROM messages WHERE id = ?1
                """, [.text(message.id)])
            try connection.execute(
                "INSERT INTO session_messages SELECT session_id, \(2 * index + 2), ?1 || '-by-hand' FROM session_messages WHERE message_id = ?1",
                [.text(message.id)])
            let texts = try connection.prepare("SELECT quote(parts_text) FROM messages WHERE id IN (?1, ?1 || '-by-hand')")
                .map([.text(message.id)]) { $0.string(0) }
            #expect(texts.count == 2 && texts[0] == texts[1], "\(texts)")
            #expect(texts.first == (StoredRows.partsText(parts).map { "'\($0)'" } ?? "NULL"))
            connection.close()
            let hits = try await repository.searchMessages(workspaceId: workspace, query: "case\(index)").items.map(\.messageId)
            #expect(Set(hits) == [message.id, message.id + "-by-hand"])
        }
        #expect(try await repository.searchMessages(workspaceId: workspace, query: "gamma").items.count == 2)
        let connection = try Connection(location: .file(path), options: Configuration().connectionOptions)
        try connection.execute(
            "INSERT INTO sessions (id, workspace_id, title, created_at, updated_at) VALUES ('by-hand', ?1, 'Handwritten notes', 1, 1)",
            [.text(workspace)])
        connection.close()
        #expect(try await repository.searchSessions(workspaceId: workspace, query: "handwritten").items.map(\.sessionId) == ["by-hand"])
        #expect(try await repository.check().isEmpty)
        await repository.close()
    }

    @Test func aHitListsEveryLiveSessionThatShowsTheMessage() async throws {
        let (original, messages) = try await Fixtures.conversation(3, in: repository, workspace: workspace)
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: original.id)
        let trashedFork = try await repository.forkSession(workspaceId: workspace, sessionId: original.id)
        #expect(try await repository.trashSession(workspaceId: workspace, sessionId: trashedFork.id))
        let hits = try await repository.searchMessages(workspaceId: workspace, query: "m1").items
        #expect(hits.map(\.messageId) == [messages[1].id])
        #expect(hits.first?.sessionIds == [original.id, fork.id].sorted())
    }

    @Test func theTrashAndDeletionHideWhatOnlyTheyHeld() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let message = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "ephemeral words"))
        #expect(try await repository.trashSession(workspaceId: workspace, sessionId: session.id))
        #expect(try await found("ephemeral").isEmpty)
        _ = try await repository.restoreSession(workspaceId: workspace, sessionId: session.id)
        #expect(try await found("ephemeral") == [message.id])
        #expect(try await repository.deleteSession(workspaceId: workspace, sessionId: session.id))
        #expect(try await found("ephemeral").isEmpty)
    }

    @Test func aRevertedMessageIsFoundOnlyWhereAnotherSessionShowsIt() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let kept = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "first question"))
        let reverted = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.assistant, "regrettable answer"))
        _ = try await repository.revert(workspaceId: workspace, sessionId: session.id, messageId: kept.id)
        #expect(try await found("regrettable").isEmpty)
        _ = try await repository.unrevert(workspaceId: workspace, sessionId: session.id)
        #expect(try await found("regrettable") == [reverted.id])
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: session.id)
        _ = try await repository.revert(workspaceId: workspace, sessionId: session.id, messageId: kept.id)
        let hits = try await repository.searchMessages(workspaceId: workspace, query: "regrettable").items
        #expect(hits.map(\.sessionIds) == [[fork.id]])
    }

    @Test func anUpdatedMessageIsFoundByItsNewWordsOnly() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let message = try await repository.addMessage(
            workspaceId: workspace, sessionId: session.id, message: NewMessage(role: .assistant, content: "Thinking", status: .streaming))
        for delta in [" about", " parsers", " and", " grammars"] {
            _ = try await repository.updateMessage(workspaceId: workspace, messageId: message.id) { $0.content! += delta }
        }
        #expect(try await found("parsers grammars") == [message.id])
        _ = try await repository.updateMessage(workspaceId: workspace, messageId: message.id) {
            $0.content = nil
            $0.parts = [MessagePart(type: .text, content: "Final summary")]
        }
        #expect(try await found("parsers").isEmpty)
        #expect(try await found("summary") == [message.id])
    }

    @Test func hitsComeBestFirstAndPageWithoutRepeats() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        var ids: [String] = []
        for index in 0..<10 {
            // More repeats of the word make a better bm25 match, among texts of one length.
            let text = Array(repeating: "needle", count: 10 - index) + Array(repeating: "hay", count: index)
            ids.append(try await repository.addMessage(
                workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, text.joined(separator: " "))).id)
        }
        #expect(try await found("needle") == ids)
        #expect(try await walked("needle", by: 3) == ids)
        let last = try await repository.searchMessages(workspaceId: workspace, query: "needle", page: .last(4))
        #expect(last.items.map(\.messageId) == Array(ids[6...]))
        #expect(last.after == nil)
        let before = try await repository.searchMessages(
            workspaceId: workspace, query: "needle", page: .before(try #require(last.before), limit: 4))
        #expect(before.items.map(\.messageId) == Array(ids[2..<6]))
        let cursor = try #require(before.after)
        await #expect(throws: SessionStoreError.invalidCursor(cursor)) {
            try await repository.searchMessages(workspaceId: workspace, query: "hay", page: .after(cursor, limit: 3))
        }
    }

    /// The ranking scores only the best few matches of the whole index; when another workspace holds all of them, the
    /// workspace's own hits still come, each once and best first.
    @Test func hitsComeBestFirstWhenAnotherWorkspaceHoldsTheBestMatches() async throws {
        let other = try await repository.createSession(workspaceId: "other")
        for _ in 0..<60 {
            _ = try await repository.addMessage(workspaceId: "other", sessionId: other.id, message: Fixtures.text(.user, "needle needle"))
        }
        let session = try await repository.createSession(workspaceId: workspace)
        var ids: [String] = []
        for index in 0..<40 {
            // The word once, in a longer text each time: a worse bm25 match than the one before, and than any of the other workspace's.
            let text = ["needle"] + Array(repeating: "hay", count: index + 1)
            ids.append(try await repository.addMessage(
                workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, text.joined(separator: " "))).id)
        }
        #expect(try await walked("needle", by: 7) == ids)
        #expect(try await repository.searchMessages(workspaceId: "other", query: "needle", page: .first(100)).items.count == 60)
    }

    /// Queries that would be FTS5 syntax, or break it, if they reached it raw.
    static let hostileQueries = [
        "\"", "\"unbalanced", "a\"b", "\"\"", "NEAR(needle hay)", "needle NEAR hay", "NEAR", "AND", "OR", "NOT", "needle OR",
        "*", "needle*", "*needle", "-needle", "needle -hay", "^needle", "(", ")", "((needle)", "needle)", "content:needle",
        "parts_text:needle", "{content parts_text}:needle", "message_search:x", "needle + hay", "'", "'; DROP TABLE messages; --",
        "\u{0}", "needle\u{0}hay", "\\", "%", "_", ":", "a:", "needle:*", "🙂", "🇫🇷", "e\u{301}", "x\"*\"", "\"needle\" \"hay",
    ]

    // One test for all: a repository per query, opened side by side, would hold over a thousand descriptors.
    @Test func aHostileQueryIsSearchedLiterallyOrRefusedWithATypedError() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        _ = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "needle in the hay"))
        for query in Self.hostileQueries {
            for search in [
                { _ = try await repository.searchMessages(workspaceId: workspace, query: query) },
                { _ = try await repository.searchSessions(workspaceId: workspace, query: query) },
            ] as [() async throws -> Void] {
                do {
                    try await search()
                } catch SessionStoreError.invalidSearchQuery {
                } catch {
                    Issue.record("\(query.debugDescription): \(error)")
                }
            }
        }
        #expect(try await repository.check().isEmpty)
    }

    @Test func operatorsAreSearchedForAsWords() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let near = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "stay NEAR the exit"))
        let plain = try await repository.addMessage(workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "stay by the exit"))
        #expect(try await found("stay NEAR exit") == [near.id])
        #expect(try await found("stay OR exit").isEmpty, "OR is a word, not an operator")
        #expect(Set(try await found("-stay")) == [near.id, plain.id], "a minus is punctuation, not NOT")
        #expect(try await found("content:stay").isEmpty, "a column filter is a phrase of two words")
    }

    @Test func queriesThatCannotBeSearchesAreRefused() async throws {
        for query in ["", "   ", "*** ---", "\u{0}\u{1}", String(repeating: "a ", count: 33), String(repeating: "x", count: 10_000)] {
            await #expect(throws: SessionStoreError.self, "\(query.prefix(20).debugDescription)") {
                try await repository.searchMessages(workspaceId: workspace, query: query)
            }
        }
        var generator = SplitMix64(seed: 42)
        let alphabet = Array("\"'()*:^-+{}[]<>NEAR ORANDNOT\\%_ab \u{0}🙂")
        for _ in 0..<300 {
            let query = String((0..<Int(generator.next() % 24)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            do {
                _ = try await repository.searchMessages(workspaceId: workspace, query: query)
            } catch SessionStoreError.invalidSearchQuery {
            } catch {
                Issue.record("\(query.debugDescription): \(error)")
            }
        }
    }

    @Test func sessionTitlesAreSearchedWithTheSameRules() async throws {
        let parser = try await repository.createSession(workspaceId: workspace, title: "Parser rewrite")
        _ = try await repository.createSession(workspaceId: workspace, title: "Login bug")
        let trashed = try await repository.createSession(workspaceId: workspace, title: "Parser notes")
        #expect(try await repository.trashSession(workspaceId: workspace, sessionId: trashed.id))
        let hits = try await repository.searchSessions(workspaceId: workspace, query: "pars")
        #expect(hits.items == [SessionSearchHit(sessionId: parser.id, title: "**Parser** rewrite", updatedAt: parser.updatedAt)])
        let renamed = try await repository.updateSession(workspaceId: workspace, sessionId: parser.id) { $0.title = "Lexer rewrite" }
        #expect(try await repository.searchSessions(workspaceId: workspace, query: "parser").items.isEmpty)
        #expect(try await repository.searchSessions(workspaceId: workspace, query: "lexer").items.map(\.updatedAt) == [renamed?.updatedAt])
        #expect(try await repository.searchSessions(workspaceId: "other", query: "lexer").items.isEmpty)
    }

    @Test func importedMessagesAreSearchable() async throws {
        let report = try await LegacyImporter().run(
            directory: Paths.fixtures.appendingPathComponent("legacy-sample").path, into: repository)
        let workspaceId = try #require(report.workspaces.first?.workspaceId)
        let session = try #require(try await repository.listSessions(workspaceId: workspaceId).first { !$0.messageIds.isEmpty })
        let message = try #require(try await repository.getSessionMessages(workspaceId: workspaceId, sessionId: session.id)
            .first { ($0.content ?? "").contains { $0.isLetter } })
        let word = try #require(message.content?.split { !$0.isLetter }.max { $0.count < $1.count })
        let hits = try await repository.searchMessages(workspaceId: workspaceId, query: String(word), page: .first(1000))
        #expect(hits.items.contains { $0.messageId == message.id })
    }
}
