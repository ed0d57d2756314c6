-- SessionStore schema, version 4: replies that stream into the store as they arrive.

-- What a message stream has flushed so far, one row per flush, in order: a flush writes a row the size of its
-- text, not the message again. A message with `chunked` set shows its content followed by its chunks; the
-- stream's finish folds them into the content and clears it. The flag keeps readers from looking for chunks of
-- the messages that never had any.
-- `lead` is the end of the word the previous chunk stopped in, if it stopped in one: search reads each chunk with
-- its lead (`search_text`), so a word cut by a flush is still found whole.
CREATE TABLE message_chunks (
    id          INTEGER NOT NULL PRIMARY KEY,
    message_id  TEXT    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    sequence    INTEGER NOT NULL CHECK (sequence >= 1),
    text        TEXT    NOT NULL,
    lead        TEXT    NOT NULL DEFAULT '',
    search_text TEXT    GENERATED ALWAYS AS (lead || text) VIRTUAL,
    UNIQUE (message_id, sequence)
) STRICT;

ALTER TABLE messages ADD COLUMN chunked INTEGER NOT NULL DEFAULT 0 CHECK (chunked IN (0, 1));

CREATE VIRTUAL TABLE message_chunk_search USING fts5(
    search_text, content = 'message_chunks', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');

CREATE TRIGGER message_chunks_search_on_insert
AFTER INSERT ON message_chunks
BEGIN
    INSERT INTO message_chunk_search (rowid, search_text) VALUES (NEW.id, NEW.lead || NEW.text);
END;

CREATE TRIGGER message_chunks_search_on_delete
AFTER DELETE ON message_chunks
BEGIN
    INSERT INTO message_chunk_search (message_chunk_search, rowid, search_text) VALUES ('delete', OLD.id, OLD.lead || OLD.text);
END;

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
