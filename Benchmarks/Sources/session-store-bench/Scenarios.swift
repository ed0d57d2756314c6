import Foundation
import SessionStoreSQLite
import SessionStore

/// Every scenario of the benchmark, each measured on fresh copies of the same seeded database.
struct Scenarios {
    let scratch: Scratch
    /// Multiplies every size: 1 is the full run, 0.1 a quick one.
    let scale: Double
    /// Which run of several this is (from 0): each run starts the rounds from another order of the implementations.
    let run: Int

    func size(_ full: Int) -> Int {
        max(10, Int(Double(full) * scale))
    }

    /// Opens the four implementations on copies of `template`; the JSON store on `legacy` when given; SessionStore
    /// called from where `caller` says.
    func stores(
        _ template: String, legacy: LegacyWorkspace?, synchronous: ConnectionOptions.Synchronous = .normal,
        caller: Caller = .anyTask, cParsesParts: Bool = false
    ) async throws -> [(String, any BenchmarkedStore)] {
        let oursPath = try scratch.copy(of: template, as: "ours.sqlite")
        let cPath = try scratch.copy(of: template, as: "c.sqlite")
        var stores: [(String, any BenchmarkedStore)] = [
            ("ours", try await OursStore(path: oursPath, synchronous: synchronous, caller: caller)),
            ("c", try RawCStore(path: cPath, synchronous: synchronous, parsesParts: cParsesParts)),
            ("grdb", try GRDBStore(path: try scratch.copy(of: template, as: "grdb.sqlite"), synchronous: synchronous)),
        ]
        if let legacy {
            stores.append(("json", try JSONStrategyStore(path: scratch.file("sessions.json"), workspace: legacy)))
        }
        // The copies are written: flush them now rather than during the first timed calls.
        sync()
        return stores
    }

    /// Measures `body` on every store and fills a row with the median call; `prepare`, untimed, runs before each
    /// call. The stores take turns, `callsInARow` calls each, so that what the machine is doing meanwhile (writeback
    /// of earlier files, other processes) weighs on all of them alike.
    func row(
        _ scenario: String, _ stores: [(String, any BenchmarkedStore)], iterations: (String) -> Int, rows: Int? = nil,
        warmups: Int = 2, callsInARow: Int = 1, reportsTails: Bool = false,
        prepare: (any BenchmarkedStore) async throws -> Void = { _ in },
        _ body: @escaping (any BenchmarkedStore, Int) async throws -> Void
    ) async throws -> ResultRow {
        for (_, store) in stores {
            for warmup in 0..<warmups {
                try await prepare(store)
                try await body(store, -1 - warmup)
            }
        }
        var samples = Array(repeating: [Double](), count: stores.count)
        let counts = stores.map { iterations($0.0) }
        // The JSON store rewrites megabytes per call; the writeback it leaves would land on whoever comes next, so
        // it runs after the others rather than among them. Where a store stands in a round counts (going first cost
        // 10-15% more on deleting a big session; always following GRDB, as a rotation of one order had SessionStore
        // do, cost it up to 20% with FULL), so the rounds go through every order of the stores: each goes first, and
        // follows each other one, as often as the others.
        let sqliteOrders = Self.orders(of: stores.indices.filter { stores[$0].0 != "json" })
        let json = stores.indices.filter { stores[$0].0 == "json" }
        for orders in [sqliteOrders, [json]] {
            let calls = orders[0].map { counts[$0] }.max() ?? 0
            for (round, first) in stride(from: 0, to: calls, by: callsInARow).enumerated() {
                for index in orders[(round + run) % orders.count] where first < counts[index] {
                    let store = stores[index].1
                    try await store.run {
                        for iteration in first..<min(first + callsInARow, counts[index]) {
                            try await prepare(store)
                            let started = ContinuousClock.now
                            try await body(store, iteration)
                            samples[index].append(Harness.seconds(ContinuousClock.now - started))
                        }
                    }
                }
            }
        }
        var result = ResultRow(scenario: scenario, rows: rows)
        for (index, (name, store)) in stores.enumerated() {
            result.set(Harness.median(samples[index]), for: name)
            if reportsTails {
                result.tails[name] = Harness.tail(samples[index])
            }
            await store.close()
        }
        FileHandle.standardError.write(Data("  \(scenario)\n".utf8))
        return result
    }

