-- SessionStore schema, version 4: replies that stream into the store as they arrive.

-- What a message stream has flushed so far, one row per flush, in order: a flush writes a row the size of its
-- text, not the message again. A message with `chunked` set shows its content followed by its chunks: the
-- library sets it on the messages it writes with status 'streaming', and a stream's finish folds the chunks into
-- the content and clears it. The flag keeps readers from looking for chunks of the messages that never had any. Search reads a chunked message's text at query time, so that a flush writes
-- no search index.
CREATE TABLE message_chunks (
    message_id TEXT    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    sequence   INTEGER NOT NULL CHECK (sequence >= 1),
    text       TEXT    NOT NULL,
    PRIMARY KEY (message_id, sequence)
) STRICT, WITHOUT ROWID;

ALTER TABLE messages ADD COLUMN chunked INTEGER NOT NULL DEFAULT 0 CHECK (chunked IN (0, 1));
CREATE INDEX messages_chunked ON messages (workspace_id) WHERE chunked = 1;

-- For people with the sqlite3 shell: every session's conversation, in order, with what streaming replies have
-- flushed so far.
DROP VIEW conversation;

CREATE VIEW conversation AS
SELECT l.session_id,
       l.position,
       m.role,
       m.status,
       CASE WHEN m.chunked
            THEN coalesce(ifnull(m.content, '') || (SELECT group_concat(c.text, '')
                                                   FROM (SELECT text FROM message_chunks WHERE message_id = m.id ORDER BY sequence) c),
                          m.content)
            ELSE m.content END AS content,
       m.id AS message_id,
       datetime(m.created_at / 1000, 'unixepoch') AS created
FROM session_messages l
JOIN messages m ON m.id = l.message_id;

INSERT INTO schema_migrations (version, name) VALUES (4, 'message_streams');
