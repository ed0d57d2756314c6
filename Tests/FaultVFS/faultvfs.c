// A VFS that forwards every call to the default one and fails the Nth write or sync when armed: the test
// helper FaultInjector uses it to check that an I/O failure at any point of a write leaves the store intact.
#include "faultvfs.h"

#include <pthread.h>
#include <sqlite3.h>
#include <string.h>

typedef struct {
    sqlite3_file base;
    sqlite3_file *real;
} fault_file;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static faultvfs_kind armed_kind;
static int armed_at, writes, syncs, fired;

/// Counts a call of `kind` and says whether it is the one to fail.
static int should_fail(int is_write) {
    pthread_mutex_lock(&lock);
    int count = is_write ? ++writes : ++syncs;
    int matches = is_write ? (armed_kind == FAULTVFS_WRITE || armed_kind == FAULTVFS_FULL) : armed_kind == FAULTVFS_SYNC;
    int fail = matches && count == armed_at;
    if (fail) fired = 1;
    pthread_mutex_unlock(&lock);
    return fail;
}

#define REAL(f) (((fault_file *)(f))->real)

static int f_close(sqlite3_file *f) {
    int rc = REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;
    sqlite3_free(REAL(f));
    return rc;
}
static int f_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o) { return REAL(f)->pMethods->xRead(REAL(f), b, n, o); }
static int f_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o) {
    if (should_fail(1)) return armed_kind == FAULTVFS_FULL ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    return REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 s) { return REAL(f)->pMethods->xTruncate(REAL(f), s); }
static int f_sync(sqlite3_file *f, int flags) {
    if (should_fail(0)) return SQLITE_IOERR_FSYNC;
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int f_size(sqlite3_file *f, sqlite3_int64 *s) { return REAL(f)->pMethods->xFileSize(REAL(f), s); }
static int f_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int f_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int f_reserved(sqlite3_file *f, int *r) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), r); }
static int f_control(sqlite3_file *f, int op, void *a) { return REAL(f)->pMethods->xFileControl(REAL(f), op, a); }
static int f_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int f_device(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int f_shm_map(sqlite3_file *f, int p, int s, int e, void volatile **m) {
    return REAL(f)->pMethods->xShmMap(REAL(f), p, s, e, m);
}
static int f_shm_lock(sqlite3_file *f, int o, int n, int flags) { return REAL(f)->pMethods->xShmLock(REAL(f), o, n, flags); }
static void f_shm_barrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int f_shm_unmap(sqlite3_file *f, int d) { return REAL(f)->pMethods->xShmUnmap(REAL(f), d); }
static int f_fetch(sqlite3_file *f, sqlite3_int64 o, int n, void **p) { return REAL(f)->pMethods->xFetch(REAL(f), o, n, p); }
static int f_unfetch(sqlite3_file *f, sqlite3_int64 o, void *p) { return REAL(f)->pMethods->xUnfetch(REAL(f), o, p); }

static const sqlite3_io_methods fault_methods = {
    3, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock, f_unlock, f_reserved, f_control, f_sector, f_device,
    f_shm_map, f_shm_lock, f_shm_barrier, f_shm_unmap, f_fetch, f_unfetch,
};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out) {
    (void)vfs;
    fault_file *wrapper = (fault_file *)file;
    wrapper->real = sqlite3_malloc(real_vfs->szOsFile);
    if (!wrapper->real) return SQLITE_NOMEM;
    memset(wrapper->real, 0, real_vfs->szOsFile);
    int rc = real_vfs->xOpen(real_vfs, name, wrapper->real, flags, out);
    // The methods are set even on failure, so that SQLite's xClose frees the real file.
    wrapper->base.pMethods = &fault_methods;
    if (rc != SQLITE_OK && !wrapper->real->pMethods) {
        sqlite3_free(wrapper->real);
        wrapper->real = NULL;
        wrapper->base.pMethods = NULL;
    }
    return rc;
}
static int v_delete(sqlite3_vfs *v, const char *n, int s) { (void)v; return real_vfs->xDelete(real_vfs, n, s); }
static int v_access(sqlite3_vfs *v, const char *n, int f, int *r) { (void)v; return real_vfs->xAccess(real_vfs, n, f, r); }
static int v_full(sqlite3_vfs *v, const char *n, int s, char *o) { (void)v; return real_vfs->xFullPathname(real_vfs, n, s, o); }
static void *v_dlopen(sqlite3_vfs *v, const char *n) { (void)v; return real_vfs->xDlOpen(real_vfs, n); }
static void v_dlerror(sqlite3_vfs *v, int n, char *m) { (void)v; real_vfs->xDlError(real_vfs, n, m); }
static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *s))(void) { (void)v; return real_vfs->xDlSym(real_vfs, h, s); }
static void v_dlclose(sqlite3_vfs *v, void *h) { (void)v; real_vfs->xDlClose(real_vfs, h); }
static int v_random(sqlite3_vfs *v, int n, char *o) { (void)v; return real_vfs->xRandomness(real_vfs, n, o); }
static int v_sleep(sqlite3_vfs *v, int m) { (void)v; return real_vfs->xSleep(real_vfs, m); }
static int v_time(sqlite3_vfs *v, double *t) { (void)v; return real_vfs->xCurrentTime(real_vfs, t); }
static int v_error(sqlite3_vfs *v, int n, char *m) { (void)v; return real_vfs->xGetLastError(real_vfs, n, m); }
static int v_time64(sqlite3_vfs *v, sqlite3_int64 *t) { (void)v; return real_vfs->xCurrentTimeInt64(real_vfs, t); }

int faultvfs_register(void) {
    if (real_vfs) return SQLITE_OK;
    real_vfs = sqlite3_vfs_find(NULL);
    if (!real_vfs) return SQLITE_ERROR;
    fault_vfs = (sqlite3_vfs){
        2, (int)sizeof(fault_file), real_vfs->mxPathname, NULL, "faultvfs", NULL, v_open, v_delete, v_access, v_full,
        v_dlopen, v_dlerror, v_dlsym, v_dlclose, v_random, v_sleep, v_time, v_error, v_time64,
    };
    return sqlite3_vfs_register(&fault_vfs, 1);
}

void faultvfs_arm(faultvfs_kind kind, int n) {
    pthread_mutex_lock(&lock);
    armed_kind = kind;
    armed_at = n;
    writes = syncs = fired = 0;
    pthread_mutex_unlock(&lock);
}

int faultvfs_fired(void) {
    pthread_mutex_lock(&lock);
    int result = fired;
    pthread_mutex_unlock(&lock);
    return result;
}

int faultvfs_writes(void) {
    pthread_mutex_lock(&lock);
    int result = writes;
    pthread_mutex_unlock(&lock);
    return result;
}

int faultvfs_syncs(void) {
    pthread_mutex_lock(&lock);
    int result = syncs;
    pthread_mutex_unlock(&lock);
    return result;
}