    /// Every order of `items`.
    static func orders(of items: [Int]) -> [[Int]] {
        guard let head = items.first else { return [[]] }
        return orders(of: Array(items.dropFirst())).flatMap { order in
            (0...order.count).map { position in
                var order = order
                order.insert(head, at: position)
                return order
            }
        }
    }

    func addMessage() async throws -> [ResultRow] {
        var rows: [ResultRow] = []
        for existing in [size(1_000), size(10_000), size(100_000)] {
            let template = scratch.file("add-\(existing).sqlite")
            let legacy = try Workload.seed(template, Workload.workspaceOf(messages: existing), legacy: true)
            for (synchronous, caller) in [
                (ConnectionOptions.Synchronous.normal, Caller.anyTask), (.normal, .writersExecutor), (.full, .anyTask), (.full, .writersExecutor),
            ] {
                let withJSON = synchronous == .normal && caller == .anyTask
                let stores = try await self.stores(
                    template, legacy: withJSON ? legacy : nil, synchronous: synchronous, caller: caller)
                rows.append(try await row(
                    "addMessage, \(existing) messages in the workspace, synchronous=\(synchronous.rawValue)"
                        + caller.label, stores,
                    // With FULL every call waits for the disk, whose time varies most: more calls steady the median.
                    iterations: { $0 == "json" ? max(2, min(20, 20_000 / existing)) : (synchronous == .full ? 500 : 300) },
                    callsInARow: caller.callsInARow, reportsTails: true
                ) { store, _ in try await store.addMessage(session: "target", withParts: false) })
            }
            // Messages with parts: SessionStore and GRDB write the parts' JSON, C binds text written beforehand.
            guard existing == size(10_000) else { continue }
            for caller in [Caller.anyTask, .writersExecutor] {
                rows.append(try await row(
                    "addMessage with parts, \(existing) messages in the workspace, synchronous=NORMAL"
                        + caller.label,
                    try await stores(template, legacy: nil, caller: caller), iterations: { _ in 300 },
                    callsInARow: caller.callsInARow, reportsTails: true
                ) { store, _ in try await store.addMessage(session: "target", withParts: true) })
            }
        }
        for caller in [Caller.anyTask, .writersExecutor] {
            rows.append(try await sustainedAppends(caller: caller))
        }
        return rows
    }

    /// What a server feels: `count` appends in a row from one task, the whole run divided by `count` (checkpoints
    /// and all), each implementation on its own copy, one after the other; SessionStore called from where `caller`
    /// says.
    func sustainedAppends(caller: Caller) async throws -> ResultRow {
        let count = size(8_000)
        let template = scratch.file("sustained.sqlite")
        try Workload.seed(template, Workload.workspaceOf(messages: size(10_000)))
        var result = ResultRow(
            scenario: "\(count) appends in a row from one task, whole run per message (checkpoints included)" + caller.label)
        for (name, store) in try await stores(template, legacy: nil, caller: caller) {
            try await store.addMessage(session: "target", withParts: false)
            let started = ContinuousClock.now
            try await store.run {
                for _ in 0..<count {
                    try await store.addMessage(session: "target", withParts: false)
                }
            }
            result.set(Harness.seconds(ContinuousClock.now - started) / Double(count), for: name)
            await store.close()
        }
        FileHandle.standardError.write(Data("  \(result.scenario)\n".utf8))
        return result
    }

    func streaming() async throws -> [ResultRow] {
        let existing = size(10_000)
        let template = scratch.file("stream.sqlite")
        let legacy = try Workload.seed(template, Workload.workspaceOf(messages: existing), legacy: true)
        var rows: [ResultRow] = []
        for caller in [Caller.anyTask, .writersExecutor] {
            let stores = try await self.stores(template, legacy: caller == .anyTask ? legacy : nil, caller: caller)
            var content = ""
            rows.append(try await row(
                "streaming: updateMessage on one message, \(existing) in the workspace"
                    + caller.label,
                stores, iterations: { _ in 100 }, callsInARow: caller.callsInARow
            ) { store, _ in
                content += " token"
                try await store.appendToMessage("s0-m1", content: content)
            })
        }
        return rows
    }

