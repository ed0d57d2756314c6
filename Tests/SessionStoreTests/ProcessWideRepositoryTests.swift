import Testing
import TestSupport

@testable import SessionStore

/// One test touches the process-wide state, so that no other test sees it change.
@Suite struct ProcessWideRepositoryTests {
    @Test func getAndInitBehaveAsTheOldModuleDid() async throws {
        let directory = try TemporaryDirectory()
        await #expect(throws: SessionStoreError.managerNotInitialized) {
            try await getSessionManager()
        }
        let first = try await getSessionManager(dataDirectory: directory.file("a"))
        #expect(try await getSessionManager() === first)
        #expect(try await getSessionManager(dataDirectory: directory.file("ignored")) === first)

        let replaced = try await initSessionManager(dataDirectory: directory.file("b"))
        #expect(replaced !== first)
        #expect(try await getSessionManager() === replaced)
        _ = try await replaced.createSession(workspaceId: "w")
        #expect(try Fixtures.count("sessions", in: directory.file("b/sessions.sqlite")) == 1)
    }
}
