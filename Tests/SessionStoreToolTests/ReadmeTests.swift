import Foundation
import Testing
import TestSupport

/// The README's commands and recipes, run as printed.
@Suite struct ReadmeTests {
    static let readme = (try? String(contentsOf: Paths.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""

    /// The statements of the README's first `sql` block after `heading`, one per statement, comments dropped.
    static func sqlStatements(after heading: String) throws -> [String] {
        let section = try #require(readme.range(of: heading).map { readme[$0.upperBound...] })
        let block = try #require(section.firstMatch(of: /```sql\n(?<body>[\s\S]*?)```/)?.body)
        return block.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n")
            .split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    @Test func theShellRecipesWorkOnTheDatabaseTheDemoLeavesBehind() async throws {
        #expect(Self.readme.contains("swift run session-store-demo demo.sqlite"))
        let directory = try TemporaryDirectory()
        let demo = directory.file("demo.sqlite")
        let run = try await runProcess(Paths.products.appendingPathComponent("session-store-demo"), [demo])
        try #require(run.status == 0, "\(run.standardError)")

        let statements = try Self.sqlStatements(after: "## Looking inside with `sqlite3`")
        #expect(statements.count == 7)
        for statement in statements {
            let result = try await runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["sqlite3", "-header", "-column", demo, statement])
            #expect(result.status == 0, "\(statement): \(result.standardError)")
            #expect(result.standardError.isEmpty, "\(statement): \(result.standardError)")
            // A header line and at least one row.
            #expect(result.standardOutput.split(separator: "\n").count >= 3, "\(statement) found nothing:\n\(result.standardOutput)")
        }
    }
}