    func reads() async throws -> [ResultRow] {
        let lengths = [size(100), size(1_000), size(10_000)]
        let template = scratch.file("reads.sqlite")
        try Workload.seed(template, lengths.flatMap { [
            Workload.SessionShape(id: "plain\($0)", messages: $0),
            Workload.SessionShape(id: "parts\($0)", messages: $0, withParts: true),
        ] })
        var rows: [ResultRow] = []
        for length in lengths {
            // The last: C builds the parts too, the same work as SessionStore's read (the floor copies their JSON).
            let variants = [
                (false, Caller.anyTask, false), (false, .readersExecutor, false), (true, .anyTask, false),
                (true, .readersExecutor, false), (true, .readersExecutor, true),
            ]
            for (withParts, caller, cParsesParts) in variants {
                let session = (withParts ? "parts" : "plain") + "\(length)"
                let stores = try await self.stores(template, legacy: nil, caller: caller, cParsesParts: cParsesParts)
                rows.append(try await row(
                    "getSessionMessages, \(length) messages \(withParts ? "with" : "without") parts" + caller.label
                        + (cParsesParts ? ", raw C building the parts too" : ""), stores,
                    iterations: { _ in max(5, 20_000 / length) }, rows: length, callsInARow: caller.callsInARow
                ) { store, _ in
                    let count = try await store.getSessionMessages(session)
                    precondition(count == length, "read \(count) of \(length) messages")
                })
            }
        }
        return rows
    }

    /// The smallest call there is, so that what a call costs beyond its SQL shows: for SessionStore and GRDB, the
    /// round trip to a connection's own thread.
    func smallestCall() async throws -> [ResultRow] {
        let template = scratch.file("call.sqlite")
        try Workload.seed(template, (0..<10).map { Workload.SessionShape(id: "c\($0)", messages: 2) })
        var rows: [ResultRow] = []
        for caller in [Caller.anyTask, .readersExecutor] {
            rows.append(try await row(
                "getActiveSessionCount, 10 sessions (one tiny query)" + caller.label,
                try await self.stores(template, legacy: nil, caller: caller), iterations: { _ in 1_000 },
                callsInARow: caller.callsInARow
            ) { store, _ in
                let count = try await store.countSessions()
                precondition(count == 10, "counted \(count) of 10 sessions")
            })
        }
        return rows
    }

    func listSessions() async throws -> [ResultRow] {
        var rows: [ResultRow] = []
        for count in [10, size(1_000), size(10_000)] {
            let template = scratch.file("list-\(count).sqlite")
            try Workload.seed(template, (0..<count).map { Workload.SessionShape(id: "l\($0)", messages: 2) })
            let stores = try await self.stores(template, legacy: nil)
            rows.append(try await row(
                "listSessions, \(count) sessions of 2 messages", stores, iterations: { _ in max(5, 5_000 / count) }
            ) { store, _ in
                let listed = try await store.listSessions()
                precondition(listed == count, "listed \(listed) of \(count) sessions")
            })
        }
        return rows
    }

