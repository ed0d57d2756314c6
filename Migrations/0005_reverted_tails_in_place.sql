-- SessionStore schema, version 5: a session's reverted tail stays where it was, at the end of its links.
--
-- A revert used to move the links it removed into `reverted_links`, and an unrevert moved them back: two B-trees
-- written per link each way. Now every link of a session lives in `session_links`, and `sessions.reverted_from`
-- says where its reverted tail starts, so a revert or an unrevert writes one row whatever the tail's length.
-- `session_messages` and `reverted_links` stay, as views that read as the tables did. `session_messages` also takes
-- inserts, updates and deletes as the table did; `reverted_links` takes inserts (how `session-store copy` fills a
-- store) and deletes.

-- The position of the first link of the session's reverted tail; NULL when nothing is reverted. The links from
-- it to the last one are the tail, in order; those before it are what the session shows.
ALTER TABLE sessions ADD COLUMN reverted_from INTEGER CHECK (reverted_from >= 1);

-- The views that read the tables being replaced go first, and come back below.
DROP VIEW session_summary;
DROP VIEW conversation;
DROP VIEW reverted_tail;
DROP TRIGGER session_messages_release_unlinked_body;
DROP TRIGGER reverted_links_release_unlinked_body;

ALTER TABLE session_messages RENAME TO session_links;
DROP INDEX session_messages_by_message;
CREATE INDEX session_links_by_message ON session_links (message_id);

-- Each tail goes back behind the links its session shows, in its order.
UPDATE sessions
SET reverted_from = (SELECT coalesce(max(l.position), 0) + 1 FROM session_links l WHERE l.session_id = sessions.id)
WHERE id IN (SELECT session_id FROM reverted_links);
INSERT INTO session_links (session_id, position, message_id)
SELECT r.session_id, s.reverted_from + r.position - 1, r.message_id
FROM reverted_links r JOIN sessions s ON s.id = r.session_id;
DROP TABLE reverted_links;

-- A message body lives exactly as long as some session links it, shown or in its reverted tail.
CREATE TRIGGER session_links_release_unlinked_body
AFTER DELETE ON session_links
WHEN NOT EXISTS (SELECT 1 FROM session_links WHERE message_id = OLD.message_id)
BEGIN
    DELETE FROM messages WHERE id = OLD.message_id;
END;

-- Which messages a session shows, in which order (positions 1…n), as the table of versions 1 to 4 did.
CREATE VIEW session_messages AS
SELECT l.session_id, l.position, l.message_id
FROM session_links l JOIN sessions s ON s.id = l.session_id
WHERE s.reverted_from IS NULL OR l.position < s.reverted_from;

-- A session's reverted tail, in order (positions 1…n), as the table of versions 2 to 4 did.
CREATE VIEW reverted_links AS
SELECT l.session_id, l.position - s.reverted_from + 1 AS position, l.message_id
FROM session_links l JOIN sessions s ON s.id = l.session_id
WHERE l.position >= s.reverted_from;

-- Writes through the views land in `session_links`. A link inserted into a view goes where the session shows it,
-- or to its tail: insert a session's shown links before its reverted ones, each in order.
CREATE TRIGGER session_messages_insert
INSTEAD OF INSERT ON session_messages
BEGIN
    INSERT INTO session_links (session_id, position, message_id) VALUES (NEW.session_id, NEW.position, NEW.message_id);
END;

CREATE TRIGGER session_messages_update
INSTEAD OF UPDATE ON session_messages
BEGIN
    UPDATE session_links SET session_id = NEW.session_id, position = NEW.position, message_id = NEW.message_id
    WHERE session_id = OLD.session_id AND position = OLD.position;
END;

CREATE TRIGGER session_messages_delete
INSTEAD OF DELETE ON session_messages
BEGIN
    DELETE FROM session_links WHERE session_id = OLD.session_id AND position = OLD.position;
END;

CREATE TRIGGER reverted_links_insert
INSTEAD OF INSERT ON reverted_links
BEGIN
    UPDATE sessions
    SET reverted_from = (SELECT coalesce(max(position), 0) + 1 FROM session_links WHERE session_id = NEW.session_id)
    WHERE id = NEW.session_id AND reverted_from IS NULL;
    INSERT INTO session_links (session_id, position, message_id)
    SELECT NEW.session_id, reverted_from + NEW.position - 1, NEW.message_id FROM sessions WHERE id = NEW.session_id;
END;

CREATE TRIGGER reverted_links_delete
INSTEAD OF DELETE ON reverted_links
BEGIN
    DELETE FROM session_links
    WHERE session_id = OLD.session_id
      AND position = (SELECT reverted_from FROM sessions WHERE id = OLD.session_id) + OLD.position - 1;
END;

-- For people with the sqlite3 shell: as in version 4, over the new table.
CREATE VIEW session_summary AS
SELECT s.workspace_id,
       s.id AS session_id,
       s.title,
       s.parent_id,
       (SELECT count(*) FROM session_links l
        WHERE l.session_id = s.id AND (s.reverted_from IS NULL OR l.position < s.reverted_from)) AS message_count,
       (SELECT count(*) FROM session_links l WHERE l.session_id = s.id AND l.position >= s.reverted_from) AS reverted_count,
       s.forked_from_session_id AS forked_from,
       datetime(s.created_at / 1000, 'unixepoch') AS created,
       datetime(s.updated_at / 1000, 'unixepoch') AS last_activity,
       datetime(s.trashed_at / 1000, 'unixepoch') AS trashed
FROM sessions s;

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

CREATE VIEW reverted_tail AS
SELECT r.session_id,
       r.position,
       m.role,
       m.content,
       m.id AS message_id
FROM reverted_links r
JOIN messages m ON m.id = r.message_id;

INSERT INTO schema_migrations (version, name) VALUES (5, 'reverted_tails_in_place');
