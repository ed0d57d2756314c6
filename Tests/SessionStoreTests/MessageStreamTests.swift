import Foundation
import SessionStoreSQLite
import Testing
import TestSupport

@testable import SessionStore

/// Streaming a reply into a message: what readers see while it streams, what its end leaves, and what it refuses.
@Suite struct MessageStreamTests {
    let workspace = "ws-1"
    let directory: TemporaryDirectory
    let path: String
    let repository: SessionRepository
    /// Writes only when told to: the tests choose the flush points.
    let byHand = MessageStream.Options(flushInterval: .seconds(3600), flushBytes: 1 << 30)

    init() async throws {
        directory = try TemporaryDirectory()
        path = directory.file("db.sqlite")
        repository = try await SessionRepository(path: path, configuration: Fixtures.configuration())
    }

    func content(of messageId: String, in session: Session) async throws -> String? {
        try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id).first { $0.id == messageId }?.content
    }

    /// The shell's view of the message, through a connection of its own.
    func conversationContent(of messageId: String) throws -> String? {
        let connection = try Connection(location: .file(path), options: ConnectionOptions(access: .readOnly))
        return try connection.prepare("SELECT content FROM conversation WHERE message_id = ?1").first([.text(messageId)]) {
            $0.optionalString(0)
        } ?? nil
    }

    @Test func fourThousandAppendsSplitAnywhereComeBackExactly() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let stream = try await repository.openMessageStream(workspaceId: workspace, sessionId: session.id, options: byHand)
        // ASCII, two- and three-byte characters, four-byte emoji, and flags whose two halves arrive apart.
        let alphabet: [String] = ["a", "Z", " ", "\n", "é", "ß", "€", "語", "😀", "🧠", "\u{1F1EB}", "\u{1F1F7}", "e\u{301}"]
        var random = SplitMix64(seed: 18)
        var expected = ""
        var flushes = 0
        for index in 0..<4000 {
            var token = ""
            let target = Int(random.next() % 20) + 1
            while token.utf8.count < target {
                token += alphabet[Int(random.next() % UInt64(alphabet.count))]
            }
            try stream.append(token)
            expected += token
            if random.next() % 100 == 0 || index == 2000 {
                try await stream.flush()
                flushes += 1
                #expect(Array(try await content(of: stream.message.id, in: session)?.utf8 ?? "".utf8) == Array(expected.utf8))
            }
        }
        #expect(flushes > 20)
        #expect(try Fixtures.count("message_chunks", in: path) == Int64(flushes))
        let finished = try await stream.finish()
        #expect(Array(finished.content?.utf8 ?? "".utf8) == Array(expected.utf8))
        #expect(Array(try await content(of: stream.message.id, in: session)?.utf8 ?? "".utf8) == Array(expected.utf8))
        #expect(Array(try conversationContent(of: stream.message.id)?.utf8 ?? "".utf8) == Array(expected.utf8))
        #expect(try Fixtures.count("message_chunks", in: path) == 0)
        #expect(try await repository.check().isEmpty)
    }

    @Test func readersSeeWhatWasFlushedAndTheEndMakesTheMessageWhole() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let stream = try await repository.openMessageStream(
            workspaceId: workspace, sessionId: session.id, message: NewMessage(role: .assistant, content: "Let me look. "),
            options: byHand)
        #expect(stream.message.status == .streaming)
        try stream.append("The cookie exp")
        #expect(try await content(of: stream.message.id, in: session) == "Let me look. ", "appends stay in memory")
        try await stream.flush()
        try stream.append("ired at midnight")
        try await stream.flush()
        try stream.append(" unflushed")

        let shown = "Let me look. The cookie expired at midnight"
        #expect(try await content(of: stream.message.id, in: session) == shown)
        #expect(try conversationContent(of: stream.message.id) == shown)
        let page = try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id, page: .last(10))
        #expect(page.items.map(\.content) == [shown])
        #expect(page.items.map(\.status) == [.streaming])
        // Search reads the text written so far: a word cut between two writes is found whole, words of two writes
        // together.
        for query in ["cookie", "expired", "midnight", "look", "look midnight", "cookie expi"] {
            let hits = try await repository.searchMessages(workspaceId: workspace, query: query).items
            #expect(hits.map(\.messageId) == [stream.message.id], "\(query)")
        }
        let hit = try #require(try await repository.searchMessages(workspaceId: workspace, query: "expired").items.first)
        #expect(hit.snippet.contains("**expired**"))
        #expect(try await repository.searchMessages(workspaceId: workspace, query: "unflushed").items.isEmpty)

        let usage = Usage(inputTokens: 10, outputTokens: 7, reasoningTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, cost: 0.01)
        let finished = try await stream.finish(
            status: .completed, parts: [MessagePart(type: .text, content: "done")], usage: usage)
        #expect(finished.content == shown + " unflushed")
        #expect(finished.status == .completed)
        #expect(finished.parts == [MessagePart(type: .text, content: "done")])
        #expect(finished.usage == usage)
        #expect(try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id) == [finished])
        #expect(try await repository.searchMessages(workspaceId: workspace, query: "unflushed expired").items.map(\.messageId)
            == [stream.message.id])
        #expect(try Fixtures.count("message_chunks", in: path) == 0)
        #expect(try Fixtures.count("messages", in: path, where: "chunked = 1") == 0)
        #expect(try await repository.check().isEmpty)
    }

    @Test func aStreamingReplyIsFoundOnlyInItsWorkspaceAndNotFromTheTrash() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let other = try await repository.createSession(workspaceId: "ws-2")
        let stream = try await repository.openMessageStream(workspaceId: workspace, sessionId: session.id, options: byHand)
        let elsewhere = try await repository.openMessageStream(workspaceId: "ws-2", sessionId: other.id, options: byHand)
        try stream.append("kaleidoscope")
        try elsewhere.append("kaleidoscope")
        try await stream.flush()
        try await elsewhere.flush()
        let finished = try await repository.addMessage(
            workspaceId: workspace, sessionId: session.id, message: Fixtures.text(.user, "kaleidoscope again"))
        let hits = try await repository.searchMessages(workspaceId: workspace, query: "kaleidoscope").items.map(\.messageId)
        #expect(hits == [stream.message.id, finished.id], "the streaming reply first, each once")
        #expect(try await repository.searchMessages(workspaceId: "ws-2", query: "kaleid").items.map(\.messageId) == [elsewhere.message.id])
        #expect(try await repository.trashSession(workspaceId: workspace, sessionId: session.id))
        #expect(try await repository.searchMessages(workspaceId: workspace, query: "kaleidoscope").items.isEmpty)
    }

    @Test func reopeningAStreamUnderTheIdOfAFinishedMessageIsRefused() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let stream = try await repository.openMessageStream(
            workspaceId: workspace, sessionId: session.id, message: NewMessage(id: "reply-1", role: .assistant), options: byHand)
        let again = try await repository.openMessageStream(
            workspaceId: workspace, sessionId: session.id, message: NewMessage(id: "reply-1", role: .assistant), options: byHand)
        #expect(again.message == stream.message, "a retried open finds the stream's message")
        try await stream.finish()
        await #expect(throws: SessionStoreError.messageIdConflict(messageId: "reply-1")) {
            try await repository.openMessageStream(
                workspaceId: self.workspace, sessionId: session.id, message: NewMessage(id: "reply-1", role: .assistant))
        }
    }

    @Test func writesComeEverySizeOrIntervalAndTheFeedReportsEachWriteNotEachToken() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let before = try await repository.latestChangeSequence(workspaceId: workspace)
        let bySize = try await repository.openMessageStream(
            workspaceId: workspace, sessionId: session.id, options: MessageStream.Options(flushInterval: .seconds(3600), flushBytes: 100))
        for index in 0..<1000 {
            try bySize.append("0123456789")
            // A model's tokens come apart in time: the flusher runs between them.
            if index % 20 == 19 { try await Task.sleep(for: .milliseconds(2)) }
        }
        try await bySize.flush()
        let connection = try Connection(location: .file(path), options: ConnectionOptions(access: .readOnly))
        let sizes = try connection.prepare("SELECT length(text) FROM message_chunks ORDER BY sequence").map { $0.int64(0) }
        let chunks = Int64(sizes.count)
        #expect(chunks >= 2, "written as it came, not all at the end")
        #expect(sizes.dropLast().allSatisfy { $0 >= 100 }, "no write before 100 bytes wait, but the one flush() asked for")
        #expect(sizes.reduce(0, +) == 10_000)
        let changes = try await repository.latestChangeSequence(workspaceId: workspace) - before
        #expect(changes == chunks + 1, "messageAdded, then one messageUpdated per write")
        try await bySize.finish()

        let byTime = try await repository.openMessageStream(
            workspaceId: workspace, sessionId: session.id, options: MessageStream.Options(flushInterval: .milliseconds(20), flushBytes: 1 << 30))
        try byTime.append("soon written")
        let deadline = ContinuousClock.now + .seconds(30)
        while try await content(of: byTime.message.id, in: session) == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(try await content(of: byTime.message.id, in: session) == "soon written")
        try await byTime.finish()
    }

    @Test func cancelAndReleaseLeaveStatusErrorWithWhatWasAppended() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let cancelled = try await repository.openMessageStream(workspaceId: workspace, sessionId: session.id, options: byHand)
        try cancelled.append("half a repl")
        let ended = try await cancelled.cancel()
        #expect(ended.content == "half a repl")
        #expect(ended.status == .error)

        var released: MessageStream? = try await repository.openMessageStream(workspaceId: workspace, sessionId: session.id, options: byHand)
        let releasedId = try #require(released?.message.id)
        try released?.append("left behind")
        released = nil
        let deadline = ContinuousClock.now + .seconds(30)
        var message: SessionMessage?
        repeat {
            try await Task.sleep(for: .milliseconds(5))
            message = try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id).first { $0.id == releasedId }
        } while message?.status == .streaming && ContinuousClock.now < deadline
        #expect(message?.content == "left behind")
        #expect(message?.status == .error)
        #expect(try await repository.check().isEmpty)
    }

    @Test func anEndedStreamRefusesMoreAndChangesNothing() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let stream = try await repository.openMessageStream(workspaceId: workspace, sessionId: session.id, options: byHand)
        try stream.append("all")
        let finished = try await stream.finish()
        #expect(throws: SessionStoreError.streamEnded(messageId: stream.message.id)) { try stream.append(" more") }
        await #expect(throws: SessionStoreError.streamEnded(messageId: stream.message.id)) { try await stream.finish() }
        await #expect(throws: SessionStoreError.streamEnded(messageId: stream.message.id)) { try await stream.cancel() }
        #expect(try await repository.getSessionMessages(workspaceId: workspace, sessionId: session.id) == [finished])
    }

    @Test func anAppendPastTheMessageLimitIsRefusedAndTheRestKept() async throws {
        let small = try await SessionRepository(
            path: directory.file("small.sqlite"), configuration: Configuration(limits: Limits(messageBytes: 100)))
        let session = try await small.createSession(workspaceId: workspace)
        let stream = try await small.openMessageStream(
            workspaceId: workspace, sessionId: session.id, message: NewMessage(role: .assistant, content: String(repeating: "p", count: 40)),
            options: byHand)
        try stream.append(String(repeating: "a", count: 60))
        #expect(throws: SessionStoreError.valueTooLarge(field: "message", byteCount: 101, limit: 100)) { try stream.append("b") }
        // Parts that would take the message over the limit fail the finish, which keeps the text for another try.
        await #expect(throws: SessionStoreError.self) {
            try await stream.finish(parts: [MessagePart(type: .text, content: String(repeating: "x", count: 50))])
        }
        #expect(throws: SessionStoreError.streamEnded(messageId: stream.message.id)) { try stream.append("c") }
        let finished = try await stream.finish()
        #expect(finished.content == String(repeating: "p", count: 40) + String(repeating: "a", count: 60))
        #expect(finished.status == .completed)
        await small.close()
    }

    @Test func aStreamIntoADeletedSessionFailsWithMessageNotFound() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let stream = try await repository.openMessageStream(workspaceId: workspace, sessionId: session.id, options: byHand)
        try stream.append("first")
        try await stream.flush()
        #expect(try await repository.deleteSession(workspaceId: workspace, sessionId: session.id))
        try stream.append(" second")
        let gone = SessionStoreError.messageNotFound(workspaceId: workspace, messageId: stream.message.id)
        await #expect(throws: gone) { try await stream.flush() }
        #expect(throws: gone) { try stream.append(" third") }
        await #expect(throws: gone) { try await stream.finish() }
        #expect(try Fixtures.count("message_chunks", in: path) == 0)
        #expect(try Fixtures.count("messages", in: path) == 0)
    }

    @Test func updateMessageWhileStreamingSeesTheFlushedTextAndLaterWritesFollowIt() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let stream = try await repository.openMessageStream(workspaceId: workspace, sessionId: session.id, options: byHand)
        try stream.append("one ")
        try await stream.flush()
        let updated = try await repository.updateMessage(workspaceId: workspace, messageId: stream.message.id) {
            $0.content = ($0.content ?? "") + "[edited] "
        }
        #expect(updated?.content == "one [edited] ")
        #expect(try Fixtures.count("message_chunks", in: path) == 0)
        try stream.append("two")
        try await stream.flush()
        #expect(try await content(of: stream.message.id, in: session) == "one [edited] two")
        #expect(try await stream.finish().content == "one [edited] two")
        #expect(try await repository.check().isEmpty)
    }

    @Test func aForkShowsTheStreamingReplyAsTheOriginalDoes() async throws {
        let session = try await repository.createSession(workspaceId: workspace)
        let stream = try await repository.openMessageStream(workspaceId: workspace, sessionId: session.id, options: byHand)
        try stream.append("shared so far")
        try await stream.flush()
        let fork = try await repository.forkSession(workspaceId: workspace, sessionId: session.id)
        #expect(try await content(of: stream.message.id, in: fork) == "shared so far")
        try stream.append(", and after")
        try await stream.finish()
        #expect(try await content(of: stream.message.id, in: fork) == "shared so far, and after")
    }

    @Test func aStreamOnTheWritersExecutorLetsOtherWritesThroughBetweenItsFlushes() async throws {
        let streamed = try await repository.createSession(workspaceId: workspace)
        let other = try await repository.createSession(workspaceId: workspace)
        let repository = self.repository
        let workspace = self.workspace
        let stream = try await repository.openMessageStream(
            workspaceId: workspace, sessionId: streamed.id, options: MessageStream.Options(flushInterval: .milliseconds(10)))
        let streaming = Task {
            try await repository.withWriterExecutor {
                for token in 0..<400 {
                    try stream.append("t\(token) ")
                    if token % 40 == 39 { try await stream.flush() }
                    try await Task.sleep(for: .milliseconds(1))
                }
                return try await stream.finish()
            }
        }
        for index in 0..<20 {
            _ = try await repository.addMessage(workspaceId: workspace, sessionId: other.id, message: Fixtures.text(.user, "o\(index)"))
        }
        let othersDone = try await repository.getSessionMessages(workspaceId: workspace, sessionId: streamed.id).first?.status
        #expect(othersDone == .streaming, "twenty writes of another session went through while the stream was still open")
        let finished = try await streaming.value
        #expect(finished.content == (0..<400).map { "t\($0) " }.joined())
    }

    @Test func twoStreamsAndEightWritersAtOnceKeepEveryTextInItsPlace() async throws {
        let sessions = [
            try await repository.createSession(workspaceId: workspace), try await repository.createSession(workspaceId: workspace),
        ]
        let options = MessageStream.Options(flushInterval: .milliseconds(5), flushBytes: 256)
        let streams = [
            try await repository.openMessageStream(workspaceId: workspace, sessionId: sessions[0].id, options: options),
            try await repository.openMessageStream(workspaceId: workspace, sessionId: sessions[1].id, options: options),
        ]
        let repository = self.repository
        let workspace = self.workspace
        let expected = try await withThrowingTaskGroup(of: String?.self) { group in
            for (index, stream) in streams.enumerated() {
                group.addTask {
                    var text = ""
                    for token in 0..<2000 {
                        let piece = "s\(index)t\(token) "
                        try stream.append(piece)
                        text += piece
                        if token % 100 == 0 { await Task.yield() }
                    }
                    try await stream.finish()
                    return text
                }
            }
            for writer in 0..<8 {
                group.addTask {
                    for index in 0..<25 {
                        _ = try await repository.addMessage(
                            workspaceId: workspace, sessionId: sessions[writer % 2].id, message: Fixtures.text(.user, "w\(writer)-\(index)"))
                    }
                    return nil
                }
            }
            var texts: [String] = []
            for try await text in group {
                if let text { texts.append(text) }
            }
            return texts
        }
        for (index, stream) in streams.enumerated() {
            let messages = try await repository.getSessionMessages(workspaceId: workspace, sessionId: sessions[index].id)
            let reply = try #require(messages.first { $0.id == stream.message.id })
            #expect(expected.contains(reply.content ?? ""))
            #expect(reply.content?.hasPrefix("s\(index)t0 s\(index)t1 ") == true)
            #expect(reply.status == .completed)
            #expect(messages.count == 1 + 4 * 25)
        }
        #expect(try await repository.check().isEmpty)
    }
}
