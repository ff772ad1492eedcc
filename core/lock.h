/*
 * The worktree lock: prepare, rebase and verify --replay of one worktree run one at a
 * time, each on the state the previous one left. Internal to core.
 */
#ifndef GM_CORE_LOCK_H
#define GM_CORE_LOCK_H
#include <stdbool.h>
#include "git-migrate/config.h"
#include "git-migrate/prepare.h"
#include "git-migrate/repo.h"

typedef struct gm_lock gm_lock;

/*
 * Take the lock of repo's worktree: an flock(2) on "<git dir>/git-migrate/lock" (the
 * worktree's own git dir, so linked worktrees lock separately), which the kernel
 * releases when the process ends however it ends: a killed run never leaves a stale
 * lock. The holder writes its pid into the file for the others' messages. When another
 * run holds it: with no_wait, GM_ERROR naming the holder's pid; else `on_wait` (may be
 * NULL) is called once with "waiting for another git-migrate run in this worktree (pid
 * N)..." and the call blocks until the lock is free (GM_EINTERRUPTED when a signal
 * stops the wait). Once held, temporary files that killed runs left in cfg's migrations
 * directory are removed (no run of ours writes there now). A git dir that cannot be
 * written (a read-only checkout) is not an error: *out is then NULL and nothing is
 * locked. Caller owns *out and releases it with gm_lock_release.
 */
int gm_lock_worktree(gm_lock **out, gm_repo *repo, const gm_config *cfg, bool no_wait,
		     gm_wait_cb on_wait, void *payload);

/* Release the lock and free; NULL-safe. */
void gm_lock_release(gm_lock *lock);

#endif
