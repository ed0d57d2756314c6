-- SessionStore schema, version 3: full-text search over messages and session titles, and the change feed.

-- Search uses SQLite's FTS5. The indexes keep no copy of the text: they read it back from `messages` and
-- `sessions` by a number of their own, `search_rowid`, because VACUUM may renumber these tables' rowids. Triggers
-- keep them in step with every write, in the same transaction. From the shell:
--   SELECT m.id, snippet(message_search, -1, '[', ']', '…', 12) FROM message_search
--   JOIN messages m ON m.search_rowid = message_search.rowid WHERE message_search MATCH 'word' ORDER BY rank;

-- The text of a message's text parts, one per line: what search reads of `parts` (nothing of parts that are not
-- valid JSON, which only an edit by hand can leave). The CASEs keep json_extract away from values it would refuse.
ALTER TABLE messages ADD COLUMN parts_text TEXT;
ALTER TABLE messages ADD COLUMN search_rowid INTEGER;
UPDATE messages
SET search_rowid = rowid,
    parts_text = (SELECT group_concat(json_extract(p.value, '$.content'), char(10))
                  FROM json_each(CASE WHEN json_valid(messages.parts) THEN messages.parts END) p
                  WHERE CASE WHEN p.type = 'object' THEN json_extract(p.value, '$.type') = 'text' END);
CREATE UNIQUE INDEX messages_by_search_rowid ON messages (search_rowid);

CREATE VIRTUAL TABLE message_search USING fts5(
    content, parts_text, content = 'messages', content_rowid = 'search_rowid', tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO message_search (message_search) VALUES ('rebuild');

-- The library writes each message with its search number and parts text, and the first trigger indexes it. A row
-- written without them (by hand, in the shell) gets them from the second. The updates inside these triggers set
-- only columns that no trigger watches, so none fires another.
CREATE TRIGGER messages_search_on_insert
AFTER INSERT ON messages
WHEN NEW.search_rowid IS NOT NULL
BEGIN
    INSERT INTO message_search (rowid, content, parts_text) VALUES (NEW.search_rowid, NEW.content, NEW.parts_text);
END;

CREATE TRIGGER messages_search_on_insert_by_hand
AFTER INSERT ON messages
WHEN NEW.search_rowid IS NULL
BEGIN
    UPDATE messages
    SET search_rowid = (SELECT coalesce(max(search_rowid), 0) + 1 FROM messages),
        parts_text = (SELECT group_concat(json_extract(p.value, '$.content'), char(10))
                      FROM json_each(CASE WHEN json_valid(NEW.parts) THEN NEW.parts END) p
                      WHERE CASE WHEN p.type = 'object' THEN json_extract(p.value, '$.type') = 'text' END)
    WHERE rowid = NEW.rowid;
    INSERT INTO message_search (rowid, content, parts_text)
    SELECT search_rowid, content, parts_text FROM messages WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER messages_search_on_update
AFTER UPDATE OF content, parts ON messages
BEGIN
    INSERT INTO message_search (message_search, rowid, content, parts_text)
    VALUES ('delete', OLD.search_rowid, OLD.content, OLD.parts_text);
    UPDATE messages
    SET parts_text = (SELECT group_concat(json_extract(p.value, '$.content'), char(10))
                      FROM json_each(CASE WHEN json_valid(NEW.parts) THEN NEW.parts END) p
                      WHERE CASE WHEN p.type = 'object' THEN json_extract(p.value, '$.type') = 'text' END)
    WHERE rowid = NEW.rowid;
    INSERT INTO message_search (rowid, content, parts_text)
    SELECT search_rowid, content, parts_text FROM messages WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER messages_search_on_delete
AFTER DELETE ON messages
BEGIN
    INSERT INTO message_search (message_search, rowid, content, parts_text)
    VALUES ('delete', OLD.search_rowid, OLD.content, OLD.parts_text);
END;

ALTER TABLE sessions ADD COLUMN search_rowid INTEGER;
UPDATE sessions SET search_rowid = rowid;
CREATE UNIQUE INDEX sessions_by_search_rowid ON sessions (search_rowid);

CREATE VIRTUAL TABLE session_search USING fts5(
    title, content = 'sessions', content_rowid = 'search_rowid', tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO session_search (session_search) VALUES ('rebuild');

-- As for messages: the library numbers the sessions it writes, the second trigger those written by hand.
CREATE TRIGGER sessions_search_on_insert
AFTER INSERT ON sessions
WHEN NEW.search_rowid IS NOT NULL
BEGIN
    INSERT INTO session_search (rowid, title) VALUES (NEW.search_rowid, NEW.title);
END;

CREATE TRIGGER sessions_search_on_insert_by_hand
AFTER INSERT ON sessions
WHEN NEW.search_rowid IS NULL
BEGIN
    UPDATE sessions SET search_rowid = (SELECT coalesce(max(search_rowid), 0) + 1 FROM sessions) WHERE rowid = NEW.rowid;
    INSERT INTO session_search (rowid, title) SELECT search_rowid, title FROM sessions WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER sessions_search_on_update
AFTER UPDATE OF title ON sessions
BEGIN
    INSERT INTO session_search (session_search, rowid, title) VALUES ('delete', OLD.search_rowid, OLD.title);
    INSERT INTO session_search (rowid, title) VALUES (NEW.search_rowid, NEW.title);
END;

CREATE TRIGGER sessions_search_on_delete
AFTER DELETE ON sessions
BEGIN
    INSERT INTO session_search (session_search, rowid, title) VALUES ('delete', OLD.search_rowid, OLD.title);
END;

-- Session summaries are paged newest first on (updated_at, id): sessions_by_workspace_and_activity serves them.

-- The change feed: what every write changed, written in the write's transaction. Within a workspace the
-- sequence numbers run 1, 2, 3, … in commit order. Trimming keeps each workspace's newest change, so a number is
-- never handed out twice. No foreign keys: a change outlives what it names.
CREATE TABLE changes (
    workspace_id TEXT    NOT NULL,
    sequence     INTEGER NOT NULL CHECK (sequence >= 1),
    kind         TEXT    NOT NULL CHECK (kind IN ('sessionCreated', 'sessionUpdated', 'sessionDeleted', 'sessionTrashed',
                                                  'sessionRestored', 'sessionForked', 'messageAdded', 'messageUpdated',
                                                  'reverted', 'unreverted')),
    session_id   TEXT,
    message_id   TEXT,
    changed_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, sequence)
) STRICT, WITHOUT ROWID;

INSERT INTO schema_migrations (version, name) VALUES (3, 'search_and_changes');
