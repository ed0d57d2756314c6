import CSQLite

/// When a writer copies the write-ahead log back into the database, so that the `-wal` file stays bounded.
///
/// After each commit, once the log holds `passivePages`, the writer checkpoints what no reader still needs
/// (never waiting). Once it holds `truncatePages`, the writer also tries to checkpoint everything and truncate the
/// file to zero bytes — without waiting: while a long-lived reader (another process, a `sqlite3` shell in a
/// transaction) still needs the log, the attempt gives up at once and is repeated after the next commit, so
/// writers are never held up and the log shrinks as soon as the reader lets go.
public struct CheckpointPolicy: Sendable, Hashable {
    /// Log size, in pages, that triggers a passive checkpoint (SQLite's own default is 1000).
    public var passivePages: Int32
    /// Log size, in pages, that triggers a truncating checkpoint.
    public var truncatePages: Int32

    /// The defaults: passive at 1000 pages, truncate at 16384 (64 MiB with 4 KiB pages).
    ///
    /// Truncating sooner costs large transactions, such as the fork of a long-forked history: each would grow
    /// the file again from nothing, about 15% slower than writing over the log left in place.
    public init(passivePages: Int32 = 1000, truncatePages: Int32 = 16384) {
        self.passivePages = passivePages
        self.truncatePages = truncatePages
    }
}

/// The policy installed on one connection as its WAL hook; the hook's context pointer keeps it alive.
final class CheckpointHook {
    private let policy: CheckpointPolicy
    private let busyWait: BusyWait

    private init(policy: CheckpointPolicy, busyWait: BusyWait) {
        self.policy = policy
        self.busyWait = busyWait
    }

    /// Installs `policy` on `handle`; pass the result to ``remove(_:from:)`` before closing it.
    static func install(_ policy: CheckpointPolicy, busyWait: BusyWait, on handle: OpaquePointer) -> Unmanaged<CheckpointHook> {
        let hook = Unmanaged.passRetained(CheckpointHook(policy: policy, busyWait: busyWait))
        sqlite3_wal_hook(handle, { context, handle, schema, pages in
            guard let context, let handle else { return SQLITE_OK }
            Unmanaged<CheckpointHook>.fromOpaque(context).takeUnretainedValue().afterCommit(handle, schema, pages)
            // A checkpoint that cannot run now is no failure of the commit that triggered it.
            return SQLITE_OK
        }, hook.toOpaque())
        return hook
    }

    static func remove(_ hook: Unmanaged<CheckpointHook>, from handle: OpaquePointer) {
        sqlite3_wal_hook(handle, nil, nil)
        hook.release()
    }

    private func afterCommit(_ handle: OpaquePointer, _ schema: UnsafePointer<CChar>?, _ pages: Int32) {
        if pages >= policy.truncatePages {
            busyWait.waits = false
            let code = sqlite3_wal_checkpoint_v2(handle, schema, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
            busyWait.waits = true
            if code == SQLITE_OK { return }
        }
        if pages >= policy.passivePages {
            sqlite3_wal_checkpoint_v2(handle, schema, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        }
    }
}
