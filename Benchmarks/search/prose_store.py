"""The benchmark's store of generated prose (ScaleScenarios.swift, `Prose`), written from Python for the timings of
ranking_steps.c: the same words, messages and sessions.

    session-store migrate --db prose.sqlite && python3 prose_store.py prose.sqlite 1000000
"""
import bisect
import sqlite3
import sys

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def main(path, count):
    words = SplitMix64(17)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(letters[words.next() % 26] for _ in range(3 + words.next() % 7)) for _ in range(20000)]
    cumulative, total = [], 0.0
    for rank in range(len(vocabulary)):
        total += 1 / (rank + 1)
        cumulative.append(total)
    draws = SplitMix64(99)

    def message():
        return " ".join(
            vocabulary[bisect.bisect_left(cumulative, (draws.next() % 1000000) / 1000000 * cumulative[-1])] for _ in range(40))

    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    for index in range(count):
        session = "s%d" % (index // 100)
        if index % 100 == 0:
            db.execute("INSERT INTO sessions (id, workspace_id, title, created_at, updated_at) VALUES (?, 'bench', ?, 1, 1)",
                       (session, "Session " + session))
        db.execute("INSERT INTO messages (id, workspace_id, session_id, role, content, status, created_at, updated_at) "
                   "VALUES (?, 'bench', ?, 'assistant', ?, 'completed', 1, 1)", ("m%d" % index, session, message()))
        db.execute("INSERT INTO session_links (session_id, position, message_id) VALUES (?, ?, ?)",
                   (session, index % 100 + 1, "m%d" % index))
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print("common query: %s %s, rarer: %s %s" % (vocabulary[20], vocabulary[40], vocabulary[300], vocabulary[600]))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
