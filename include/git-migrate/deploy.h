/*
 * Deploying revisions to the target database (DESIGN.md §3.9): upgrade, downgrade,
 * current, status, stamp, createdb and verify --database. The target is the config's
 * `database` (GIT_MIGRATE_DATABASE_URL, then DATABASE_URL override it); the revisions are
 * the worktree's chain. Every message names the target with its password masked.
 */
#ifndef GM_DEPLOY_H
#define GM_DEPLOY_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/buf.h"
#include "git-migrate/config.h"
#include "git-migrate/finding.h"
#include "git-migrate/prepare.h"
#include "git-migrate/repo.h"

typedef enum {
	GM_DEPLOY_APPLIED, /* in the version table, the file unchanged */
	GM_DEPLOY_PENDING, /* in the worktree's chain, not applied */
	GM_DEPLOY_CHANGED, /* applied, but the file's checksum differs from the one applied */
	GM_DEPLOY_UNKNOWN, /* applied, but no revision of the worktree has its id */
} gm_deploy_state;

typedef struct gm_deploy_entry {
	char *id;
	char *message, *path; /* NULL for an unknown revision */
	gm_deploy_state state;
	bool head;        /* applied, and no applied revision names it as a parent */
	char *applied_at; /* "YYYY-MM-DD HH:MM:SS" UTC; NULL when pending */
	long execution_ms;
	char *applied_by;
	char *db_checksum;   /* the checksum recorded (NULL when pending) */
	char *file_checksum; /* the file's (NULL when unknown) */
} gm_deploy_entry;

/* The worktree's revisions (chain order) and what the target holds; unknown ones last. */
typedef struct gm_deploy_status {
	gm_deploy_entry *v;
	size_t nr;
} gm_deploy_status;

/* One revision of a run, reported before (done false) and after it ran. */
typedef struct gm_deploy_step {
	size_t k, n; /* 1-based position, count */
	const char *id, *message;
	bool up, done;
	long ms;      /* when done */
	bool skipped; /* done: another run had applied (or removed) it meanwhile */
} gm_deploy_step;

typedef struct gm_deploy_opts {
	gm_buf *sql; /* --sql: append the SQL that would run here, change nothing */
	void (*step)(const gm_deploy_step *step, void *payload); /* may be NULL */
	gm_wait_cb wait; /* another run holds the target: called once after 2 s */
	void *payload;   /* for step and wait */
} gm_deploy_opts;

/* clang-format off */
#define GM_DEPLOY_OPTS_INIT { NULL, NULL, NULL, NULL }
/* clang-format on */

/*
 * upgrade: apply the pending revisions up to `rev` (NULL: the worktree's head; "+N": the
 * next N pending ones), each in its own transaction with its version-table row. *nr the
 * revisions applied. GM_ECHECK (exit 1) when an applied file changed or the database
 * holds unknown revisions; GM_ENOTFOUND (closest ids in the hint) for an unknown rev;
 * GM_EDB when the target cannot be reached or a statement failed (file:line).
 */
int gm_deploy_upgrade(size_t *nr, gm_repo *repo, const gm_config *cfg, const char *rev,
		      const gm_deploy_opts *opts);

/*
 * downgrade: run the down sections, newest first, of the applied revisions that `rev`
 * does not descend from (`rev` stays applied; "-N": the last N applied; "base": all).
 * GM_EINVALID, nothing run, when rev is not applied or a revision on the way has no down
 * section; otherwise as gm_deploy_upgrade.
 */
int gm_deploy_downgrade(size_t *nr, gm_repo *repo, const gm_config *cfg, const char *rev,
			const gm_deploy_opts *opts);

/* current and status: the state of every revision. Caller releases *out. */
int gm_deploy_status_read(gm_deploy_status *out, gm_repo *repo, const gm_config *cfg);
void gm_deploy_status_release(gm_deploy_status *st);

/*
 * stamp: make the version table hold exactly `rev` and its ancestors ("base": none),
 * running no revision SQL: rows added with execution_ms 0, rows of other revisions
 * deleted, checksums of kept rows set to the files' (a deliberate repair). Unknown
 * revisions in the table: GM_ECHECK unless `purge` (which first empties the table).
 */
int gm_deploy_stamp(gm_repo *repo, const gm_config *cfg, const char *rev, bool purge);

/*
 * stamp --from-alembic: read the revisions in Alembic's table alembic_version (column
 * version_num) of the target and stamp them, with all their ancestors, as
 * gm_deploy_stamp does for one revision (alembic_version itself is left as it is). The
 * ids are the worktree chain's, exactly (an imported Alembic history keeps Alembic's ids).
 * Appends the stamped ids, ", "-separated, to heads. Nothing is written on failure:
 * GM_ENOTFOUND when the target has no alembic_version table, or names a revision the
 * chain lacks (all named; the hint suggests `import alembic`); GM_EINVALID when it is
 * empty; GM_ECHECK for unknown rows in the version table unless `purge`.
 */
int gm_deploy_stamp_alembic(gm_buf *heads, gm_repo *repo, const gm_config *cfg, bool purge);

/* createdb: create the target database (SQLite: its directory); *existed when it was. */
int gm_deploy_createdb(bool *existed, const gm_config *cfg);

/*
 * verify --database: the check "database" against `url` (NULL: the config's target):
 * applied revisions whose file changed, applied revisions unknown to the worktree, and
 * schema drift (the live schema against a scratch replay of the applied revisions), each
 * a finding. < 0 only when the check could not run (target unreachable, interrupted).
 */
int gm_deploy_verify(gm_findings *findings, gm_repo *repo, const gm_config *cfg, const char *url);

#endif
