// What ranking_steps.c and ranking_limits.c share: a clock, a row counter for xQueryPhrase, and adding an FTS5
// auxiliary function to a connection.
#include <sqlite3.h>
#include <time.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int count_row(const Fts5ExtensionApi *api, Fts5Context *context, void *hits) {
    ++*(sqlite3_int64 *)hits;
    return SQLITE_OK;
}

static void add_function(sqlite3 *db, const char *name, fts5_extension_function function) {
    fts5_api *fts5 = 0;
    sqlite3_stmt *statement;
    sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, 0);
    sqlite3_bind_pointer(statement, 1, &fts5, "fts5_api_ptr", 0);
    sqlite3_step(statement);
    sqlite3_finalize(statement);
    fts5->xCreateFunction(fts5, name, 0, function, 0);
}
