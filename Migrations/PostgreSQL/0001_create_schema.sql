-- The SQLite schema of migrations 0001-0004 on PostgreSQL 15: the same tables, columns and meanings, so that
-- `session-store copy` moves rows as they are. Times are milliseconds since the Unix epoch; `parts` and
-- `tool_calls` keep the JSON text the library wrote (text, not jsonb, which would respell it).

CREATE TABLE schema_migrations (
    version    integer NOT NULL PRIMARY KEY,
    name       text    NOT NULL,
    checksum   text,
    applied_at bigint  NOT NULL DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::bigint
);

CREATE TABLE sessions (
    id                     text   NOT NULL PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
    workspace_id           text   NOT NULL CHECK (octet_length(workspace_id) BETWEEN 1 AND 128),
    title                  text,
    -- A child outlives its parent: deleting the parent clears this column.
    parent_id              text   REFERENCES sessions (id) ON DELETE SET NULL,
    created_at             bigint NOT NULL,
    updated_at             bigint NOT NULL,
    model_provider_id      text,
    model_id               text,
    agent                  text,
    revert_message_id      text,
    revert_reason          text,
    forked_from_session_id text,
    forked_from_message_id text,
    trashed_at             bigint,
    search                 tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(title, ''))) STORED,
    CHECK ((model_provider_id IS NULL) = (model_id IS NULL)),
    CHECK (revert_reason IS NULL OR revert_message_id IS NOT NULL),
    CHECK (parent_id IS DISTINCT FROM id)
);

CREATE INDEX sessions_by_workspace_and_activity ON sessions (workspace_id, updated_at, id);
CREATE INDEX sessions_by_parent ON sessions (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX sessions_by_fork_origin ON sessions (forked_from_session_id) WHERE forked_from_session_id IS NOT NULL;
CREATE INDEX sessions_in_trash ON sessions (workspace_id, trashed_at) WHERE trashed_at IS NOT NULL;
CREATE INDEX sessions_search ON sessions USING gin (search);

CREATE FUNCTION sessions_parent_in_workspace() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.parent_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM sessions WHERE id = NEW.parent_id AND workspace_id = NEW.workspace_id) THEN
        RAISE EXCEPTION 'parent session is not in the same workspace' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER sessions_parent_in_workspace
BEFORE INSERT OR UPDATE OF parent_id, workspace_id ON sessions
FOR EACH ROW EXECUTE FUNCTION sessions_parent_in_workspace();

CREATE TABLE messages (
    id                 text    NOT NULL PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
    workspace_id       text    NOT NULL CHECK (octet_length(workspace_id) BETWEEN 1 AND 128),
    session_id         text    NOT NULL,
    role               text    NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
    content            text,
    parts              text    CHECK (parts IS NULL OR jsonb_typeof(parts::jsonb) = 'array'),
    tool_calls         text    CHECK (tool_calls IS NULL OR jsonb_typeof(tool_calls::jsonb) = 'array'),
    tool_call_id       text,
    status             text    CHECK (status IN ('pending', 'streaming', 'completed', 'error')),
    created_at         bigint  NOT NULL,
    updated_at         bigint  NOT NULL,
    input_tokens       bigint  CHECK (input_tokens >= 0),
    output_tokens      bigint  CHECK (output_tokens >= 0),
    reasoning_tokens   bigint  CHECK (reasoning_tokens >= 0),
    cache_read_tokens  bigint  CHECK (cache_read_tokens >= 0),
    cache_write_tokens bigint  CHECK (cache_write_tokens >= 0),
    cost               double precision,
    -- The text of the text parts, one per line: what search reads besides `content`.
    parts_text         text,
    chunked            boolean NOT NULL DEFAULT false,
    search             tsvector GENERATED ALWAYS AS
                           (to_tsvector('simple', coalesce(content, '') || E'\n' || coalesce(parts_text, ''))) STORED
);

CREATE INDEX messages_by_workspace ON messages (workspace_id);
CREATE INDEX messages_chunked ON messages (workspace_id) WHERE chunked;
CREATE INDEX messages_search ON messages USING gin (search);

