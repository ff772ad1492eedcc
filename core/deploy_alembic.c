/* stamp --from-alembic: the version table made to say what Alembic's alembic_version says. */
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "deploy_int.h"
#include "error_int.h"
#include "util/strvec.h"
#include "util/banned.h"

/*
 * Alembic's version table: its default name, in the connection's search path. Its one
 * column, version_num, holds the applied heads (several after branches that were not
 * merged). Flask-Migrate uses the same table. The table is only read, never changed: the
 * project can still go back to Alembic.
 */
#define ALEMBIC_TABLE "alembic_version"

static int num_cb(const char *const *values, size_t n, void *payload)
{
	if (n >= 1 && values[0])
		gm_strvec_push(payload, values[0]);
	return 0;
}

/* The version_num rows of alembic_version (GM_ENOTFOUND when there is no such table). */
static int read_nums(gm_strvec *nums, gm_deploy_ctx *ctx)
{
	gm_buf sql = GM_BUF_INIT;
	bool exists = false;
	int error = 0;

	if (ctx->conn)
		error = gm_deploy_table_exists(&exists, ctx, ALEMBIC_TABLE);
	if (!error && exists) {
		ctx->d->version_sql(&sql, GM_VERSION_ALEMBIC, ALEMBIC_TABLE, NULL);
		error = ctx->d->query(ctx->conn, sql.ptr, num_cb, nums);
	}
	gm_buf_release(&sql);
	if (error < 0) {
		if (error != GM_EINTERRUPTED)
			gm_error_prefix("cannot read '%s' of %s", ALEMBIC_TABLE, ctx->url->masked);
		return error;
	}
	if (!exists) {
		gm_error_set(GM_ENOTFOUND, "%s has no table '%s': nothing to stamp from",
			     ctx->url->masked, ALEMBIC_TABLE);
		gm_error_hint("--from-alembic reads the revisions that Alembic (or Flask-Migrate) "
			      "applied; 'git migrate stamp <rev>' names one by hand");
		return GM_ENOTFOUND;
	}
	return 0;
}

/* Each version_num as a revision of the worktree's chain (by its exact id). */
static int resolve(const gm_revision ***wants, gm_deploy_ctx *ctx, const gm_strvec *nums)
{
	gm_buf unknown = GM_BUF_INIT;
	size_t i, n = 0;

	if (!nums->nr) {
		gm_error_set(GM_EINVALID,
			     "'%s' of %s is empty: Alembic applied nothing, so there "
			     "is nothing to stamp",
			     ALEMBIC_TABLE, ctx->url->masked);
		gm_error_hint("'git migrate upgrade' applies the whole history");
		return GM_EINVALID;
	}
	*wants = gm_xcalloc(nums->nr, sizeof(**wants));
	for (i = 0; i < nums->nr; i++) {
		(*wants)[i] = gm_chain_find(ctx->chain, nums->v[i]);
		if (!(*wants)[i])
			gm_buf_printf(&unknown, "%s'%s'", n++ ? ", " : "", nums->v[i]);
	}
	if (!n)
		return 0;
	gm_error_set(
		GM_ENOTFOUND, "'%s' of %s names %s %s, which the worktree's history does not have",
		ALEMBIC_TABLE, ctx->url->masked, n == 1 ? "revision" : "revisions", unknown.ptr);
	gm_error_hint("import the Alembic history first: 'git migrate import alembic' keeps "
		      "Alembic's revision ids");
	gm_buf_release(&unknown);
	return GM_ENOTFOUND;
}

int gm_deploy_stamp_alembic(gm_buf *heads, gm_repo *repo, const gm_config *cfg, bool purge)
{
	gm_strvec nums = GM_STRVEC_INIT;
	const gm_revision **wants = NULL;
	gm_deploy_ctx ctx;
	size_t i;
	int error;

	if ((error = gm_deploy_open(&ctx, repo, cfg, NULL, GM_DEPLOY_WRITE | GM_DEPLOY_NO_CREATE,
				    NULL, NULL)) < 0 ||
	    (error = read_nums(&nums, &ctx)) < 0 || (error = resolve(&wants, &ctx, &nums)) < 0 ||
	    (error = gm_deploy_stamp_wants(&ctx, wants, nums.nr, purge, "--from-alembic")) < 0)
		goto done;
	for (i = 0; i < nums.nr; i++)
		gm_buf_printf(heads, "%s%s", i ? ", " : "", nums.v[i]);
done:
	free(wants);
	gm_strvec_release(&nums);
	gm_deploy_close(&ctx);
	return error;
}
