#include "rawc.h"
#include "parts.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

enum {
    BEGIN, COMMIT, ROLLBACK, TOUCH_SESSION, INSERT_MESSAGE, APPEND_LINK, SELECT_MESSAGE, UPDATE_MESSAGE,
    SELECT_MESSAGES, SELECT_LINKS_OF_WORKSPACE, SELECT_SESSIONS, SELECT_SESSION, SELECT_MESSAGE_IDS, INSERT_SESSION, COUNT_SESSIONS,
    COPY_LINKS, DELETE_LINKS_AFTER, STAMP_SESSION, DELETE_SESSION, SEARCH_MESSAGES, SEARCH_SESSION_IDS, STATEMENT_COUNT
};

// The SQL SessionStore's repository runs, statement for statement.
static const char *const SQL[STATEMENT_COUNT] = {
    [BEGIN] = "BEGIN IMMEDIATE",
    [COMMIT] = "COMMIT",
    [ROLLBACK] = "ROLLBACK",
    [TOUCH_SESSION] = "UPDATE sessions SET updated_at = ?3 WHERE id = ?1 AND workspace_id = ?2",
    [INSERT_MESSAGE] = "INSERT INTO messages (id, session_id, role, content, parts, tool_calls, tool_call_id, status, "
                       "created_at, updated_at, workspace_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [APPEND_LINK] = "INSERT INTO session_links (session_id, position, message_id) "
                    "SELECT ?1, coalesce(max(position), 0) + 1, ?2 FROM session_links WHERE session_id = ?1",
    [SELECT_MESSAGE] = "SELECT m.id, m.session_id, m.role, m.content, m.parts, m.tool_calls, m.tool_call_id, m.status, "
                       "m.created_at, m.updated_at FROM messages m WHERE m.id = ?1 AND m.workspace_id = ?2",
    [UPDATE_MESSAGE] = "UPDATE messages SET content = ?4, parts = ?5, tool_calls = ?6, tool_call_id = ?7, status = ?8, "
                       "updated_at = ?10 WHERE id = ?1 AND workspace_id = ?11 AND session_id = ?2 AND role = ?3 "
                       "AND created_at = ?9",
    [SELECT_MESSAGES] = "SELECT m.id, m.session_id, m.role, m.content, m.parts, m.tool_calls, m.tool_call_id, m.status, "
                        "m.created_at, m.updated_at FROM sessions s JOIN session_links l ON l.session_id = s.id "
                        "JOIN messages m ON m.id = l.message_id WHERE s.id = ?1 AND s.workspace_id = ?2 "
                        "ORDER BY l.position",
    [SELECT_LINKS_OF_WORKSPACE] = "SELECT l.session_id, l.message_id FROM sessions s JOIN session_links l "
                                  "ON l.session_id = s.id WHERE s.workspace_id = ?1 ORDER BY l.session_id, l.position",
    [SELECT_SESSIONS] = "SELECT id, workspace_id, title, parent_id, created_at, updated_at, model_provider_id, model_id, "
                        "agent, revert_message_id, revert_reason FROM sessions WHERE workspace_id = ?1 "
                        "ORDER BY updated_at DESC, id DESC",
    [SELECT_SESSION] = "SELECT id, workspace_id, title, parent_id, created_at, updated_at, model_provider_id, model_id, "
                       "agent, revert_message_id, revert_reason FROM sessions WHERE id = ?1 AND workspace_id = ?2",
    [SELECT_MESSAGE_IDS] = "SELECT message_id FROM session_links WHERE session_id = ?1 ORDER BY position",
    [COUNT_SESSIONS] = "SELECT count(*) FROM sessions WHERE workspace_id = ?1",
    [INSERT_SESSION] = "INSERT INTO sessions (id, workspace_id, title, parent_id, created_at, updated_at, "
                       "model_provider_id, model_id, agent, revert_message_id, revert_reason) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [COPY_LINKS] = "INSERT INTO session_links (session_id, position, message_id) "
                   "SELECT ?1, position, message_id FROM session_links WHERE session_id = ?2",
    [DELETE_LINKS_AFTER] = "DELETE FROM session_links WHERE session_id = ?1 AND position > ?2",
    [STAMP_SESSION] = "UPDATE sessions SET updated_at = ?2 WHERE id = ?1",
    [DELETE_SESSION] = "DELETE FROM sessions WHERE id = ?1 AND workspace_id = ?2",
    // searchMessages' query as it was before bm25_best: SQLite's bm25() ranks every match.
    [SEARCH_MESSAGES] = "SELECT m.id, m.role, m.created_at, snippet(message_search, -1, '**', '**', '…', 16) "
                        "FROM message_search JOIN messages m ON m.search_rowid = message_search.rowid "
                        "WHERE message_search MATCH ?1 AND m.workspace_id = ?2 AND m.chunked = 0 "
                        "AND EXISTS (SELECT 1 FROM session_links l JOIN sessions s ON s.id = l.session_id "
                        "WHERE l.message_id = m.id AND s.trashed_at IS NULL "
                        "AND (s.reverted_from IS NULL OR l.position < s.reverted_from)) ORDER BY rank LIMIT ?3",
    [SEARCH_SESSION_IDS] = "SELECT l.session_id FROM session_links l JOIN sessions s ON s.id = l.session_id "
                           "WHERE l.message_id = ?1 AND s.trashed_at IS NULL "
                           "AND (s.reverted_from IS NULL OR l.position < s.reverted_from) ORDER BY l.session_id",
};

