// What any exact bm25() ranking of a query still has to pay, on the store of prose_store.py:
//  1. how many document sizes bm25_best's bound lets it skip, against the fewest any order of the matches could
//     read with that bound (reading only the matches whose bound reaches the k-th best score);
//  2. counting each word's documents (bm25()'s word weights) by FTS5's xQueryPhrase, as bm25() and bm25_best do,
//     against an fts5vocab table, the only other count FTS5 offers (it reads the same lists). The minimum of ten.
//
//   gcc -O2 ranking_limits.c -o ranking_limits -lsqlite3 -lm
//   ./ranking_limits prose.sqlite '"pbaylsq" "quedpe"*' pbaylsq quedpe
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fts5_bench.h"

enum { BEST = 21, MAX_PHRASES = 8, MAX_COLUMNS = 4 };

typedef struct { double bound, score; } match;

static struct {
    int phrases, columns, count, capacity;
    double average_length, inverse[MAX_PHRASES], counting_ms[MAX_PHRASES];
    match *matches;
} query;

static double sum(const double *frequency, double length) {
    double score = 0;
    for (int i = 0; i < query.phrases; i++)
        score += query.inverse[i] * ((frequency[i] * 2.2) / (frequency[i] + 1.2 * (1 - 0.75 + 0.75 * length / query.average_length)));
    return score;
}

// Records every match's bound and bm25() score; the query's order is of no interest here.
static void record(const Fts5ExtensionApi *api, Fts5Context *context, sqlite3_context *result, int n, sqlite3_value **values) {
    if (!api->xGetAuxdata(context, 0)) {
        sqlite3_int64 rows = 0, tokens = 0;
        api->xRowCount(context, &rows);
        api->xColumnTotalSize(context, -1, &tokens);
        query.average_length = (double)tokens / (double)rows;
        query.phrases = api->xPhraseCount(context);
        query.columns = api->xColumnCount(context);
        for (int i = 0; i < query.phrases && i < MAX_PHRASES; i++) {
            sqlite3_int64 hits = 0;
            double started = now_ms();
            api->xQueryPhrase(context, i, &hits, count_row);
            double elapsed = now_ms() - started;
            if (query.counting_ms[i] == 0 || elapsed < query.counting_ms[i]) query.counting_ms[i] = elapsed;
            double inverse = log((rows - hits + 0.5) / (hits + 0.5));
            query.inverse[i] = inverse <= 0 ? 1e-6 : inverse;
        }
        api->xSetAuxdata(context, &query, 0);
        query.count = 0;
    }
    int instances = 0, length = 0, last[MAX_COLUMNS] = {-1, -1, -1, -1};
    double frequency[MAX_PHRASES] = {0};
    api->xInstCount(context, &instances);
    for (int i = 0; i < instances; i++) {
        int phrase, column, offset;
        api->xInst(context, i, &phrase, &column, &offset);
        frequency[phrase] += 1;
        if (offset > last[column]) last[column] = offset;
    }
    double shortest = 0;
    for (int c = 0; c < query.columns; c++) shortest += last[c] + 1;
    api->xColumnSize(context, -1, &length);
    if (query.count == query.capacity) {
        query.capacity = query.capacity ? 2 * query.capacity : 1024;
        query.matches = realloc(query.matches, query.capacity * sizeof(match));
    }
    query.matches[query.count++] = (match){sum(frequency, shortest), sum(frequency, length)};
    sqlite3_result_double(result, 0);
}

static int descending(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

// The sizes bm25_best reads, visiting the matches in rowid order as FTS5 does.
static int reads_in_rowid_order(void) {
    double kept[BEST];
    int count = 0, reads = 0;
    for (int i = 0; i < query.count; i++) {
        int lowest = 0;
        for (int j = 1; j < count; j++) if (kept[j] < kept[lowest]) lowest = j;
        if (count == BEST && query.matches[i].bound < kept[lowest]) continue;
        reads++;
        if (count < BEST) kept[count++] = query.matches[i].score;
        else if (query.matches[i].score > kept[lowest]) kept[lowest] = query.matches[i].score;
    }
    return reads;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s DB EXPRESSION [WORD...]\n", argv[0]); return 2; }
    sqlite3 *db;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, 0) != SQLITE_OK) { fprintf(stderr, "cannot open %s\n", argv[1]); return 1; }
    sqlite3_stmt *statement;
    add_function(db, "record", record);
    for (int run = 0; run < 10; run++) {
        sqlite3_prepare_v2(db, "SELECT rowid FROM message_search WHERE message_search MATCH ?1 AND rank MATCH 'record()' ORDER BY rank LIMIT 1", -1, &statement, 0);
        sqlite3_bind_text(statement, 1, argv[2], -1, SQLITE_STATIC);
        int code;
        while ((code = sqlite3_step(statement)) == SQLITE_ROW) {}
        if (code != SQLITE_DONE) { fprintf(stderr, "%s\n", sqlite3_errmsg(db)); return 1; }
        sqlite3_finalize(statement);
    }
    if (query.count < BEST) { fprintf(stderr, "fewer than %d matches\n", BEST); return 1; }
    double *scores = malloc(query.count * sizeof(double));
    for (int i = 0; i < query.count; i++) scores[i] = query.matches[i].score;
    qsort(scores, query.count, sizeof(double), descending);
    int needed = 0;
    for (int i = 0; i < query.count; i++) needed += query.matches[i].bound >= scores[BEST - 1];
    printf("%d matches; sizes read for the best %d: %d in rowid order, at least %d in any order\n",
           query.count, BEST, reads_in_rowid_order(), needed);
    for (int i = 0; i < query.phrases && i < MAX_PHRASES; i++)
        printf("phrase %d: counted by xQueryPhrase in %.2f ms\n", i, query.counting_ms[i]);

    sqlite3_exec(db, "CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, message_search, row)", 0, 0, 0);
    for (int w = 3; w < argc; w++) {
        double best = 1e9;
        sqlite3_int64 documents = 0;
        for (int run = 0; run < 10; run++) {
            sqlite3_prepare_v2(db, "SELECT doc FROM temp.vocabulary WHERE term = ?1", -1, &statement, 0);
            sqlite3_bind_text(statement, 1, argv[w], -1, SQLITE_STATIC);
            double started = now_ms();
            if (sqlite3_step(statement) == SQLITE_ROW) documents = sqlite3_column_int64(statement, 0);
            double elapsed = now_ms() - started;
            sqlite3_finalize(statement);
            if (elapsed < best) best = elapsed;
        }
        printf("%s: %lld documents, counted by fts5vocab in %.2f ms\n", argv[w], documents, best);
    }
    return 0;
}
