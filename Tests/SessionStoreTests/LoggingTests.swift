import Logging
import SessionStoreSQLite
import Testing

@testable import SessionStore

/// Keeps what is logged through it, for the test to read.
final class LogRecorder: Sendable {
    struct Entry: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    private let storage = Locked<[Entry]>([])

    var entries: [Entry] { storage.withLock { $0 } }

    func logger(level: Logger.Level) -> Logger {
        var logger = Logger(label: "test") { _ in Handler(recorder: self) }
        logger.logLevel = level
        return logger
    }

    fileprivate func append(_ entry: Entry) {
        storage.withLock { $0.append(entry) }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.append(Entry(
                level: event.level, message: "\(event.message)",
                metadata: (event.metadata ?? [:]).mapValues { "\($0)" }))
        }
    }
}

@Suite struct LoggingTests {
    @Test func nothingIsLoggedAtTheDefaultLevel() async throws {
        let recorder = LogRecorder()
        // A generous threshold: a loaded machine must not turn a call into a slow one.
        let configuration = Configuration(logger: recorder.logger(level: .info), slowThreshold: .seconds(3600))
        let repository = try await SessionRepository.inMemory(configuration: configuration)
        let session = try await repository.createSession(workspaceId: "w")
        _ = try await repository.addMessage(workspaceId: "w", sessionId: session.id, message: NewMessage(role: .user, content: "x"))
        _ = try await repository.getSessionMessages(workspaceId: "w", sessionId: session.id)
        #expect(recorder.entries.isEmpty)
    }

    @Test func everyCallIsLoggedAtDebugWithItsIdsAndDuration() async throws {
        let recorder = LogRecorder()
        let configuration = Configuration(logger: recorder.logger(level: .debug), slowThreshold: .seconds(3600))
        let repository = try await SessionRepository.inMemory(configuration: configuration)
        let session = try await repository.createSession(workspaceId: "w")
        let message = try await repository.addMessage(workspaceId: "w", sessionId: session.id, message: NewMessage(role: .user))
        _ = try await repository.updateMessage(workspaceId: "w", messageId: message.id) { $0.content = "y" }
        _ = try? await repository.revert(workspaceId: "w", sessionId: "missing")

        let entries = recorder.entries
        #expect(entries.map(\.message) == ["createSession", "addMessage", "updateMessage", "revert"])
        #expect(entries.allSatisfy {
            $0.level == .debug && $0.metadata["session_store.workspace_id"] == "w" && $0.metadata["session_store.duration"] != nil
        })
        #expect(entries[1].metadata["session_store.session_id"] == session.id)
        #expect(entries[2].metadata["session_store.message_id"] == message.id)
        #expect(entries[3].metadata["session_store.error"] == "no session missing in workspace w")
    }

    @Test func slowCallsAndStatementsAreInfoNeverWarnings() async throws {
        let recorder = LogRecorder()
        let configuration = Configuration(logger: recorder.logger(level: .trace), slowThreshold: .zero)
        let repository = try await SessionRepository.inMemory(configuration: configuration)
        _ = try await repository.listSessions(workspaceId: "w")
        _ = try? await repository.revert(workspaceId: "w", sessionId: "missing")
        let entries = recorder.entries
        #expect(entries.contains { $0.level == .info && $0.message == "listSessions" })
        #expect(entries.contains {
            $0.level == .info && $0.message == "slow statement" && $0.metadata["session_store.sql"]?.contains("FROM sessions") == true
        })
        #expect(entries.allSatisfy { $0.level <= .info })
    }

    @Test func theDefaultConfigurationLogsNothing() {
        let logger = Configuration().logger
        #expect(logger.handler is SwiftLogNoOpLogHandler)
    }
}

@Suite struct CallObserverTests {
    @Test func theObserverSeesEveryCallWithItsOutcome() async throws {
        let calls = Locked<[StoreCall]>([])
        let configuration = Configuration(callObserver: { call in calls.withLock { $0.append(call) } })
        let repository = try await SessionRepository.inMemory(configuration: configuration)
        let session = try await repository.createSession(workspaceId: "w")
        _ = try await repository.addMessage(workspaceId: "w", sessionId: session.id, message: NewMessage(role: .user, content: "x"))
        await #expect(throws: SessionStoreError.self) {
            try await repository.addMessage(workspaceId: "w", sessionId: "missing", message: NewMessage(role: .user))
        }
        let seen = calls.withLock { $0 }
        #expect(seen.map(\.operation) == ["createSession", "addMessage", "addMessage"])
        #expect(seen.map(\.succeeded) == [true, true, false])
        #expect(seen.allSatisfy { $0.duration > .zero })
    }
}
