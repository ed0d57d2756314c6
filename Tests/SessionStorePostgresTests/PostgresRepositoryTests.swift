import Foundation
import PostgresNIO
import PostgresTestSupport
import SessionStore
import SessionStorePostgres
import Testing
import TestSupport

/// What only the PostgreSQL backend has to prove: gapless positions and change numbers in its own tables under
/// concurrent appends, and its URL and connection errors (the rest is in the conformance suite).
@Suite(.enabled(if: PostgresTestServer.isAvailable)) struct PostgresRepositoryTests {
    @Test func appendsFromSeveralClientsAtOnceTakeEveryPositionOnce() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let setup = try await PostgresRepository(url: url)
        let session = try await setup.createSession(workspaceId: "ws-1")
        // Four pools, as four server processes would have, each appending 50 messages 8 at a time.
        let added = try await withThrowingTaskGroup(of: [String].self) { group in
            for client in 0..<4 {
                group.addTask {
                    let store = try await PostgresRepository(url: url)
                    let ids = try await withThrowingTaskGroup(of: String.self) { appends in
                        for index in 0..<50 {
                            appends.addTask {
                                try await store.addMessage(
                                    workspaceId: "ws-1", sessionId: session.id,
                                    message: NewMessage(role: .user, content: "client \(client), message \(index)")).id
                            }
                        }
                        return try await appends.reduce(into: []) { $0.append($1) }
                    }
                    await store.close()
                    return ids
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let shown = try #require(try await setup.getSession(workspaceId: "ws-1", sessionId: session.id)).messageIds
        #expect(shown.count == 200)
        #expect(Set(shown) == Set(added))
        try await PostgresTestServer.withClient(url) { client in
            var positions: [Int] = []
            for try await position in try await client.query(
                "SELECT position FROM session_messages WHERE session_id = \(session.id) ORDER BY position"
            ).decode(Int.self) { positions.append(position) }
            #expect(positions == Array(1...200))
            var sequences: [Int64] = []
            for try await sequence in try await client.query(
                "SELECT sequence FROM changes WHERE workspace_id = 'ws-1' ORDER BY sequence"
            ).decode(Int64.self) { sequences.append(sequence) }
            #expect(sequences == Array(1...201))
        }
        await setup.close()
    }

    @Test func aCycleOfForkPointsMadeByHandEndsTheTreeInsteadOfLoopingForEver() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let store = try await PostgresRepository(url: url)
        let root = try await store.createSession(workspaceId: "ws-1")
        let fork = try await store.forkSession(workspaceId: "ws-1", sessionId: root.id)
        let further = try await store.forkSession(workspaceId: "ws-1", sessionId: fork.id)
        try await PostgresTestServer.withClient(url) { client in
            _ = try await client.query("UPDATE sessions SET forked_from_session_id = \(further.id) WHERE id = \(root.id)")
        }
        let tree = try await store.getSessionTree(workspaceId: "ws-1", sessionId: fork.id)
        #expect(tree?.id == fork.id)
        #expect(tree?.children.map(\.id) == [further.id])
        #expect(tree?.children.first?.children.map(\.id) == [root.id])
        #expect(tree?.children.first?.children.first?.children == [])
        #expect(try await store.getSessionTree(workspaceId: "ws-1", sessionId: "nope") == nil)
        await store.close()
    }

    /// A write that waited for the session's lock once went on with the links as they were when it started
    /// waiting: a revert, unrevert or fork racing another then cut at the wrong place, leaving a gap in the
    /// positions (a stress run left one session's links at 1-3 and 7-11).
    @Test func revertsUnrevertsAndAppendsRacingOnOneSessionKeepItsPositionsWhole() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let setup = try await PostgresRepository(url: url)
        let session = try await setup.createSession(workspaceId: "ws-1")
        for index in 0..<6 {
            _ = try await setup.addMessage(workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "m\(index)"))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<4 {
                group.addTask {
                    let store = try await PostgresRepository(url: url)
                    try await withThrowingTaskGroup(of: Void.self) { writes in
                        for index in 0..<40 {
                            writes.addTask {
                                switch (client + index) % 4 {
                                case 0:
                                    let shown = try await store.getSession(workspaceId: "ws-1", sessionId: session.id)?.messageIds ?? []
                                    do {
                                        _ = try await store.revert(workspaceId: "ws-1", sessionId: session.id, messageId: shown.dropLast(2).last)
                                    } catch SessionStoreError.messageNotInSession {
                                        // Another client's revert hid it first.
                                    }
                                case 1: _ = try await store.unrevert(workspaceId: "ws-1", sessionId: session.id)
                                case 2: _ = try await store.forkSession(workspaceId: "ws-1", sessionId: session.id)
                                default:
                                    _ = try await store.addMessage(
                                        workspaceId: "ws-1", sessionId: session.id, message: NewMessage(role: .user, content: "c\(client) \(index)"))
                                }
                            }
                        }
                        try await writes.waitForAll()
                    }
                    await store.close()
                }
            }
            try await group.waitForAll()
        }
        try await PostgresTestServer.withClient(url) { client in
            for table in ["session_messages", "reverted_links"] {
                var gaps: [String] = []
                for try await (sessionId, count, last) in try await client.query(
                    "SELECT session_id, count(*), max(position) FROM \(unescaped: table) GROUP BY session_id HAVING count(*) <> max(position)"
                ).decode((String, Int, Int).self) { gaps.append("\(sessionId): \(count) links, positions up to \(last)") }
                #expect(gaps.isEmpty, "\(table)")
            }
        }
        await setup.close()
    }

    /// Deleting a session clears its children's parent. Taking the parent first deadlocked with a fork or an
    /// append of a child (which takes the child, then a share of the parent); the retry hid most of them, and a
    /// stress run still surfaced one in ten seconds as a 500.
    @Test func deletingParentsWhileTheirChildrenAreForkedAndAppendedToNeverDeadlocks() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let setup = try await PostgresRepository(url: url)
        var families: [(parent: String, children: [String])] = []
        for _ in 0..<12 {
            let parent = try await setup.createSession(workspaceId: "ws-1")
            var children: [String] = []
            for _ in 0..<3 {
                let child = try await setup.createSession(workspaceId: "ws-1", parentId: parent.id)
                _ = try await setup.addMessage(workspaceId: "ws-1", sessionId: child.id, message: NewMessage(role: .user, content: "hi"))
                children.append(child.id)
            }
            families.append((parent.id, children))
        }
        let stores = try await withThrowingTaskGroup(of: PostgresRepository.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresRepository(url: url) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, family) in families.enumerated() {
                for (number, child) in family.children.enumerated() {
                    let store = stores[(index + number) % stores.count]
                    group.addTask { _ = try await store.forkSession(workspaceId: "ws-1", sessionId: child) }
                    group.addTask {
                        _ = try await store.addMessage(workspaceId: "ws-1", sessionId: child, message: NewMessage(role: .user, content: "more"))
                    }
                }
                let store = stores[index % stores.count]
                group.addTask {
                    let deleted = try await store.deleteSession(workspaceId: "ws-1", sessionId: family.parent)
                    #expect(deleted)
                }
            }
            try await group.waitForAll()
        }
        for store in stores { await store.close() }
        await setup.close()
        // A backend reports its deadlocks when it ends; the pools' backends end as their stores close.
        try await Task.sleep(for: .seconds(1))
        let name = try #require(URLComponents(string: url)?.path.dropFirst())
        try await PostgresTestServer.withClient(try #require(PostgresTestServer.url)) { client in
            var deadlocks = -1
            for try await count in try await client.query(
                "SELECT deadlocks FROM pg_stat_database WHERE datname = \(String(name))"
            ).decode(Int.self) { deadlocks = count }
            #expect(deadlocks == 0)
        }
    }

    @Test func fourProcessesAppendingToTheSameSessionsLoseNothingAndSurfaceNoError() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let store = try await PostgresRepository(url: url)
        let first = try await store.createSession(workspaceId: "ws-1")
        let second = try await store.createSession(workspaceId: "ws-1")
        let appender = Paths.products.appendingPathComponent("StoreAppender")
        let runs = try await withThrowingTaskGroup(of: ProcessResult.self) { group in
            for (label, session) in [("a", first), ("b", second), ("c", first), ("d", second)] {
                group.addTask { try await runProcess(appender, [url, "ws-1", session.id, "100", label]) }
            }
            return try await group.reduce(into: [ProcessResult]()) { $0.append($1) }
        }
        for run in runs {
            #expect(run.status == 0 && run.standardError.isEmpty, "\(run.standardError)")
        }
        for (session, labels) in [(first, ["a", "c"]), (second, ["b", "d"])] {
            let contents = try await store.getSessionMessages(workspaceId: "ws-1", sessionId: session.id).compactMap(\.content)
            #expect(contents.count == 200)
            for label in labels {
                // Each process's messages in the order it appended them.
                #expect(contents.filter { $0.hasPrefix("\(label) ") } == (0..<100).map { "\(label) \($0)" })
            }
        }
        #expect(try await store.latestChangeSequence(workspaceId: "ws-1") == 402)
        await store.close()
    }

    @Test func aURLThatIsNotPostgreSQLsOrAServerThatDoesNotAnswerIsATypedError() async throws {
        for url in [
            "http://127.0.0.1/db", "postgres://127.0.0.1/db", "postgres://user@127.0.0.1", "postgres://u@h/db?sslmode=maybe",
            "postgres://u@h/db?connect_timeout=soon", "postgres://u@h/db?connect_timeout=9223372036854775807",
        ] {
            await #expect(throws: PostgresStoreError.self, "\(url)") { try await PostgresRepository(url: url) }
        }
        // Port 1 on loopback: nothing listens there.
        let started = ContinuousClock.now
        await #expect {
            try await PostgresRepository(url: "postgres://postgres@127.0.0.1:1/postgres?connect_timeout=1")
        } throws: { error in
            if case PostgresStoreError.connectionLost = error { return true }
            return false
        }
        // Under the pool's one minute: a loaded run under the thread sanitizer took 43 s for the 1 s asked.
        #expect(ContinuousClock.now - started < .seconds(58))
    }

    @Test func aPortNothingListensOnIsReportedAsRefusedWithoutWaitingForTheTimeout() async throws {
        let started = ContinuousClock.now
        await #expect {
            try await PostgresRepository(url: "postgres://postgres@127.0.0.1:1/postgres?connect_timeout=300")
        } throws: { error in
            guard case PostgresStoreError.connectionLost(let reason) = error else { return false }
            return reason == "127.0.0.1:1 refused the connection"
        }
        // Well under the 300 s asked; a loaded run under the thread sanitizer took 34 s.
        #expect(ContinuousClock.now - started < .seconds(120))
    }

    @Test func aConnectionTheServerTurnsAwayIsReportedInItsWordsWithoutWaitingForTheTimeout() async throws {
        let server = try #require(PostgresTestServer.url)
        // The tests' server offers no TLS.
        let requireTLS = { (url: inout URLComponents) in
            url.queryItems = (url.queryItems ?? []).filter { $0.name != "sslmode" } + [URLQueryItem(name: "sslmode", value: "require")]
        }
        for (change, sqlState, words) in [
            ({ (url: inout URLComponents) in url.path = "/no_such_database" }, "3D000", #"database "no_such_database" does not exist"#),
            ({ (url: inout URLComponents) in url.user = "no_such_user" }, "28000", #"role "no_such_user" does not exist"#),
            (requireTLS, nil, "the server does not offer TLS, which sslmode=require asks for"),
        ] as [((inout URLComponents) -> Void, String?, String)] {
            var url = try #require(URLComponents(string: server))
            change(&url)
            url.queryItems = (url.queryItems ?? []).filter { $0.name != "connect_timeout" } + [URLQueryItem(name: "connect_timeout", value: "300")]
            let started = ContinuousClock.now
            await #expect {
                try await PostgresRepository(url: try #require(url.string))
            } throws: { error in
                guard case PostgresStoreError.connectionRefused(let state, let message) = error else { return false }
                return state == sqlState && message == words
            }
            #expect(ContinuousClock.now - started < .seconds(120))
        }
    }
}
