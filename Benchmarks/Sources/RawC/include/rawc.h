#ifndef RAWC_H
#define RAWC_H

#include <stdint.h>

// The floor for SessionStore's Swift layer: the same statements on the same schema, straight on libsqlite3.
// Every function returns SQLITE_OK (0) on success, or the SQLite result code of the first failure.

typedef struct rawc_store rawc_store;

rawc_store *rawc_open(const char *path, int synchronous_full);
void rawc_close(rawc_store *store);

int rawc_add_message(rawc_store *store, const char *workspace_id, const char *session_id, const char *message_id,
                     const char *role, const char *content, const char *parts, int64_t now);
int rawc_update_message(rawc_store *store, const char *workspace_id, const char *message_id, const char *content,
                        int64_t now);
/// Reads the session's messages in order, copying every text column as building values would, or with
/// `parse_parts` reading the `parts` column's JSON into structs instead of copying it; returns the number of rows,
/// or -1. The copies live until rawc_release_values, as values returned to a caller do.
int64_t rawc_get_session_messages(rawc_store *store, const char *workspace_id, const char *session_id,
                                  int parse_parts);
/// Reads the workspace's sessions with their message ids, copying them as rawc_get_session_messages does;
/// returns the number of sessions, or -1.
int64_t rawc_list_sessions(rawc_store *store, const char *workspace_id);
/// Frees the copies the last read made, as a caller drops the values it was returned.
void rawc_release_values(rawc_store *store);
/// The number of the workspace's sessions, or -1.
int64_t rawc_count_sessions(rawc_store *store, const char *workspace_id);
int rawc_fork_session(rawc_store *store, const char *workspace_id, const char *session_id, const char *fork_id,
                      int64_t now);
int rawc_revert(rawc_store *store, const char *workspace_id, const char *session_id, const char *message_id,
                int64_t now);
int rawc_delete_session(rawc_store *store, const char *workspace_id, const char *session_id);
/// The best `limit` messages of the workspace that match the FTS5 `expression`, with their snippets and sessions,
/// as searchMessages read them before bm25_best (SQLite's bm25() ranking every match); the number of hits, or -1.
int64_t rawc_search_messages(rawc_store *store, const char *workspace_id, const char *expression, int limit);

#endif
