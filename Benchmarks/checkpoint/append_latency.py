#!/usr/bin/env python3
"""Latency of one append with and without SQLite's checkpoints, outside the Swift layer.

Builds a store from Migrations/*.sql, seeds one session with 10,000 messages, then times APPENDS appends made of
the statements addMessage runs (one transaction each, synchronous=NORMAL) and prints p50 and p99. Modes:
  inline     the commit that brings the log to 1,000 pages checkpoints it (SQLite's default, and the library's)
  none       no checkpoint at all: the log grows
  separate   no checkpoint by the writer; another process runs PASSIVE checkpoints every 20 ms
Run from the repository: python3 Benchmarks/checkpoint/append_latency.py inline [APPENDS]
"""
import glob, os, sqlite3, subprocess, sys, tempfile, time

mode = sys.argv[1] if len(sys.argv) > 1 else "inline"
if mode == "checkpointer":  # the child of "separate", given the store's path
    checkpointing = sqlite3.connect(sys.argv[2], isolation_level=None)
    while True:
        checkpointing.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        time.sleep(0.02)
assert mode in ("inline", "none", "separate"), __doc__
appends = int(sys.argv[2]) if len(sys.argv) > 2 else 5000

scratch = tempfile.TemporaryDirectory()
path = os.path.join(scratch.name, "store.sqlite")
db = sqlite3.connect(path, isolation_level=None)
for migration in sorted(glob.glob("Migrations/0*.sql")):
    db.executescript(open(migration).read())
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=NORMAL")
db.execute("PRAGMA foreign_keys=ON")
db.execute("INSERT INTO sessions (id, workspace_id, created_at, updated_at) VALUES ('s', 'w', 0, 0)")


def append(index):
    message = f"m{index}"
    db.execute("BEGIN IMMEDIATE")
    db.execute("DELETE FROM session_links WHERE session_id = 's' AND position >= "
               "(SELECT reverted_from FROM sessions WHERE id = 's')")
    db.execute("UPDATE sessions SET updated_at = ?1, reverted_from = NULL WHERE id = 's' AND workspace_id = 'w' "
               "AND trashed_at IS NULL", (index,))
    db.execute("INSERT INTO messages (id, session_id, role, content, created_at, updated_at, workspace_id, search_rowid, "
               "chunked) VALUES (?1, 's', 'user', ?2, 0, 0, 'w', (SELECT coalesce(max(search_rowid), 0) + 1 FROM messages), 0)",
               (message, f"message number {index} about the login bug and its cookies"))
    db.execute("INSERT INTO session_links (session_id, position, message_id) "
               "SELECT 's', coalesce(max(position), 0) + 1, ?1 FROM session_links WHERE session_id = 's'", (message,))
    db.execute("INSERT INTO changes (workspace_id, sequence, kind, session_id, message_id, changed_at) "
               "SELECT 'w', coalesce(max(sequence), 0) + 1, 'messageAdded', 's', ?1, 0 FROM changes WHERE workspace_id = 'w'",
               (message,))
    db.execute("COMMIT")


for index in range(10_000):
    append(index)
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.execute(f"PRAGMA wal_autocheckpoint={1000 if mode == 'inline' else 0}")
checkpointer = subprocess.Popen([sys.executable, __file__, "checkpointer", path]) if mode == "separate" else None
times = []
start = time.perf_counter()
for index in range(10_000, 10_000 + appends):
    began = time.perf_counter()
    append(index)
    times.append(time.perf_counter() - began)
elapsed = time.perf_counter() - start
log_pages = os.path.getsize(path + "-wal") // 4096
if checkpointer:
    checkpointer.kill()
    checkpointer.wait()
db.close()
times.sort()
p50, p99 = times[len(times) // 2], times[int(len(times) * 0.99)]
print(f"{mode}: {appends / elapsed:.0f} appends/s, p50 {p50 * 1e6:.0f} µs, p99 {p99 * 1e6:.0f} µs ({p99 / p50:.1f}× p50), log {log_pages} pages")
