/*
 * The deploy context inside core: the worktree's chain, the target's connection and the
 * version table's rows, shared by deploy.c (state, status, stamp, createdb),
 * deploy_run.c (upgrade, downgrade) and deploy_verify.c (verify --database).
 */
#ifndef GM_CORE_DEPLOY_INT_H
#define GM_CORE_DEPLOY_INT_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/deploy.h"
#include "git-migrate/revision.h"
#include "chain.h"
#include "db_int.h"

/* One row of the version table. */
typedef struct gm_deploy_row {
	char *revision, *checksum, *applied_at, *applied_by;
	long execution_ms;
} gm_deploy_row;

typedef struct gm_deploy_ctx {
	gm_repo *repo;
	const gm_config *cfg;
	gm_chain *chain;
	const gm_revision **order; /* replay order of chain */
	size_t order_nr;
	gm_url *url;
	gm_conn *conn; /* NULL: a SQLite file that does not exist yet (nothing applied) */
	const gm_dialect *d;
	bool locked;
	bool table_exists;
	gm_deploy_row *rows;
	size_t rows_nr;
} gm_deploy_ctx;

enum gm_deploy_open_flags {
	GM_DEPLOY_WRITE = (1 << 0),     /* connect even when a SQLite file must be created; lock */
	GM_DEPLOY_NO_CREATE = (1 << 1), /* with WRITE: a SQLite file that does not exist is
					 * not created (ctx->conn NULL, nothing locked) */
};

/*
 * Read the worktree's chain (a parse or graph problem: GM_EINVALID naming the first),
 * parse `url` (NULL: cfg->database), connect and read the version table; with
 * GM_DEPLOY_WRITE take the target's deploy lock (on_wait after 2 s). Release with
 * gm_deploy_close, also after a failure.
 */
int gm_deploy_open(gm_deploy_ctx *ctx, gm_repo *repo, const gm_config *cfg, const char *url,
		   unsigned flags, gm_wait_cb on_wait, void *payload);
void gm_deploy_close(gm_deploy_ctx *ctx);

/* Whether `table` exists in the target (ctx->conn: not NULL). GM_EDB when it cannot tell. */
int gm_deploy_table_exists(bool *exists, gm_deploy_ctx *ctx, const char *table);

/* Re-read the version table (inside a transaction: what this run may rely on). */
int gm_deploy_read_rows(gm_deploy_ctx *ctx);

/*
 * Whether revision id has a row now (a query, not the rows read), and whether the table
 * exists (ctx->table_exists updated). Inside a transaction: what this run may rely on.
 */
int gm_deploy_has_row(bool *has, gm_deploy_ctx *ctx, const char *id);

/* The row of revision id (in the rows read), or NULL. */
const gm_deploy_row *gm_deploy_row_of(const gm_deploy_ctx *ctx, const char *id);

/*
 * The rules before anything is changed: no unknown revision in the version table and no
 * applied revision whose file changed (GM_ECHECK naming them, with hints).
 */
int gm_deploy_check(const gm_deploy_ctx *ctx);

/*
 * A revision of the chain by id or prefix; GM_ENOTFOUND "unknown revision 'x'" with the
 * closest ids in the hint.
 */
int gm_deploy_lookup(const gm_revision **out, const gm_deploy_ctx *ctx, const char *name);

/*
 * stamp's work, in one transaction on the open context (a connection: not NULL): the
 * version table made to hold exactly `wants` (none: nothing) and their ancestors, running
 * no revision SQL. Unknown revisions in the table: GM_ECHECK (hint: `stamp --purge
 * <shown>`) unless `purge`, which first empties it. Nothing is written on failure.
 */
int gm_deploy_stamp_wants(gm_deploy_ctx *ctx, const gm_revision *const *wants, size_t wants_nr,
			  bool purge, const char *shown);

/* "git-migrate <version>", the applied_by of every row. */
const char *gm_deploy_applied_by(void);

#endif
