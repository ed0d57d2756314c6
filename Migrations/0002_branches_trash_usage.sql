-- SessionStore schema, version 2: where each fork came from, reverts that can be undone, a trash, and usage.

-- Where a fork was cut: the session it came from and the last message it inherited (NULL for an empty fork).
-- No foreign key: the fork point outlives the original.
ALTER TABLE sessions ADD COLUMN forked_from_session_id TEXT;
ALTER TABLE sessions ADD COLUMN forked_from_message_id TEXT;
-- When the session was put in the trash (milliseconds since the Unix epoch); NULL while it is live.
ALTER TABLE sessions ADD COLUMN trashed_at INTEGER;

CREATE INDEX sessions_by_fork_origin ON sessions (forked_from_session_id) WHERE forked_from_session_id IS NOT NULL;
CREATE INDEX sessions_in_trash ON sessions (workspace_id, trashed_at) WHERE trashed_at IS NOT NULL;

-- A session's reverted tail: the links a revert removed, in order (1…n), until unrevert puts them back or the
-- next append, fork or delete of the session discards them. A body they hold counts as linked.
CREATE TABLE reverted_links (
    session_id TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position >= 1),
    message_id TEXT    NOT NULL REFERENCES messages (id),
    PRIMARY KEY (session_id, position)
) STRICT, WITHOUT ROWID;

CREATE INDEX reverted_links_by_message ON reverted_links (message_id);

-- A message body lives exactly as long as some session links it, or holds it in a reverted tail.
DROP TRIGGER session_messages_release_unlinked_body;

CREATE TRIGGER session_messages_release_unlinked_body
AFTER DELETE ON session_messages
WHEN NOT EXISTS (SELECT 1 FROM session_messages WHERE message_id = OLD.message_id)
 AND NOT EXISTS (SELECT 1 FROM reverted_links WHERE message_id = OLD.message_id)
BEGIN
    DELETE FROM messages WHERE id = OLD.message_id;
END;

CREATE TRIGGER reverted_links_release_unlinked_body
AFTER DELETE ON reverted_links
WHEN NOT EXISTS (SELECT 1 FROM session_messages WHERE message_id = OLD.message_id)
 AND NOT EXISTS (SELECT 1 FROM reverted_links WHERE message_id = OLD.message_id)
BEGIN
    DELETE FROM messages WHERE id = OLD.message_id;
END;

-- Usage of the model call that produced a message, as plain columns that the shell can sum.
ALTER TABLE messages ADD COLUMN input_tokens INTEGER CHECK (input_tokens >= 0);
ALTER TABLE messages ADD COLUMN output_tokens INTEGER CHECK (output_tokens >= 0);
ALTER TABLE messages ADD COLUMN reasoning_tokens INTEGER CHECK (reasoning_tokens >= 0);
ALTER TABLE messages ADD COLUMN cache_read_tokens INTEGER CHECK (cache_read_tokens >= 0);
ALTER TABLE messages ADD COLUMN cache_write_tokens INTEGER CHECK (cache_write_tokens >= 0);
ALTER TABLE messages ADD COLUMN cost REAL;

-- For people with the sqlite3 shell: one line per session, with where it was forked from and whether it is in
-- the trash.
DROP VIEW session_summary;

CREATE VIEW session_summary AS
SELECT s.workspace_id,
       s.id AS session_id,
       s.title,
       s.parent_id,
       (SELECT count(*) FROM session_messages l WHERE l.session_id = s.id) AS message_count,
       (SELECT count(*) FROM reverted_links r WHERE r.session_id = s.id) AS reverted_count,
       s.forked_from_session_id AS forked_from,
       datetime(s.created_at / 1000, 'unixepoch') AS created,
       datetime(s.updated_at / 1000, 'unixepoch') AS last_activity,
       datetime(s.trashed_at / 1000, 'unixepoch') AS trashed
FROM sessions s;

-- For people with the sqlite3 shell: every session's reverted tail, in order.
CREATE VIEW reverted_tail AS
SELECT r.session_id,
       r.position,
       m.role,
       m.content,
       m.id AS message_id
FROM reverted_links r
JOIN messages m ON m.id = r.message_id;

INSERT INTO schema_migrations (version, name) VALUES (2, 'branches_trash_usage');
