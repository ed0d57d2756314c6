import Foundation
import SessionStore
import SessionStoreSQLite

/// What streaming a reply writes: a message stream, per-token `updateMessage` and the JSON store's strategy on
/// the same reply; what a flush costs into a large message; what `append` costs its caller.
extension Scenarios {
    func messageStreams() async throws -> [ResultRow] {
        let reply = StreamedReply(byteCount: 64 << 10, tokens: 4_000)
        var rows: [ResultRow] = []
        // From a fast model's pace, where the 4 KiB flushes come first, to a slow one's, where the 50 ms do.
        for tokensPerSecond in [20_000, 2_000, 200] {
            let (bytes, writes) = try await streamedWALBytes(reply, tokensPerSecond: tokensPerSecond)
            var row = ResultRow(
                scenario: "message stream, 64 KiB reply in 4,000 tokens at \(tokensPerSecond) tokens/s, 50 ms / 4 KiB flushes: "
                    + "bytes written to the WAL")
            row.note = StreamedReply.describe(bytes, reply) + ", \(writes) writes"
            rows.append(row)
        }
        var perToken = ResultRow(scenario: "per-token updateMessage, the same reply: bytes written to the WAL")
        perToken.note = StreamedReply.describe(try await perTokenWALBytes(reply), reply) + ", 4000 writes"
        rows.append(perToken)
        var json = ResultRow(scenario: "the JSON store's strategy, the same reply alone in its workspace: bytes written")
        json.note = StreamedReply.describe(try await jsonStrategyBytes(reply), reply) + ", 4000 writes"
        rows.append(json)
        rows += try await flushIntoLargeMessage()
        rows.append(try await appendCost(reply))
        return rows
    }

    /// A repository whose log is never checkpointed, so that its size counts every frame written.
    private func uncheckpointed(_ name: String) async throws -> (SessionRepository, String, String) {
        let path = scratch.file(name)
        var configuration = Configuration()
        configuration.checkpointPolicy = CheckpointPolicy(passivePages: .max, truncatePages: .max)
        let repository = try await SessionRepository(path: path, configuration: configuration)
        let session = try await repository.createSession(workspaceId: Workload.workspace)
        return (repository, path + "-wal", session.id)
    }

    private func streamedWALBytes(_ reply: StreamedReply, tokensPerSecond: Int) async throws -> (Int, Int) {
        let (repository, wal, session) = try await uncheckpointed("stream-wal.sqlite")
        let firstChange = try await repository.latestChangeSequence(workspaceId: Workload.workspace)
        let before = StreamedReply.fileSize(wal)
        let stream = try await repository.openMessageStream(workspaceId: Workload.workspace, sessionId: session)
        // Tokens come in bursts of 1 ms, as a sleep's resolution allows.
        let burst = max(tokensPerSecond / 1000, 1)
        let clock = ContinuousClock()
        let start = clock.now
        for (index, token) in reply.tokens.enumerated() {
            try stream.append(token)
            if index % burst == burst - 1 {
                try await Task.sleep(until: start + .seconds(Double(index + 1) / Double(tokensPerSecond)), clock: clock)
            }
        }
        let finished = try await stream.finish()
        precondition(finished.content == reply.text, "the stream stored another text")
        let bytes = StreamedReply.fileSize(wal) - before
        // Open, then one change per write, the finish's included.
        let writes = Int(try await repository.latestChangeSequence(workspaceId: Workload.workspace) - firstChange) - 1
        await repository.close()
        return (bytes, writes)
    }

    private func perTokenWALBytes(_ reply: StreamedReply) async throws -> Int {
        let (repository, wal, session) = try await uncheckpointed("per-token-wal.sqlite")
        let message = try await repository.addMessage(
            workspaceId: Workload.workspace, sessionId: session, message: NewMessage(role: .assistant, content: ""))
        let before = StreamedReply.fileSize(wal)
        for token in reply.tokens {
            _ = try await repository.updateMessage(workspaceId: Workload.workspace, messageId: message.id) { $0.content! += token }
        }
        let bytes = StreamedReply.fileSize(wal) - before
        await repository.close()
        return bytes
    }

