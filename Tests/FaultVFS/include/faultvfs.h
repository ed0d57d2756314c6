#ifndef FAULTVFS_H
#define FAULTVFS_H

/// What an armed fault does when its call comes.
typedef enum {
    FAULTVFS_OFF = 0,
    /// The Nth xWrite fails with SQLITE_IOERR_WRITE.
    FAULTVFS_WRITE = 1,
    /// The Nth xSync fails with SQLITE_IOERR_FSYNC.
    FAULTVFS_SYNC = 2,
    /// The Nth xWrite fails with SQLITE_FULL, as on a full disk.
    FAULTVFS_FULL = 3,
} faultvfs_kind;

/// Registers the fault-injecting VFS as the process's default, over the one that was the default. Idempotent.
/// Returns an SQLite result code.
int faultvfs_register(void);

/// Arms a fault: the `n`th call of its kind from now on fails (n >= 1); FAULTVFS_OFF disarms. Resets the counts.
void faultvfs_arm(faultvfs_kind kind, int n);

/// Whether the armed fault has fired since it was armed.
int faultvfs_fired(void);

/// Calls of xWrite and xSync seen since the last arming.
int faultvfs_writes(void);
int faultvfs_syncs(void);

#endif
