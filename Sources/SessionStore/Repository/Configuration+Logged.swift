import Logging

extension Configuration {
    /// Runs one call of the API, logging it: at debug level, or at info level when it took `slowThreshold` or
    /// longer. A failure is the caller's to report: it is only logged with the call, at the same level. Nothing
    /// is formatted unless the logger's level lets the entry through.
    package func logged<T>(
        _ operation: String, workspaceId: String, sessionId: String? = nil, messageId: String? = nil,
        _ body: () async throws -> T
    ) async throws -> T {
        let started = ContinuousClock.now
        var failure: (any Error)?
        defer {
            let duration = ContinuousClock.now - started
            callObserver?(StoreCall(operation: operation, duration: duration, succeeded: failure == nil))
            let level: Logger.Level = duration >= slowThreshold ? .info : .debug
            logger.log(level: level, "\(operation)", metadata: {
                var metadata: Logger.Metadata = [LogKey.workspaceId: "\(workspaceId)", LogKey.duration: "\(duration)"]
                if let sessionId { metadata[LogKey.sessionId] = "\(sessionId)" }
                if let messageId { metadata[LogKey.messageId] = "\(messageId)" }
                if let failure { metadata[LogKey.error] = "\(failure)" }
                return metadata
            }())
        }
        do {
            return try await body()
        } catch {
            failure = error
            throw error
        }
    }
}