CREATE TABLE session_messages (
    session_id text    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    position   bigint  NOT NULL CHECK (position >= 1),
    message_id text    NOT NULL REFERENCES messages (id),
    PRIMARY KEY (session_id, position),
    UNIQUE (session_id, message_id)
);

CREATE INDEX session_messages_by_message ON session_messages (message_id);

CREATE TABLE reverted_links (
    session_id text    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    position   bigint  NOT NULL CHECK (position >= 1),
    message_id text    NOT NULL REFERENCES messages (id),
    PRIMARY KEY (session_id, position)
);

CREATE INDEX reverted_links_by_message ON reverted_links (message_id);

-- A message body goes when no session shows it and no revert can bring it back.
CREATE FUNCTION release_unlinked_body() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM session_messages WHERE message_id = OLD.message_id)
       AND NOT EXISTS (SELECT 1 FROM reverted_links WHERE message_id = OLD.message_id) THEN
        DELETE FROM messages WHERE id = OLD.message_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER session_messages_release_unlinked_body
AFTER DELETE ON session_messages FOR EACH ROW EXECUTE FUNCTION release_unlinked_body();
CREATE TRIGGER reverted_links_release_unlinked_body
AFTER DELETE ON reverted_links FOR EACH ROW EXECUTE FUNCTION release_unlinked_body();

CREATE TABLE message_chunks (
    message_id text    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    sequence   integer NOT NULL CHECK (sequence >= 1),
    text       text    NOT NULL,
    PRIMARY KEY (message_id, sequence)
);

CREATE TABLE changes (
    workspace_id text   NOT NULL,
    sequence     bigint NOT NULL CHECK (sequence >= 1),
    kind         text   NOT NULL CHECK (kind IN ('sessionCreated', 'sessionUpdated', 'sessionDeleted', 'sessionTrashed',
                                                 'sessionRestored', 'sessionForked', 'messageAdded', 'messageUpdated',
                                                 'reverted', 'unreverted')),
    session_id   text,
    message_id   text,
    changed_at   bigint NOT NULL,
    PRIMARY KEY (workspace_id, sequence)
);

-- Followers in other processes LISTEN on this channel; a notification is sent when the change's transaction
-- commits, whoever wrote it (`session-store copy` included).
CREATE FUNCTION changes_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('session_store_changes', NEW.workspace_id);
    RETURN NULL;
END $$;

CREATE TRIGGER changes_notify AFTER INSERT ON changes FOR EACH ROW EXECUTE FUNCTION changes_notify();

-- Each workspace's last change sequence: its row lock orders the changes of concurrent transactions, so the
-- sequence has no gaps and a follower never sees a later change commit before an earlier one.
CREATE TABLE change_counters (
    workspace_id  text   NOT NULL PRIMARY KEY,
    last_sequence bigint NOT NULL
);

CREATE VIEW session_summary AS
SELECT s.workspace_id,
       s.id AS session_id,
       s.title,
       s.parent_id,
       (SELECT count(*) FROM session_messages l WHERE l.session_id = s.id) AS message_count,
       (SELECT count(*) FROM reverted_links r WHERE r.session_id = s.id) AS reverted_count,
       s.forked_from_session_id AS forked_from,
       to_timestamp(s.created_at / 1000.0) AS created,
       to_timestamp(s.updated_at / 1000.0) AS last_activity,
       to_timestamp(s.trashed_at / 1000.0) AS trashed
FROM sessions s;

CREATE VIEW conversation AS
SELECT l.session_id,
       l.position,
       m.role,
       m.status,
       CASE WHEN m.chunked
            THEN coalesce(m.content, '') || coalesce((SELECT string_agg(c.text, '' ORDER BY c.sequence)
                                                      FROM message_chunks c WHERE c.message_id = m.id), '')
            ELSE m.content END AS content,
       m.id AS message_id,
       to_timestamp(m.created_at / 1000.0) AS created
FROM session_messages l
JOIN messages m ON m.id = l.message_id;
