import PostgresTestSupport
import SessionStore
import SessionStorePostgres
import Testing
import TestSupport

/// A store to run the conformance suite on: each test gets a new, empty one.
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    /// The backends this run can reach: PostgreSQL when its tests have a server (always under CI).
    static var available: [Backend] {
        PostgresTestServer.isAvailable ? allCases : [.sqlite]
    }

    var testDescription: String { rawValue }

    /// Whether `error` is what this backend fails a call with once the store is closed.
    func saysClosed(_ error: any Error) -> Bool {
        switch self {
        case .sqlite: (error as? SQLiteError)?.resultCode == .misuse
        case .postgres: (error as? PostgresStoreError) == .closed
        }
    }

    /// A new, empty store of this backend.
    func open() async throws -> TestStore {
        switch self {
        case .sqlite:
            let directory = try TemporaryDirectory()
            let path = directory.file("conformance.sqlite")
            return TestStore(store: try await SessionRepository(path: path), directory: directory) {
                try await SessionRepository(path: path)
            }
        case .postgres:
            let url = try await PostgresTestServer.freshDatabase()
            return TestStore(store: try await PostgresRepository(url: url), directory: nil) {
                try await PostgresRepository(url: url)
            }
        }
    }
}

/// A store under test, and the way to open another on the same data, as another process would.
struct TestStore: Sendable {
    let store: any SessionStoring
    /// Kept until the test ends: its files are the store's.
    let directory: TemporaryDirectory?
    let another: @Sendable () async throws -> any SessionStoring
}