    func forkRevertDelete() async throws -> [ResultRow] {
        let small = size(1_000)
        let large = size(10_000)
        let template = scratch.file("fork.sqlite")
        let legacy = try Workload.seed(template, [
            Workload.SessionShape(id: "f\(small)", messages: small), Workload.SessionShape(id: "f\(large)", messages: large),
            Workload.SessionShape(id: "big\(large)", messages: large, contentBytes: 16 * 1024),
        ] + (0..<7).map { Workload.SessionShape(id: "d\($0)", messages: large) }, legacy: true)
        var rows: [ResultRow] = []
        for (session, label) in [("f\(small)", "\(small)-message session"), ("f\(large)", "\(large)-message session"),
                                 ("big\(large)", "\(large)-message session of 16 KiB messages")] {
            // Every call forks a session that has no fork: the fork the call before made is deleted, untimed (the
            // row after this loop shows what earlier forks add). Not in the JSON store, whose delete also deletes
            // the messages the original shows (the old store's bug); there a fork only adds a list of ids.
            var forks: [ObjectIdentifier: String] = [:]
            rows.append(try await row(
                "forkSession of a \(label)", try await self.stores(template, legacy: legacy),
                iterations: { $0 == "json" ? 3 : (session == "f\(small)" ? 50 : 10) },
                prepare: { store in
                    guard !(store is JSONStrategyStore), let fork = forks.removeValue(forKey: ObjectIdentifier(store)) else { return }
                    try await store.delete(fork)
                }
            ) { store, _ in forks[ObjectIdentifier(store)] = try await store.fork(session) })
        }

        // Forks of one history share its bodies, and each adds an entry per message to the links-by-message index.
        // The timed forks are the 30th to the 32nd: the median one comes after 30 others.
        var forksMade: [ObjectIdentifier: Int] = [:]
        rows.append(try await row(
            "forkSession of a \(large)-message session already forked 30 times", try await self.stores(template, legacy: nil),
            iterations: { _ in 3 }, warmups: 0,
            prepare: { store in
                while forksMade[ObjectIdentifier(store), default: 0] < 29 {
                    _ = try await store.fork("f\(large)")
                    forksMade[ObjectIdentifier(store), default: 0] += 1
                }
            }
        ) { store, _ in _ = try await store.fork("f\(large)") })

        // Each call reverts a fresh fork of the session, made untimed just before.
        let middle = "f\(large)-m\(large / 2)"
        var forks: [ObjectIdentifier: String] = [:]
        rows.append(try await row(
            "revert to the middle of a \(large)-message session", try await stores(template, legacy: nil),
            iterations: { _ in 5 }, warmups: 1, prepare: { store in forks[ObjectIdentifier(store)] = try await store.fork("f\(large)") }
        ) { store, _ in try await store.revert(forks[ObjectIdentifier(store)]!, to: middle) })

        let stores = try await self.stores(template, legacy: nil)
        rows.append(try await row(
            "deleteSession of a \(large)-message session (bodies deleted too)", stores, iterations: { _ in 5 }
        ) { store, index in try await store.delete("d\(index + 2)") })

        // A fork shares its bodies with the original, so deleting it only removes links.
        rows.append(try await row(
            "deleteSession of a fork of a \(large)-message session of 16 KiB messages (bodies kept: still linked)",
            try await self.stores(template, legacy: nil), iterations: { _ in 5 }, warmups: 1,
            prepare: { store in forks[ObjectIdentifier(store)] = try await store.fork("big\(large)") }
        ) { store, _ in try await store.delete(forks[ObjectIdentifier(store)]!) })

        // The template holds one session of large bodies: one call each.
        rows.append(try await row(
            "deleteSession of a \(large)-message session of 16 KiB messages (bodies deleted too)",
            try await self.stores(template, legacy: nil), iterations: { _ in 1 }, warmups: 0
        ) { store, _ in try await store.delete("big\(large)") })
        return rows
    }

    /// Reads per second from `readers` tasks beside one task appending messages, for two seconds.
    func concurrentReaders() async throws -> [ResultRow] {
        let template = scratch.file("concurrent.sqlite")
        try Workload.seed(template, Workload.workspaceOf(messages: size(10_000)))
        var rows: [ResultRow] = []
        for readers in [1, 2, 4] {
            var row = ResultRow(scenario: "\(readers) reader(s) beside 1 writer: time per read of 100 messages")
            for name in ["ours", "grdb"] {
                let path = try scratch.copy(of: template, as: "\(name).sqlite")
                let store: any BenchmarkedStore = name == "ours"
                    ? try await OursStore(path: path, readers: readers) : try GRDBStore(path: path)
                let seconds = try await readThroughput(store, readers: readers)
                row.set(seconds, for: name)
                await store.close()
            }
            row.note = "ours \(String(format: "%.0f", 1 / row.ours!)) reads/s"
            rows.append(row)
        }
        return rows
    }

