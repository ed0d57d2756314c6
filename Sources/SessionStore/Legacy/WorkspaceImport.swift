import SessionStoreSQLite

/// Writes one legacy workspace file into the database, inside the caller's transaction, repairing and
/// reporting what the old store left behind. Rows the database already has are never changed.
struct WorkspaceImport: Sendable {
    let workspaceId: String
    let file: String
    let content: LegacyFileContent
    let recoverOrphans: Bool
    let limits: Limits
    let retention: ChangeRetention
    let now: Int64

    /// The id of the workspace's "Recovered messages" session: the same on every run, so a rerun adds nothing.
    static func recoveredSessionId(for workspaceId: String) -> String {
        "recovered-" + SHA256.hexDigest(of: workspaceId.utf8).prefix(32)
    }

    func apply(_ connection: Connection) throws -> WorkspaceImportReport {
        var report = WorkspaceImportReport(workspaceId: workspaceId, file: file)
        func note(_ kind: ImportAnomaly.Kind, _ id: String?, _ detail: String) {
            report.anomalies.append(ImportAnomaly(kind: kind, file: file, id: id, detail: detail))
        }

        let messages = validMessages(note: note)
        var (sessions, invalidSessions) = validSessions(note: note)
        report.sessionsSkipped += invalidSessions
        let listed = Set(sessions.flatMap(\.messageIds))

        var orphans = messages.values.map(\.message).filter { !listed.contains($0.id) }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        if recoverOrphans, !orphans.isEmpty {
            let recovered = Session(
                id: Self.recoveredSessionId(for: workspaceId), workspaceId: workspaceId, title: "Recovered messages",
                parentId: nil, createdAt: now, updatedAt: now, messageIds: orphans.map(\.id))
            for orphan in orphans {
                note(.recoveredMessage, orphan.id, "no session listed this message; it was put into \"Recovered messages\"")
            }
            report.messagesRecovered = orphans.count
            sessions.append(recovered)
            orphans = []
        }
        for orphan in orphans {
            note(.orphanMessage, orphan.id, "no session lists this message; left out (--recover-orphans keeps it)")
        }

        let owner = try connection.cachedStatement("SELECT workspace_id FROM sessions WHERE id = ?1")
        let messageOwner = try connection.cachedStatement("SELECT workspace_id FROM messages WHERE id = ?1")
        var imported: [Session] = []
        for var session in sessions {
            switch try owner.first([.text(session.id)], { $0.string(0) }) {
            case workspaceId?:
                report.sessionsAlreadyPresent += 1
                continue
            case let other?:
                note(.sessionInOtherWorkspace, session.id, "the session already belongs to workspace \(other); skipped")
                report.sessionsSkipped += 1
                continue
            case nil:
                break
            }
            var order: [String] = []
            var seen: Set<String> = []
            for messageId in session.messageIds {
                guard messages[messageId] != nil else {
                    note(.danglingMessageId, messageId, "session \(session.id) lists a message that does not exist; dropped")
                    continue
                }
                guard seen.insert(messageId).inserted else {
                    note(.duplicateMessageId, messageId, "session \(session.id) lists this message twice; kept the first")
                    continue
                }
                if let other = try messageOwner.first([.text(messageId)], { $0.string(0) }), other != workspaceId {
                    note(.messageInOtherWorkspace, messageId, "the message already belongs to workspace \(other); left out of session \(session.id)")
                    continue
                }
                order.append(messageId)
            }
            session.messageIds = order
            imported.append(session)
        }

        for session in imported {
            var rootFirst = session
            rootFirst.parentId = nil
            try SessionRepository.insert(rootFirst, connection)
            try ChangeLog.record(
                .sessionCreated, workspaceId: workspaceId, sessionId: session.id, at: now, retention: retention, connection)
            report.sessionsImported += 1
        }
        // A body an earlier run imported into this workspace is kept as it is.
        let insertMessage = try connection.cachedStatement(StoredRows.insertMessage + " ON CONFLICT (id) DO NOTHING")
        let link = try connection.cachedStatement("INSERT INTO session_links (session_id, position, message_id) VALUES (?1, ?2, ?3)")
        for session in imported {
            for (offset, messageId) in session.messageIds.enumerated() {
                if let message = messages[messageId] {
                    try insertMessage.execute(message.arguments)
                    report.messagesImported += connection.changes
                }
                try link.execute([.text(session.id), .integer(Int64(offset + 1)), .text(messageId)])
            }
        }
        for session in imported {
            guard let parentId = session.parentId else { continue }
            let parentWorkspace = parentId == session.id ? nil : try owner.first([.text(parentId)], { $0.string(0) })
            guard parentWorkspace == workspaceId else {
                note(.missingParent, session.id, "parent \(parentId) does not exist in the workspace; cleared")
                continue
            }
            try connection.execute("UPDATE sessions SET parent_id = ?2 WHERE id = ?1", [.text(session.id), .text(parentId)])
        }
        return report
    }

    /// A message fit to import, with the values its row will hold.
    private struct ValidMessage {
        let message: SessionMessage
        let arguments: [SQLiteValue]
    }

    private func validMessages(note: (ImportAnomaly.Kind, String?, String) -> Void) -> [String: ValidMessage] {
        var valid: [String: ValidMessage] = [:]
        for (key, entry) in content.messages.sorted(by: { $0.key < $1.key }) {
            switch entry {
            case .invalid(let reason):
                note(.invalidEntry, key, "message skipped: \(reason)")
            case .valid(let message):
                if message.id != key {
                    note(.keyMismatch, key, "message stored under \(key) has id \(message.id); used \(message.id)")
                }
                do {
                    try limits.checkIdentifier(message.id, "message id")
                    try limits.checkIdentifier(message.sessionId, "message sessionId")
                    let arguments = try StoredRows.insertArguments(message, workspaceId: workspaceId, limits: limits)
                    valid[message.id] = ValidMessage(message: message, arguments: arguments)
                } catch {
                    note(.invalidEntry, message.id, "message skipped: \(error)")
                }
            }
        }
        return valid
    }

    /// The sessions fit to import, and how many were not.
    private func validSessions(note: (ImportAnomaly.Kind, String?, String) -> Void) -> ([Session], Int) {
        var valid: [Session] = []
        var ids: Set<String> = []
        var skipped = 0
        for (key, entry) in content.sessions.sorted(by: { $0.key < $1.key }) {
            switch entry {
            case .invalid(let reason):
                note(.invalidEntry, key, "session skipped: \(reason)")
                skipped += 1
            case .valid(var session):
                if session.id != key {
                    note(.keyMismatch, key, "session stored under \(key) has id \(session.id); used \(session.id)")
                }
                guard ids.insert(session.id).inserted else {
                    note(.invalidEntry, key, "a second session with id \(session.id); skipped")
                    skipped += 1
                    continue
                }
                if session.workspaceId != workspaceId {
                    note(.workspaceMismatch, session.id, "the file says workspace \(session.workspaceId); imported into \(workspaceId), the folder's name")
                    session.workspaceId = workspaceId
                }
                do {
                    try limits.checkIdentifier(session.id, "session id")
                    try StoredRows.checkSession(session, limits: limits)
                    valid.append(session)
                } catch {
                    note(.invalidEntry, session.id, "session skipped: \(error)")
                    skipped += 1
                }
            }
        }
        return (valid, skipped)
    }
}
