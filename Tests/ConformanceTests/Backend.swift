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
        let (location, directory) = try await newLocation()
        return TestStore(store: try await open(location), location: location, directory: directory) {
            try await open(location)
        }
    }

    /// Where a new, empty store of this backend can be: a SQLite file's path in a folder of its own, or the URL of
    /// a new database of the tests' PostgreSQL server.
    func newLocation() async throws -> (location: String, directory: TemporaryDirectory?) {
        switch self {
        case .sqlite:
            let directory = try TemporaryDirectory()
            return (directory.file("conformance.sqlite"), directory)
        case .postgres:
            return (try await PostgresTestServer.freshDatabase(), nil)
        }
    }

    /// The store at `location`, opened as an application would.
    func open(_ location: String) async throws -> any SessionStoring {
        switch self {
        case .sqlite: try await SessionRepository(path: location)
        case .postgres: try await PostgresRepository(url: location)
        }
    }
}

/// A store under test, and the way to open another on the same data, as another process would.
struct TestStore: Sendable {
    let store: any SessionStoring
    /// Its path or URL, as `StoreCopy` names a store.
    let location: String
    /// Kept until the test ends: its files are the store's.
    let directory: TemporaryDirectory?
    let another: @Sendable () async throws -> any SessionStoring
}
