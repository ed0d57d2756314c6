import Foundation
import SessionStore

/// What forks at a message, trees of forks and reverts that can be undone cost: SessionStore alone, as C, GRDB and
/// the JSON store have none of them; each row says which of the others' rows it is held against.
extension Scenarios {
    func branches() async throws -> [ResultRow] {
        let small = size(1_000)
        let large = size(10_000)
        let template = scratch.file("branch.sqlite")
        try Workload.seed(template, [
            Workload.SessionShape(id: "b\(small)", messages: small), Workload.SessionShape(id: "b\(large)", messages: large),
        ])
        // A row closes its stores: each row gets a store of its own, on a fresh copy.
        var store = try await OursStore(path: try scratch.copy(of: template, as: "ours-branch.sqlite"))
        var repository = store.repository
        func reopen() async throws {
            store = try await OursStore(path: try scratch.copy(of: template, as: "ours-branch.sqlite"))
            repository = store.repository
        }
        // A repository on a copy of its own, for a call that must find the template's session untouched; the row
        // closes only the store it was given, so the copies before are closed here.
        var fresh: [OursStore] = []
        func reopenFresh(_ number: Int) async throws {
            let copy = try await OursStore(path: try scratch.copy(of: template, as: "ours-fresh-\(number).sqlite"))
            fresh.append(copy)
            repository = copy.repository
        }
        let workspace = Workload.workspace
        var rows: [ResultRow] = []

        // A fork at message `small` of the large session copies as many links as a fork of the small one.
        var fork: String?
        let dropFork: (any BenchmarkedStore) async throws -> Void = { _ in
            if let made = fork { _ = try await repository.deleteSession(workspaceId: workspace, sessionId: made) }
            fork = nil
        }
        rows.append(try await row(
            "forkSession at message \(small) of a \(large)-message session (SessionStore alone)", [("ours", store)],
            iterations: { _ in 50 }, prepare: dropFork
        ) { _, _ in
            fork = try await repository.forkSession(workspaceId: workspace, sessionId: "b\(large)", messageId: "b\(large)-m\(small)").id
        })
        fork = nil
        try await reopen()
        rows.append(try await row(
            "forkSession of a \(small)-message session, beside it (SessionStore alone)", [("ours", store)],
            iterations: { _ in 50 }, prepare: dropFork
        ) { _, _ in fork = try await repository.forkSession(workspaceId: workspace, sessionId: "b\(small)").id })
        fork = nil
        try await reopen()

        // A revert to the middle moves the links after it into the reverted tail; unrevert moves them back. Each
        // call works on a fresh fork, made (and reverted, for unrevert) untimed just before.
        let middle = "b\(large)-m\(large / 2)"
        rows.append(try await row(
            "revert to the middle of a \(large)-message session, keeping a \(large - large / 2)-message tail (SessionStore alone)",
            [("ours", store)], iterations: { _ in 5 }, warmups: 1,
            prepare: { store in
                try await dropFork(store)
                fork = try await repository.forkSession(workspaceId: workspace, sessionId: "b\(large)").id
            }
        ) { _, _ in _ = try await repository.revert(workspaceId: workspace, sessionId: fork!, messageId: middle) })
        fork = nil
        try await reopen()
        rows.append(try await row(
            "unrevert of a \(large - large / 2)-message tail (SessionStore alone)", [("ours", store)],
            iterations: { _ in 5 }, warmups: 1,
            prepare: { store in
                try await dropFork(store)
                fork = try await repository.forkSession(workspaceId: workspace, sessionId: "b\(large)").id
                _ = try await repository.revert(workspaceId: workspace, sessionId: fork!, messageId: middle)
            }
        ) { _, _ in _ = try await repository.unrevert(workspaceId: workspace, sessionId: fork!) })
        fork = nil
        try await reopen()

        // The same revert on a session no other shows: before the reverted tail, it deleted 5,000 bodies too.
        var copies = 0
        rows.append(try await row(
            "revert to the middle of a \(large)-message session that no other session shows (SessionStore alone)",
            [("ours", store)], iterations: { _ in 5 }, warmups: 1,
            prepare: { _ in
                copies += 1
                try await reopenFresh(copies)
            }
        ) { _, _ in _ = try await repository.revert(workspaceId: workspace, sessionId: "b\(large)", messageId: middle) })
        for copy in fresh { await copy.close() }
        try await reopen()

        // A tree of 1,000 forks of the small session, a third of them forks of forks.
        var members: [String] = ["b\(small)"]
        for index in 0..<1_000 {
            let origin = index % 3 == 2 ? members[members.count - 1] : "b\(small)"
            members.append(try await repository.forkSession(workspaceId: workspace, sessionId: origin, messageId: "b\(small)-m1").id)
        }
        rows.append(try await row(
            "getSessionTree of a tree of 1000 forks, from a leaf (SessionStore alone)", [("ours", store)], iterations: { _ in 50 }
        ) { _, _ in
            let tree = try await repository.getSessionTree(workspaceId: workspace, sessionId: members[members.count - 1])
            precondition(tree?.id == "b\(small)", "the tree's root is the original")
        })
        return rows
    }
}
