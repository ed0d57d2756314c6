-- SessionStore schema, version 1.
-- Applied by the library's migration runner, or by hand: cat Migrations/*.sql | sqlite3 new.sqlite
-- Timestamps are milliseconds since the Unix epoch. Identifiers are 1 to 128 characters.

-- The migrations applied to this database. Every migration file records itself here; the runner adds the
-- file's checksum (SHA-256, hex), which stays NULL for a file applied by hand with the sqlite3 shell.
CREATE TABLE schema_migrations (
    version    INTEGER NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    checksum   TEXT,
    applied_at INTEGER NOT NULL DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
) STRICT;

CREATE TABLE sessions (
    id                TEXT    NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
    workspace_id      TEXT    NOT NULL CHECK (length(workspace_id) BETWEEN 1 AND 128),
    title             TEXT,
    -- A child outlives its parent: deleting the parent clears this column.
    parent_id         TEXT    REFERENCES sessions (id) ON DELETE SET NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    model_provider_id TEXT,
    model_id          TEXT,
    agent             TEXT,
    -- The seed's `revert` marker: the message a client reverted to, and why.
    revert_message_id TEXT,
    revert_reason     TEXT,
    CHECK ((model_provider_id IS NULL) = (model_id IS NULL)),
    CHECK (revert_reason IS NULL OR revert_message_id IS NOT NULL),
    CHECK (parent_id IS NOT id)
) STRICT;

CREATE INDEX sessions_by_workspace_and_activity ON sessions (workspace_id, updated_at, id);
CREATE INDEX sessions_by_parent ON sessions (parent_id) WHERE parent_id IS NOT NULL;

-- A session's parent belongs to the same workspace.
CREATE TRIGGER sessions_parent_in_workspace_on_insert
BEFORE INSERT ON sessions
WHEN NEW.parent_id IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM sessions WHERE id = NEW.parent_id AND workspace_id = NEW.workspace_id)
BEGIN
    SELECT RAISE(ABORT, 'parent session is not in the same workspace');
END;

CREATE TRIGGER sessions_parent_in_workspace_on_update
BEFORE UPDATE OF parent_id, workspace_id ON sessions
WHEN NEW.parent_id IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM sessions WHERE id = NEW.parent_id AND workspace_id = NEW.workspace_id)
BEGIN
    SELECT RAISE(ABORT, 'parent session is not in the same workspace');
END;

-- One row per message body. A body is shared by every session that links it (forks share history), so
-- `session_id` records the session it was created in, which may since have been deleted.
CREATE TABLE messages (
    id           TEXT    NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
    workspace_id TEXT    NOT NULL CHECK (length(workspace_id) BETWEEN 1 AND 128),
    session_id   TEXT    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
    content      TEXT,
    parts        TEXT    CHECK (parts IS NULL OR (json_valid(parts) AND json_type(parts) = 'array')),
    tool_calls   TEXT    CHECK (tool_calls IS NULL OR (json_valid(tool_calls) AND json_type(tool_calls) = 'array')),
    tool_call_id TEXT,
    status       TEXT    CHECK (status IN ('pending', 'streaming', 'completed', 'error')),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX messages_by_workspace ON messages (workspace_id);

-- Which messages a session shows, in which order: positions run 1…n without gaps.
CREATE TABLE session_messages (
    session_id TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position >= 1),
    message_id TEXT    NOT NULL REFERENCES messages (id),
    PRIMARY KEY (session_id, position),
    UNIQUE (session_id, message_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX session_messages_by_message ON session_messages (message_id);

-- A message body lives exactly as long as some session links it.
CREATE TRIGGER session_messages_release_unlinked_body
AFTER DELETE ON session_messages
WHEN NOT EXISTS (SELECT 1 FROM session_messages WHERE message_id = OLD.message_id)
BEGIN
    DELETE FROM messages WHERE id = OLD.message_id;
END;

-- For people with the sqlite3 shell: one line per session.
CREATE VIEW session_summary AS
SELECT s.workspace_id,
       s.id AS session_id,
       s.title,
       s.parent_id,
       (SELECT count(*) FROM session_messages l WHERE l.session_id = s.id) AS message_count,
       datetime(s.created_at / 1000, 'unixepoch') AS created,
       datetime(s.updated_at / 1000, 'unixepoch') AS last_activity
FROM sessions s;

-- For people with the sqlite3 shell: every session's conversation, in order.
CREATE VIEW conversation AS
SELECT l.session_id,
       l.position,
       m.role,
       m.status,
       m.content,
       m.id AS message_id,
       datetime(m.created_at / 1000, 'unixepoch') AS created
FROM session_messages l
JOIN messages m ON m.id = l.message_id;

INSERT INTO schema_migrations (version, name) VALUES (1, 'create_sessions');