    /// Time per `addMessage` when eight tasks append at once, each to its own session: the writer's queue then
    /// always has the next call waiting (and SessionStore commits the calls queued together). Raw C makes the same
    /// calls one after another on one thread, a transaction each.
    func concurrentWriters() async throws -> [ResultRow] {
        let tasks = 8
        let callsPerTask = 250
        let template = scratch.file("writers.sqlite")
        try Workload.seed(template, Workload.workspaceOf(messages: size(10_000)) + (0..<tasks).map {
            Workload.SessionShape(id: "writer\($0)", messages: 0)
        })
        var rows: [ResultRow] = []
        for (synchronous, caller) in [
            (ConnectionOptions.Synchronous.normal, Caller.anyTask), (.normal, .writersExecutor), (.full, .anyTask), (.full, .writersExecutor),
        ] {
            var row = ResultRow(
                scenario: "addMessage from \(tasks) tasks at once, \(size(10_000)) messages in the workspace, "
                    + "synchronous=\(synchronous.rawValue)" + caller.label)
            for (name, store) in try await stores(template, legacy: nil, synchronous: synchronous, caller: caller) {
                nonisolated(unsafe) let store = store
                let started = ContinuousClock.now
                if name == "c" {
                    for call in 0..<(tasks * callsPerTask) {
                        try await store.addMessage(session: "writer\(call % tasks)", withParts: false)
                    }
                } else {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for task in 0..<tasks {
                            group.addTask {
                                try await store.run {
                                    for _ in 0..<callsPerTask {
                                        try await store.addMessage(session: "writer\(task)", withParts: false)
                                    }
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                }
                row.set(Harness.seconds(ContinuousClock.now - started) / Double(tasks * callsPerTask), for: name)
                await store.close()
            }
            FileHandle.standardError.write(Data("  \(row.scenario)\n".utf8))
            rows.append(row)
        }
        return rows
    }

    private func readThroughput(_ store: any BenchmarkedStore, readers: Int) async throws -> Double {
        // The template's sessions of 100 messages, at most fifty of them.
        let sessions = min(50, size(10_000) / 100)
        nonisolated(unsafe) let store = store
        let deadline = ContinuousClock.now + .seconds(2)
        let reads = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                while ContinuousClock.now < deadline {
                    try await store.addMessage(session: "target", withParts: false)
                }
                return 0
            }
            for _ in 0..<readers {
                group.addTask {
                    var count = 0
                    while ContinuousClock.now < deadline {
                        let messages = try await store.getSessionMessages("s\(count % sessions)")
                        precondition(messages == 100, "read \(messages) of 100 messages")
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        return 2 / Double(reads)
    }

    /// Imports a generated legacy directory of `messages` messages; returns the row with messages per second.
    func importLegacy() async throws -> ResultRow {
        let messages = size(100_000)
        let directory = try generateLegacyDirectory(messages: messages)
        let repository = try await SessionRepository(path: scratch.file("import.sqlite"))
        let started = ContinuousClock.now
        let report = try await LegacyImporter().run(directory: directory, into: repository)
        let seconds = Harness.seconds(ContinuousClock.now - started)
        await repository.close()
        let imported = report.workspaces.map(\.messagesImported).reduce(0, +)
        precondition(imported == messages, "imported \(imported) of \(messages)")
        FileHandle.standardError.write(Data("  import\n".utf8))
        return ResultRow(
            scenario: "import of a legacy directory with \(messages) messages", ours: seconds, rows: messages,
            note: String(format: "%.0f messages/s", Double(messages) / seconds))
    }

    /// Ten workspaces of sessions of 100 messages, written as the old store wrote them.
    func generateLegacyDirectory(messages: Int) throws -> String {
        let directory = scratch.file("legacy")
        for workspaceIndex in 0..<10 {
            let template = scratch.file("legacy-\(workspaceIndex).sqlite")
            let shapes = (0..<(messages / 10 / 100)).map { Workload.SessionShape(id: "w\(workspaceIndex)s\($0)", messages: 100) }
            guard var workspace = try Workload.seed(template, shapes, legacy: true) else { continue }
            for id in workspace.sessions.keys {
                workspace.sessions[id]?.workspaceId = "ws\(workspaceIndex)"
            }
            let folder = "\(directory)/ws\(workspaceIndex)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted]
            try encoder.encode(workspace).write(to: URL(fileURLWithPath: "\(folder)/sessions.json"))
        }
        return directory
    }
}
