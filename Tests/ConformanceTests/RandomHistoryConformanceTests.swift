import Foundation
import HistorySupport
import SessionStore
import SessionStorePostgres
import Testing

/// Random histories on every backend, compared after every call with the reference of DESIGN's semantics; then
/// copied to the other backend, where the same history goes on.
@Suite struct RandomHistoryConformanceTests {
    @Test(arguments: Backend.available, [1, 2, 3] as [UInt64])
    func everyCallLeavesTheStoreAsTheReferenceSays(backend: Backend, seed: UInt64) async throws {
        let opened = try await backend.open()
        let store = LibraryHistoryStore(opened.store)
        var history = RandomHistory(seed: seed)
        try await history.run(200, on: store)
        try await history.expectPagesAgree(store)
        try await Self.expectSound(opened.store)
        await opened.store.close()

        guard let other = Backend.available.first(where: { $0 != backend }) else { return }
        let (destination, directory) = try await other.newLocation()
        try await StoreCopy.copy(from: opened.location, to: destination)
        #expect(try await StoreCopy.compare(opened.location, destination).allSatisfy(\.matches))
        let copy = LibraryHistoryStore(try await other.open(destination))
        try await RandomHistory.expectAgreement(copy, history.reference, after: "the copy to \(other)")
        try await history.expectSearchAgreement(copy, after: "the copy to \(other)")
        try await history.run(50, on: copy)
        try await Self.expectSound(copy.store)
        await copy.store.close()
        withExtendedLifetime(directory) {}
    }

    /// A SQLite store's own check finds nothing wrong (PostgreSQL's has no such check).
    static func expectSound(_ store: any SessionStoring) async throws {
        if let repository = store as? SessionRepository {
            #expect(try await repository.check() == [])
        }
    }
}