    private func jsonStrategyBytes(_ reply: StreamedReply) async throws -> Int {
        let now: Int64 = 1_795_571_111_000
        let message = SessionMessage(
            id: "reply", sessionId: "target", role: .assistant, content: "", createdAt: now, updatedAt: now, status: .streaming)
        let session = Session(id: "target", workspaceId: Workload.workspace, title: nil, parentId: nil, createdAt: now, updatedAt: now, messageIds: ["reply"])
        let store = try JSONStrategyStore(
            path: scratch.file("stream.json"), workspace: LegacyWorkspace(sessions: ["target": session], messages: ["reply": message]))
        var content = ""
        var bytes = 0
        for token in reply.tokens {
            content += token
            try await store.appendToMessage("reply", content: content)
            bytes += StreamedReply.fileSize(store.file.path)
        }
        return bytes
    }

    /// A 4 KiB flush into a message that already holds 1 MiB, against one into an empty message: time and bytes.
    private func flushIntoLargeMessage() async throws -> [ResultRow] {
        let (repository, wal, session) = try await uncheckpointed("flush-size.sqlite")
        let piece = String(repeating: "0123456789abcdef", count: 256)
        let rounds = size(50)
        var rows: [ResultRow] = []
        for (label, initial) in [("an empty message", ""), ("a message of 1 MiB", String(repeating: piece, count: 256))] {
            var times: [Double] = []
            var bytes = 0
            for _ in 0..<rounds {
                let stream = try await repository.openMessageStream(
                    workspaceId: Workload.workspace, sessionId: session, message: NewMessage(role: .assistant, content: initial),
                    options: MessageStream.Options(flushInterval: .seconds(3600), flushBytes: 1 << 30))
                try stream.append(piece)
                let before = StreamedReply.fileSize(wal)
                let start = ContinuousClock.now
                try await stream.flush()
                times.append(Harness.seconds(ContinuousClock.now - start))
                bytes += StreamedReply.fileSize(wal) - before
                try await stream.finish()
            }
            var row = ResultRow(scenario: "message stream, one 4 KiB flush into \(label)")
            row.ours = times.sorted()[times.count / 2]
            row.note = "\(bytes / rounds) bytes to the WAL per flush (median time of \(rounds))"
            rows.append(row)
        }
        await repository.close()
        return rows
    }

    /// The caller's cost of `append`: a string append under a lock, with the flusher's wake-ups it triggers.
    private func appendCost(_ reply: StreamedReply) async throws -> ResultRow {
        let (repository, _, session) = try await uncheckpointed("append-cost.sqlite")
        var samples: [Double] = []
        for _ in 0..<size(20) {
            let stream = try await repository.openMessageStream(workspaceId: Workload.workspace, sessionId: session)
            let start = ContinuousClock.now
            for token in reply.tokens {
                try stream.append(token)
            }
            samples.append(Harness.seconds(ContinuousClock.now - start) / Double(reply.tokens.count))
            try await stream.finish()
        }
        await repository.close()
        var row = ResultRow(scenario: "message stream, append of one token on the caller's task (4,000 in a row)")
        row.ours = samples.sorted()[samples.count / 2]
        return row
    }
}

/// A reply of about `byteCount` bytes cut into `tokens` pieces, as a model sends one.
struct StreamedReply {
    let tokens: [String]
    var text: String { tokens.joined() }
    var byteCount: Int { text.utf8.count }

    init(byteCount: Int, tokens count: Int) {
        let words = ["the ", "session ", "store ", "keeps ", "each ", "reply ", "as ", "it ", "streams, ", "token ", "by ", "token. "]
        var text = ""
        var index = 0
        while text.utf8.count < byteCount {
            text += words[index % words.count]
            index += 1
        }
        let bytes = Array(text.utf8.prefix(byteCount))
        let size = bytes.count / count
        tokens = (0..<count).map { index in
            let end = index == count - 1 ? bytes.count : (index + 1) * size
            return String(decoding: bytes[(index * size)..<end], as: UTF8.self)
        }
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    static func describe(_ bytes: Int, _ reply: StreamedReply) -> String {
        String(format: "%.2f MiB, %.1fx the reply", Double(bytes) / Double(1 << 20), Double(bytes) / Double(reply.byteCount))
    }
}
