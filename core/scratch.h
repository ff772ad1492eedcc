/*
 * Scratch databases: created for a run, always dropped — on success, on failure, at exit
 * and on SIGINT/SIGTERM (git's tempfile.c pattern). Internal to core.
 */
#ifndef GM_CORE_SCRATCH_H
#define GM_CORE_SCRATCH_H
#include <stdbool.h>
#include "git-migrate/db.h"
#include "db_int.h"

typedef struct gm_scratch gm_scratch;

/*
 * Create an empty scratch database on `server` (a "sqlite" URL: a temporary file) and
 * connect to it. It is recorded so that exit and signals drop it. Caller owns *out and
 * must gm_scratch_drop it.
 */
int gm_scratch_create(gm_scratch **out, const gm_url *server);

/*
 * gm_scratch_create, the database a copy of from->template (PostgreSQL: CREATE DATABASE
 * ... TEMPLATE), from->meanwhile running while the server copies. Signals wait until the
 * copy is on the list (a Ctrl-C during a long copy takes effect when it ends). Errors as
 * gm_scratch_create's; *out is NULL then.
 */
int gm_scratch_create_from(gm_scratch **out, const gm_url *server, const gm_scratch_from *from);

/* The open connection (borrowed) and the scratch URL (borrowed). */
gm_conn *gm_scratch_conn(gm_scratch *s);
const gm_url *gm_scratch_url(const gm_scratch *s);

/*
 * Disconnect from the scratch database, run fn(url, payload) (which may copy it, or drop
 * and re-create it under the same name: the snapshot cache does), then connect again.
 * fn's error is returned (after reconnecting); GM_EDB when the reconnect fails, and then
 * the scratch has no connection (gm_scratch_drop still drops it).
 */
int gm_scratch_redo(gm_scratch *s, int (*fn)(const gm_url *url, void *payload), void *payload);

/*
 * Disconnect from the scratch database and run fn(url, payload), which keeps it under
 * another name (renames it into the models cache); then free s, which is no scratch
 * database any more. When fn fails, the database is dropped as by gm_scratch_drop. s is
 * freed either way; fn's error is returned. A process killed while fn runs leaves a
 * database under the scratch name, which a later run's leftover rule drops.
 */
int gm_scratch_keep(gm_scratch *s, int (*fn)(const gm_url *url, void *payload), void *payload);

/* Disconnect, drop the database and free; NULL-safe. Errors are ignored (best effort). */
void gm_scratch_drop(gm_scratch *s);

/*
 * Start dropping s without waiting, where the dialect can (PostgreSQL: its DROP DATABASE
 * runs on a connection of its own while the run goes on): s is disconnected and stays on
 * the list that exit and signals clean up, and gm_scratch_drop(s) later waits for the
 * drop (and drops it the usual way when that failed). Returns s, which the caller still
 * owns; NULL where the dialect cannot (SQLite), after dropping s as gm_scratch_drop does.
 * The error being reported is kept.
 */
gm_scratch *gm_scratch_drop_background(gm_scratch *s);

#endif
