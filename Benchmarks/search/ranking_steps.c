// Where the time of a search of common words goes: searchMessages' query (20 hits and one to tell whether more
// follow) ranked by SQLite's bm25(), by bm25_best's method, and by the same method with its steps left out in turn.
// The minimum of ten runs of each.
//
//   gcc -O2 ranking_steps.c -o ranking_steps -lsqlite3 -lm
//   ./ranking_steps prose.sqlite '"pbaylsq" "quedpe"*' ['PRAGMA cache_size = -32768']
//
// prose.sqlite: prose_store.py. The ranking is SessionStoreSQLite's BestMatchRanking.swift, written again in C.
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fts5_bench.h"

enum { FULL, NO_SIZES, WEIGHTS_ONLY, NOTHING };

typedef struct {
    int phrases, columns, best, kept_count;
    double average_length, *inverse, *frequency, *kept;
} ranking;

static void release(void *pointer) {
    ranking *r = pointer;
    free(r->inverse), free(r->frequency), free(r->kept), free(r);
}

static double sum(const ranking *r, double length) {
    double score = 0;
    for (int i = 0; i < r->phrases; i++)
        score += r->inverse[i] * ((r->frequency[i] * 2.2) / (r->frequency[i] + 1.2 * (1 - 0.75 + 0.75 * length / r->average_length)));
    return score;
}

static void keep(ranking *r, double score) {  // a min-heap of the best scores
    double *h = r->kept;
    if (r->kept_count < r->best) {
        int i = r->kept_count++;
        for (h[i] = score; i > 0 && h[(i - 1) / 2] > h[i]; i = (i - 1) / 2) {
            double t = h[i]; h[i] = h[(i - 1) / 2]; h[(i - 1) / 2] = t;
        }
        return;
    }
    if (score <= h[0]) return;
    h[0] = score;
    for (int i = 0;;) {
        int l = 2 * i + 1, m = i;
        if (l < r->kept_count && h[l] < h[m]) m = l;
        if (l + 1 < r->kept_count && h[l + 1] < h[m]) m = l + 1;
        if (m == i) return;
        double t = h[i]; h[i] = h[m]; h[m] = t; i = m;
    }
}

// steps(mode, k)
static void steps(const Fts5ExtensionApi *api, Fts5Context *context, sqlite3_context *result, int n, sqlite3_value **values) {
    int mode = sqlite3_value_int(values[0]);
    if (mode == NOTHING) { sqlite3_result_double(result, 0); return; }
    ranking *r = api->xGetAuxdata(context, 0);
    if (!r) {
        r = calloc(1, sizeof *r);
        r->phrases = api->xPhraseCount(context);
        r->columns = api->xColumnCount(context);
        r->best = sqlite3_value_int(values[1]);
        r->inverse = calloc(r->phrases, sizeof(double));
        r->frequency = calloc(r->phrases, sizeof(double));
        r->kept = calloc(r->best, sizeof(double));
        sqlite3_int64 rows = 0, tokens = 0;
        api->xRowCount(context, &rows);
        api->xColumnTotalSize(context, -1, &tokens);
        r->average_length = (double)tokens / (double)rows;
        for (int i = 0; i < r->phrases; i++) {
            sqlite3_int64 hits = 0;
            api->xQueryPhrase(context, i, &hits, count_row);
            double inverse = log((rows - hits + 0.5) / (hits + 0.5));
            r->inverse[i] = inverse <= 0 ? 1e-6 : inverse;
        }
        api->xSetAuxdata(context, r, release);
    }
    if (mode == WEIGHTS_ONLY) { sqlite3_result_double(result, 0); return; }
    int instances = 0, last[16];
    api->xInstCount(context, &instances);
    memset(r->frequency, 0, r->phrases * sizeof(double));
    for (int c = 0; c < r->columns && c < 16; c++) last[c] = -1;
    for (int i = 0; i < instances; i++) {
        int phrase, column, offset;
        api->xInst(context, i, &phrase, &column, &offset);
        r->frequency[phrase] += 1;
        if (column < 16 && offset > last[column]) last[column] = offset;
    }
    if (r->kept_count == r->best) {
        double shortest = 0;
        for (int c = 0; c < r->columns && c < 16; c++) shortest += last[c] + 1;
        if (sum(r, shortest) < r->kept[0]) { sqlite3_result_double(result, 1); return; }
    }
    int length = 40;
    if (mode == FULL) api->xColumnSize(context, -1, &length);
    double score = sum(r, length);
    keep(r, score);
    sqlite3_result_double(result, -1.0 * score);
}

static const char *search =
    "SELECT m.id, m.role, m.created_at, CASE WHEN m.id IS NOT NULL THEN snippet(message_search, -1, '**', '**', '…', 16) END "
    "FROM message_search LEFT JOIN messages m ON m.search_rowid = message_search.rowid AND m.workspace_id = 'bench' "
    "AND m.chunked = 0 AND EXISTS (SELECT 1 FROM session_links l JOIN sessions s ON s.id = l.session_id "
    "WHERE l.message_id = m.id AND s.trashed_at IS NULL AND (s.reverted_from IS NULL OR l.position < s.reverted_from)) "
    "WHERE message_search MATCH ?1 AND message_search.rank MATCH ?2 ORDER BY rank LIMIT 21";

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s DB EXPRESSION [SQL]\n", argv[0]); return 2; }
    sqlite3 *db;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, 0) != SQLITE_OK) { fprintf(stderr, "cannot open %s\n", argv[1]); return 1; }
    if (argc > 3) sqlite3_exec(db, argv[3], 0, 0, 0);
    sqlite3_stmt *statement;
    add_function(db, "steps", steps);
    const char *labels[] = {"bm25()", "bm25_best", "  without the sizes", "  the word weights alone", "  no ranking"};
    const char *ranks[] = {"bm25()", "steps(0, 21)", "steps(1, 21)", "steps(2, 21)", "steps(3, 21)"};
    double best[5] = {1e9, 1e9, 1e9, 1e9, 1e9};
    for (int run = 0; run < 10; run++) {
        for (int i = 0; i < 5; i++) {
            sqlite3_prepare_v2(db, search, -1, &statement, 0);
            sqlite3_bind_text(statement, 1, argv[2], -1, SQLITE_STATIC);
            sqlite3_bind_text(statement, 2, ranks[i], -1, SQLITE_STATIC);
            double started = now_ms();
            int code;
            while ((code = sqlite3_step(statement)) == SQLITE_ROW) {}
            if (code != SQLITE_DONE) { fprintf(stderr, "%s\n", sqlite3_errmsg(db)); return 1; }
            sqlite3_finalize(statement);
            double elapsed = now_ms() - started;
            if (elapsed < best[i]) best[i] = elapsed;
        }
    }
    for (int i = 0; i < 5; i++) printf("%-26s %7.2f ms\n", labels[i], best[i]);
    return 0;
}
