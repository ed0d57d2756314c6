import Foundation
import PostgresTestSupport
import Testing
import TestSupport

/// `migrate` and `serve` on a PostgreSQL URL, as an operator runs them.
@Suite(.enabled(if: PostgresTestServer.isAvailable)) struct PostgresCommandTests {
    @Test func serveRefusesAnUnmigratedDatabaseUntilMigrateHasRun() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let refused = try await runProcess(Tool.executable, ["serve", "--db", url, "--port", "0"])
        #expect(refused.status != 0)
        #expect(refused.standardError == "session-store: the database needs `session-store migrate` first (pending: 0001_create_schema.sql)\n")

        let migrated = try await runProcess(Tool.executable, ["migrate", "--db", url])
        #expect(migrated.status == 0 && migrated.standardOutput == "applied 0001_create_schema.sql\n", "\(migrated.standardError)")
        let status = try await runProcess(Tool.executable, ["migrate", "--db", url, "--status", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any])
        #expect((object["applied"] as? [[String: Any]])?.map { $0["name"] as? String } == ["create_schema"])
        #expect((object["pending"] as? [Any])?.isEmpty == true)
    }

    @Test func aServerThatDoesNotAnswerIsOneLine() async throws {
        let result = try await runProcess(Tool.executable, ["migrate", "--db", "postgres://postgres@127.0.0.1:1/none?connect_timeout=1"])
        #expect(result.status != 0)
        #expect(result.standardError.hasPrefix("session-store: lost the connection to PostgreSQL: 127.0.0.1:1"), "\(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1)
    }
}