struct rawc_store {
    sqlite3 *db;
    sqlite3_stmt *statements[STATEMENT_COUNT];
    // The copies of text columns the last call made: what it returns to its caller, who releases them.
    char **copies;
    size_t copy_count, copy_capacity;
};

static sqlite3_stmt *statement(rawc_store *store, int which) {
    sqlite3_stmt *stmt = store->statements[which];
    if (!stmt) {
        sqlite3_prepare_v3(store->db, SQL[which], -1, SQLITE_PREPARE_PERSISTENT, &store->statements[which], NULL);
        stmt = store->statements[which];
    } else {
        sqlite3_reset(stmt);
    }
    return stmt;
}

static void text(sqlite3_stmt *stmt, int index, const char *value) {
    if (value) sqlite3_bind_text(stmt, index, value, -1, SQLITE_STATIC);
    else sqlite3_bind_null(stmt, index);
}

static int run(sqlite3_stmt *stmt) {
    int code;
    while ((code = sqlite3_step(stmt)) == SQLITE_ROW) {}
    sqlite3_reset(stmt);
    return code == SQLITE_DONE ? SQLITE_OK : code;
}

// Keeps an allocation a read made until rawc_release_values, as a Swift read builds values its caller holds: the
// floor must allocate what it returns and free it later, not reuse one buffer that stays in cache.
static void keep(void *context, void *allocation) {
    rawc_store *store = context;
    if (store->copy_count == store->copy_capacity) {
        store->copy_capacity = store->copy_capacity ? store->copy_capacity * 2 : 16;
        store->copies = realloc(store->copies, store->copy_capacity * sizeof *store->copies);
    }
    store->copies[store->copy_count++] = allocation;
}

static void copy_text(rawc_store *store, sqlite3_stmt *stmt, int column) {
    const unsigned char *value = sqlite3_column_text(stmt, column);
    if (!value) return;
    int length = sqlite3_column_bytes(stmt, column);
    char *copy = malloc((size_t)length + 1);
    memcpy(copy, value, (size_t)length);
    copy[length] = 0;
    keep(store, copy);
}

void rawc_release_values(rawc_store *store) {
    for (size_t i = 0; i < store->copy_count; i++) free(store->copies[i]);
    free(store->copies);
    store->copies = NULL;
    store->copy_count = store->copy_capacity = 0;
}

static int finish(rawc_store *store, int code) {
    rawc_release_values(store);
    if (code == SQLITE_OK) return run(statement(store, COMMIT));
    if (!sqlite3_get_autocommit(store->db)) run(statement(store, ROLLBACK));
    return code;
}

