import SessionStoreSQLite

/// What a message stream's caller and its flusher share: the text appended and not yet written, who waits for
/// it to be written, and how the flusher sleeps. The caller's side only takes the lock, so appending costs a
/// string append and never a thread hop.
final class StreamBuffer: Sendable {
    /// Text taken from the buffer to be written as one chunk, with the callers of `flush()` who wait for it.
    struct Chunk: Sendable {
        var text: String
        var waiters: [CheckedContinuation<Void, any Error>]
    }

    /// What the flusher is to do next.
    enum Work: Sendable {
        case write(Chunk)
        case sleep(until: ContinuousClock.Instant?)
        case stop(abandoned: Bool)
    }

    /// Why appending stopped.
    enum Ending: Sendable {
        /// `finish` or `cancel` writes the rest itself.
        case closed
        /// Their write failed and put the rest back: they may be called again.
        case closeFailed
        /// The handle was released: the flusher writes the rest.
        case abandoned
    }

    private struct State {
        var text = ""
        var byteCount = 0
        /// When the oldest text still waiting was appended.
        var since: ContinuousClock.Instant?
        /// The content's size with everything appended, against the message limit.
        var contentBytes: Int
        var waiters: [CheckedContinuation<Void, any Error>] = []
        var writing = false
        var failure: (any Error)?
        var ending: Ending?
        var sleeper: CheckedContinuation<Void, Never>?
        var woken = false
    }

    private let state: Locked<State>
    private let options: MessageStream.Options
    private let messageBytes: Int

    init(contentBytes: Int, options: MessageStream.Options, messageBytes: Int) {
        state = Locked(State(contentBytes: contentBytes))
        self.options = options
        self.messageBytes = messageBytes
    }

    /// Adds `text` to what waits to be written.
    ///
    /// - Throws: ``SessionStoreError/streamEnded(messageId:)`` once the stream is finished, the error of a write
    ///   that failed, or ``SessionStoreError/valueTooLarge(field:byteCount:limit:)`` when the content would pass
    ///   the message limit; the text is not added then.
    func append(_ text: String, messageId: String) throws {
        let byteCount = text.utf8.count
        let wakeFlusher = try state.withLock { state throws -> Bool in
            if state.ending != nil { throw SessionStoreError.streamEnded(messageId: messageId) }
            if let failure = state.failure { throw failure }
            if text.isEmpty { return false }
            guard state.contentBytes + byteCount <= messageBytes else {
                throw SessionStoreError.valueTooLarge(field: "message", byteCount: state.contentBytes + byteCount, limit: messageBytes)
            }
            let wasEmpty = state.text.isEmpty
            state.text += text
            state.byteCount += byteCount
            state.contentBytes += byteCount
            if wasEmpty { state.since = .now }
            // The flusher sleeps without a deadline while nothing waits, and until the deadline after that.
            return wasEmpty || (state.byteCount >= options.flushBytes && state.byteCount - byteCount < options.flushBytes)
        }
        if wakeFlusher { wake() }
    }

    /// Waits until everything appended before the call is written; at once when nothing is waiting.
    func flush() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome = state.withLock { state -> Result<Bool, any Error> in
                if let failure = state.failure { return .failure(failure) }
                guard !state.text.isEmpty || state.writing else { return .success(true) }
                state.waiters.append(continuation)
                return .success(false)
            }
            switch outcome {
            case .success(true): continuation.resume()
            case .success(false): wake()
            case .failure(let error): continuation.resume(throwing: error)
            }
        }
    }

    /// What the flusher is to do now: write a chunk when one is due, answer waiters when nothing is left.
    func next() -> Work {
        let (work, answered) = state.withLock { state -> (Work, [CheckedContinuation<Void, any Error>]) in
            if let ending = state.ending { return (.stop(abandoned: ending == .abandoned), []) }
            if state.failure != nil { return (.sleep(until: nil), []) }
            if state.text.isEmpty {
                defer { state.waiters = [] }
                return (.sleep(until: nil), state.waiters)
            }
            let deadline = state.since.map { $0 + options.flushInterval }
            guard state.byteCount >= options.flushBytes || !state.waiters.isEmpty || deadline.map({ $0 <= .now }) ?? true else {
                return (.sleep(until: deadline), [])
            }
            defer { (state.text, state.byteCount, state.since, state.waiters, state.writing) = ("", 0, nil, [], true) }
            return (.write(Chunk(text: state.text, waiters: state.waiters)), [])
        }
        for waiter in answered { waiter.resume() }
        return work
    }

    /// Records that `chunk` is stored, and answers those who waited for it.
    func written(_ chunk: Chunk) {
        state.withLock { $0.writing = false }
        for waiter in chunk.waiters { waiter.resume() }
    }

    /// Puts `chunk` back in front of what was appended since, and fails the stream with `error`.
    func failed(_ chunk: Chunk, _ error: any Error) {
        state.withLock { state in
            state.text = chunk.text + state.text
            state.byteCount += chunk.text.utf8.count
            state.writing = false
            state.failure = error
        }
        for waiter in chunk.waiters { waiter.resume(throwing: error) }
    }

    /// Stops appends for good and wakes the flusher, which stops; false when the stream had ended already
    /// (unless its last write failed).
    func end(_ ending: Ending) -> Bool {
        let first = state.withLock { state in
            guard state.ending == nil || state.ending == .closeFailed else { return false }
            state.ending = ending
            return true
        }
        if first { wake() }
        return first
    }

    /// Puts back the rest that the last write failed to store, so that `finish` or `cancel` may try again.
    func restore(_ rest: Chunk) {
        state.withLock { state in
            state.text = rest.text + state.text
            state.byteCount += rest.text.utf8.count
            state.ending = .closeFailed
        }
    }

    /// Everything not written yet, for the last write, with everyone waiting for it; call after the flusher stopped.
    func rest() -> Chunk {
        state.withLock { state in
            defer { (state.text, state.byteCount, state.waiters) = ("", 0, []) }
            return Chunk(text: state.text, waiters: state.waiters)
        }
    }

    /// Waits until woken by an append or an ending, or until `deadline`.
    func sleep(until deadline: ContinuousClock.Instant?) async {
        let alarm = deadline.map { deadline in
            Task { [weak self] in
                try? await Task.sleep(until: deadline, clock: .continuous)
                self?.wake()
            }
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let awake = state.withLock { state in
                defer { state.woken = false }
                if !state.woken { state.sleeper = continuation }
                return state.woken
            }
            if awake { continuation.resume() }
        }
        alarm?.cancel()
    }

    private func wake() {
        let sleeper = state.withLock { state in
            defer { state.sleeper = nil }
            if state.sleeper == nil { state.woken = true }
            return state.sleeper
        }
        sleeper?.resume()
    }
}
