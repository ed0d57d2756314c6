import Foundation
import SessionStore
import Testing

/// Parents, on every backend: they never go round in a circle, which a UI walking up from a session would follow
/// forever.
@Suite struct ParentConformanceTests {
    @Test(arguments: Backend.available)
    func aParentThatIsTheSessionOrDescendsFromItIsRefusedAndChangesNothing(backend: Backend) async throws {
        let opened = try await backend.open()
        let store = opened.store
        let root = try await store.createSession(workspaceId: "ws-1", title: "Root")
        let child = try await store.createSession(workspaceId: "ws-1", title: "Child", parentId: root.id)
        let grandchild = try await store.createSession(workspaceId: "ws-1", title: "Grandchild", parentId: child.id)
        // The trash keeps the child's place between the two.
        #expect(try await store.trashSession(workspaceId: "ws-1", sessionId: child.id))

        for parent in [root.id, grandchild.id] {
            await #expect(throws: SessionStoreError.parentCycle(sessionId: root.id, parentId: parent)) {
                try await store.updateSession(workspaceId: "ws-1", sessionId: root.id) { $0.parentId = parent; $0.title = "Never" }
            }
        }
        #expect(try await store.getSession(workspaceId: "ws-1", sessionId: root.id) == root)
        #expect(SessionStoreError.parentCycle(sessionId: root.id, parentId: grandchild.id).description
            == "session \(root.id) cannot have parent \(grandchild.id), which descends from it")

        // Moving a descendant up is no circle, and neither is a parent from another branch.
        let moved = try await store.updateSession(workspaceId: "ws-1", sessionId: grandchild.id) { $0.parentId = root.id }
        #expect(moved?.parentId == root.id)
        let other = try await store.createSession(workspaceId: "ws-1", title: "Other")
        let adopted = try await store.updateSession(workspaceId: "ws-1", sessionId: root.id) { $0.parentId = other.id }
        #expect(adopted?.parentId == other.id)
        await store.close()
    }

    /// With B under C and D under A, setting A under B and C under D closes a circle of four that neither change
    /// sees alone, and the two touch no common row: made at once from two stores, one of them must be refused.
    @Test(arguments: Backend.available)
    func twoParentsSetAtOnceFromTwoStoresNeverCloseACircle(backend: Backend) async throws {
        let opened = try await backend.open()
        let (first, second) = (opened.store, try await opened.another())
        for _ in 0..<20 {
            var ids: [String] = []
            for title in ["A", "B", "C", "D"] {
                ids.append(try await first.createSession(workspaceId: "ws-1", title: title).id)
            }
            let (a, b, c, d) = (ids[0], ids[1], ids[2], ids[3])
            _ = try await first.updateSession(workspaceId: "ws-1", sessionId: b) { $0.parentId = c }
            _ = try await first.updateSession(workspaceId: "ws-1", sessionId: d) { $0.parentId = a }
            async let one = Self.setParent(of: a, to: b, on: first)
            async let other = Self.setParent(of: c, to: d, on: second)
            let accepted = try await [one, other].filter { $0 }.count
            #expect(accepted == 1)
            var parents: [String: String] = [:]
            for session in try await first.listSessions(workspaceId: "ws-1") {
                parents[session.id] = session.parentId
            }
            var seen: [String] = []
            var next: String? = a
            while let current = next {
                try #require(!seen.contains(current), "parents go round: \(seen + [current])")
                seen.append(current)
                next = parents[current]
            }
        }
        await first.close()
        await second.close()
    }

    /// Whether the store took `parentId` as the session's parent; false when it refused it as a circle.
    private static func setParent(of sessionId: String, to parentId: String, on store: any SessionStoring) async throws -> Bool {
        do {
            _ = try await store.updateSession(workspaceId: "ws-1", sessionId: sessionId) { $0.parentId = parentId }
            return true
        } catch SessionStoreError.parentCycle {
            return false
        }
    }
}