rawc_store *rawc_open(const char *path, int synchronous_full) {
    rawc_store *store = calloc(1, sizeof *store);
    if (sqlite3_open_v2(path, &store->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL)) {
        rawc_close(store);
        return NULL;
    }
    sqlite3_busy_timeout(store->db, 5000);
    sqlite3_exec(store->db, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA secure_delete = FAST", NULL, NULL, NULL);
    sqlite3_exec(store->db, synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
    return store;
}

void rawc_close(rawc_store *store) {
    rawc_release_values(store);
    for (int i = 0; i < STATEMENT_COUNT; i++) sqlite3_finalize(store->statements[i]);
    sqlite3_close_v2(store->db);
    free(store);
}

int rawc_add_message(rawc_store *store, const char *workspace_id, const char *session_id, const char *message_id,
                     const char *role, const char *content, const char *parts, int64_t now) {
    int code = run(statement(store, BEGIN));
    if (code) return code;
    sqlite3_stmt *touch = statement(store, TOUCH_SESSION);
    text(touch, 1, session_id);
    text(touch, 2, workspace_id);
    sqlite3_bind_int64(touch, 3, now);
    code = run(touch);
    if (!code && sqlite3_changes(store->db) == 0) code = SQLITE_NOTFOUND;
    if (!code) {
        sqlite3_stmt *insert = statement(store, INSERT_MESSAGE);
        text(insert, 1, message_id);
        text(insert, 2, session_id);
        text(insert, 3, role);
        text(insert, 4, content);
        text(insert, 5, parts);
        text(insert, 6, NULL);
        text(insert, 7, NULL);
        text(insert, 8, NULL);
        sqlite3_bind_int64(insert, 9, now);
        sqlite3_bind_int64(insert, 10, now);
        text(insert, 11, workspace_id);
        code = run(insert);
    }
    if (!code) {
        sqlite3_stmt *link = statement(store, APPEND_LINK);
        text(link, 1, session_id);
        text(link, 2, message_id);
        code = run(link);
    }
    return finish(store, code);
}

int rawc_update_message(rawc_store *store, const char *workspace_id, const char *message_id, const char *content,
                        int64_t now) {
    int code = run(statement(store, BEGIN));
    if (code) return code;
    sqlite3_stmt *select = statement(store, SELECT_MESSAGE);
    text(select, 1, message_id);
    text(select, 2, workspace_id);
    if (sqlite3_step(select) != SQLITE_ROW) {
        sqlite3_reset(select);
        return finish(store, SQLITE_NOTFOUND);
    }
    sqlite3_stmt *update = statement(store, UPDATE_MESSAGE);
    for (int column = 0; column < 10; column++) {
        if (column == 3) continue;
        sqlite3_bind_value(update, column + 1, sqlite3_column_value(select, column));
    }
    text(update, 4, content);
    sqlite3_bind_int64(update, 10, now);
    text(update, 11, workspace_id);
    code = run(update);
    sqlite3_reset(select);
    return finish(store, code);
}

int64_t rawc_get_session_messages(rawc_store *store, const char *workspace_id, const char *session_id,
                                  int parse_parts) {
    // Reads run in BEGIN DEFERRED … COMMIT in the repository; a lone statement is its own snapshot here.
    sqlite3_stmt *select = statement(store, SELECT_MESSAGES);
    text(select, 1, session_id);
    text(select, 2, workspace_id);
    int64_t rows = 0;
    while (sqlite3_step(select) == SQLITE_ROW) {
        for (int column = 0; column < 8; column++) {
            const unsigned char *parts = column == 4 && parse_parts ? sqlite3_column_text(select, 4) : NULL;
            if (!parts) {
                copy_text(store, select, column);
            } else if (rawc_read_parts((const char *)parts, (size_t)sqlite3_column_bytes(select, 4), keep, store) < 0) {
                sqlite3_reset(select);
                return -1;
            }
        }
        sqlite3_column_int64(select, 8);
        sqlite3_column_int64(select, 9);
        rows++;
    }
    sqlite3_reset(select);
    return rows;
}

int64_t rawc_count_sessions(rawc_store *store, const char *workspace_id) {
    sqlite3_stmt *count = statement(store, COUNT_SESSIONS);
    text(count, 1, workspace_id);
    int64_t sessions = sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int64(count, 0) : -1;
    sqlite3_reset(count);
    return sessions;
}

int64_t rawc_list_sessions(rawc_store *store, const char *workspace_id) {
    sqlite3_exec(store->db, "BEGIN", NULL, NULL, NULL);
    sqlite3_stmt *links = statement(store, SELECT_LINKS_OF_WORKSPACE);
    text(links, 1, workspace_id);
    while (sqlite3_step(links) == SQLITE_ROW) {
        copy_text(store, links, 0);
        copy_text(store, links, 1);
    }
    sqlite3_reset(links);
    sqlite3_stmt *sessions = statement(store, SELECT_SESSIONS);
    text(sessions, 1, workspace_id);
    int64_t count = 0;
    while (sqlite3_step(sessions) == SQLITE_ROW) {
        for (int column = 0; column < 11; column++) {
            if (column == 4 || column == 5) sqlite3_column_int64(sessions, column);
            else copy_text(store, sessions, column);
        }
        count++;
    }
    sqlite3_reset(sessions);
    run(statement(store, COMMIT));
    return count;
}

// Reads the session row and its message ids, as the repository does before changing a session.
static int read_session(rawc_store *store, const char *workspace_id, const char *session_id, int64_t *message_count,
                        int64_t *position_of, const char *message_id) {
    sqlite3_stmt *select = statement(store, SELECT_SESSION);
    text(select, 1, session_id);
    text(select, 2, workspace_id);
    int found = sqlite3_step(select) == SQLITE_ROW;
    if (found) for (int column = 0; column < 11; column++) copy_text(store, select, column);
    sqlite3_reset(select);
    if (!found) return SQLITE_NOTFOUND;
    sqlite3_stmt *ids = statement(store, SELECT_MESSAGE_IDS);
    text(ids, 1, session_id);
    int64_t count = 0;
    while (sqlite3_step(ids) == SQLITE_ROW) {
        count++;
        if (message_id && position_of && strcmp((const char *)sqlite3_column_text(ids, 0), message_id) == 0) {
            *position_of = count;
        }
        copy_text(store, ids, 0);
    }
    sqlite3_reset(ids);
    *message_count = count;
    return SQLITE_OK;
}

int rawc_fork_session(rawc_store *store, const char *workspace_id, const char *session_id, const char *fork_id,
                      int64_t now) {
    int code = run(statement(store, BEGIN));
    if (code) return code;
    int64_t count = 0;
    code = read_session(store, workspace_id, session_id, &count, NULL, NULL);
    if (!code) {
        sqlite3_stmt *insert = statement(store, INSERT_SESSION);
        text(insert, 1, fork_id);
        text(insert, 2, workspace_id);
        text(insert, 3, "Forked Session");
        text(insert, 4, session_id);
        sqlite3_bind_int64(insert, 5, now);
        sqlite3_bind_int64(insert, 6, now);
        for (int index = 7; index <= 11; index++) sqlite3_bind_null(insert, index);
        code = run(insert);
    }
    if (!code) {
        sqlite3_stmt *copy = statement(store, COPY_LINKS);
        text(copy, 1, fork_id);
        text(copy, 2, session_id);
        code = run(copy);
    }
    return finish(store, code);
}

int rawc_revert(rawc_store *store, const char *workspace_id, const char *session_id, const char *message_id,
                int64_t now) {
    int code = run(statement(store, BEGIN));
    if (code) return code;
    int64_t count = 0, position = 0;
    code = read_session(store, workspace_id, session_id, &count, &position, message_id);
    if (!code && position == 0) code = SQLITE_NOTFOUND;
    if (!code) {
        sqlite3_stmt *remove = statement(store, DELETE_LINKS_AFTER);
        text(remove, 1, session_id);
        sqlite3_bind_int64(remove, 2, position);
        code = run(remove);
    }
    if (!code) {
        sqlite3_stmt *stamp = statement(store, STAMP_SESSION);
        text(stamp, 1, session_id);
        sqlite3_bind_int64(stamp, 2, now);
        code = run(stamp);
    }
    return finish(store, code);
}

int rawc_delete_session(rawc_store *store, const char *workspace_id, const char *session_id) {
    int code = run(statement(store, BEGIN));
    if (code) return code;
    sqlite3_stmt *remove = statement(store, DELETE_SESSION);
    text(remove, 1, session_id);
    text(remove, 2, workspace_id);
    return finish(store, run(remove));
}

int64_t rawc_search_messages(rawc_store *store, const char *workspace_id, const char *expression, int limit) {
    sqlite3_stmt *search = statement(store, SEARCH_MESSAGES);
    text(search, 1, expression);
    text(search, 2, workspace_id);
    sqlite3_bind_int(search, 3, limit);
    int64_t hits = 0;
    int code;
    while ((code = sqlite3_step(search)) == SQLITE_ROW) {
        copy_text(store, search, 0);
        copy_text(store, search, 1);
        sqlite3_column_int64(search, 2);
        copy_text(store, search, 3);
        sqlite3_stmt *sessions = statement(store, SEARCH_SESSION_IDS);
        sqlite3_bind_text(sessions, 1, (const char *)sqlite3_column_text(search, 0), -1, SQLITE_TRANSIENT);
        while (sqlite3_step(sessions) == SQLITE_ROW) copy_text(store, sessions, 0);
        sqlite3_reset(sessions);
        hits++;
    }
    sqlite3_reset(search);
    return code == SQLITE_DONE ? hits : -1;
}
