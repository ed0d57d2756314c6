/// The process-wide repository behind ``getSessionManager(dataDirectory:configuration:)`` and
/// ``initSessionManager(dataDirectory:configuration:)``, as the old module's singleton.
private actor ProcessWideRepository {
    static let shared = ProcessWideRepository()

    private var opening: Task<SessionRepository, any Error>?

    func get(dataDirectory: String?, configuration: Configuration) async throws -> SessionRepository {
        if let opening {
            return try await opening.value
        }
        guard let dataDirectory else { throw SessionStoreError.managerNotInitialized }
        return try await open(dataDirectory: dataDirectory, configuration: configuration)
    }

    func open(dataDirectory: String, configuration: Configuration) async throws -> SessionRepository {
        let task = Task { try await SessionRepository(dataDirectory: dataDirectory, configuration: configuration) }
        opening = task
        do {
            return try await task.value
        } catch {
            // A failed open must not stick: the next call may name a directory that works.
            if opening == task { opening = nil }
            throw error
        }
    }
}

/// The process-wide repository, opened on `<dataDirectory>/sessions.sqlite` by the first call.
///
/// Later calls return the same repository, whatever directory they name, as the old module did.
/// - Throws: ``SessionStoreError/managerNotInitialized`` when nothing opened it yet and no directory is given.
public func getSessionManager(dataDirectory: String? = nil, configuration: Configuration = Configuration()) async throws -> SessionRepository {
    try await ProcessWideRepository.shared.get(dataDirectory: dataDirectory, configuration: configuration)
}

/// Opens a repository on `<dataDirectory>/sessions.sqlite` and makes it the process-wide one.
///
/// The repository it replaces stays usable by those who hold it, and closes when the last of them lets go.
public func initSessionManager(dataDirectory: String, configuration: Configuration = Configuration()) async throws -> SessionRepository {
    try await ProcessWideRepository.shared.open(dataDirectory: dataDirectory, configuration: configuration)
}
