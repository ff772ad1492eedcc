/*
 * Deploy (DESIGN.md §3.9): the context every deploy command opens (the worktree's chain,
 * the target, its version table), the safety rules, and the commands that change no
 * schema: current/status, stamp, createdb. upgrade/downgrade: deploy_run.c.
 *
 * Semantics decided here:
 *  - The revisions are the worktree's chain (gm_chain_read), not production's: a deploy
 *    host deploys what is checked out, and needs no production ref.
 *  - A SQLite target file that does not exist is an empty database for the commands that
 *    only read (status, current, downgrade, --sql): they do not create it.
 *  - Rows are compared with the files by checksum (the git blob id of the file).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "deploy_int.h"
#include "error_int.h"
#include "finding_int.h"
#include "util/suggest.h"
#include "util/banned.h"

const char *gm_deploy_applied_by(void)
{
	return "git-migrate " GM_VERSION;
}

static void rows_free(gm_deploy_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->rows_nr; i++) {
		free(ctx->rows[i].revision);
		free(ctx->rows[i].checksum);
		free(ctx->rows[i].applied_at);
		free(ctx->rows[i].applied_by);
	}
	free(ctx->rows);
	ctx->rows = NULL;
	ctx->rows_nr = 0;
}

static int exists_cb(const char *const *values, size_t n, void *payload)
{
	(void)values;
	(void)n;
	*(bool *)payload = true;
	return 0;
}

static int row_cb(const char *const *values, size_t n, void *payload)
{
	gm_deploy_ctx *ctx = payload;
	gm_deploy_row *r;

	if (n < 5)
		return gm_error_set(GM_EDB, "version table '%s': unexpected columns",
				    ctx->cfg->version_table);
	ctx->rows = gm_xrealloc(ctx->rows, (ctx->rows_nr + 1) * sizeof(*ctx->rows));
	r = &ctx->rows[ctx->rows_nr++];
	r->revision = gm_xstrdup(values[0] ? values[0] : "");
	r->checksum = gm_xstrdup(values[1] ? values[1] : "");
	r->applied_at = gm_xstrdup(values[2] ? values[2] : "");
	r->execution_ms = values[3] ? strtol(values[3], NULL, 10) : 0;
	r->applied_by = gm_xstrdup(values[4] ? values[4] : "");
	return 0;
}

int gm_deploy_table_exists(bool *exists, gm_deploy_ctx *ctx, const char *table)
{
	gm_buf sql = GM_BUF_INIT;
	int error;

	*exists = false;
	ctx->d->version_sql(&sql, GM_VERSION_EXISTS, table, NULL);
	error = ctx->d->query(ctx->conn, sql.ptr, exists_cb, exists);
	gm_buf_release(&sql);
	return error;
}

int gm_deploy_read_rows(gm_deploy_ctx *ctx)
{
	const char *table = ctx->cfg->version_table;
	gm_buf sql = GM_BUF_INIT;
	int error;

	rows_free(ctx);
	ctx->table_exists = false;
	if (!ctx->conn)
		return 0;
	error = gm_deploy_table_exists(&ctx->table_exists, ctx, table);
	if (!error && ctx->table_exists) {
		ctx->d->version_sql(&sql, GM_VERSION_SELECT, table, NULL);
		error = ctx->d->query(ctx->conn, sql.ptr, row_cb, ctx);
	}
	if (error < 0 && error != GM_EINTERRUPTED)
		gm_error_prefix("cannot read the version table '%s' of '%s'", table,
				ctx->url->masked);
	gm_buf_release(&sql);
	return error;
}

int gm_deploy_has_row(bool *has, gm_deploy_ctx *ctx, const char *id)
{
	gm_version_row row = { id, NULL, NULL, 0 };
	gm_buf sql = GM_BUF_INIT;
	int error = 0;

	*has = false;
	if (!ctx->table_exists)
		error = gm_deploy_table_exists(&ctx->table_exists, ctx, ctx->cfg->version_table);
	if (!error && ctx->table_exists) {
		ctx->d->version_sql(&sql, GM_VERSION_HAS, ctx->cfg->version_table, &row);
		error = ctx->d->query(ctx->conn, sql.ptr, exists_cb, has);
	}
	if (error < 0 && error != GM_EINTERRUPTED)
		gm_error_prefix("cannot read the version table '%s' of '%s'",
				ctx->cfg->version_table, ctx->url->masked);
	gm_buf_release(&sql);
	return error;
}

const gm_deploy_row *gm_deploy_row_of(const gm_deploy_ctx *ctx, const char *id)
{
	size_t i;

	for (i = 0; i < ctx->rows_nr; i++)
		if (!strcmp(ctx->rows[i].revision, id))
			return &ctx->rows[i];
	return NULL;
}

/* The worktree's chain, which must have no parse or graph problem. */
static int read_chain(gm_deploy_ctx *ctx)
{
	gm_findings f = GM_FINDINGS_INIT;
	int error;

	if ((error = gm_chain_read(&ctx->chain, &f, ctx->repo, ctx->cfg, NULL)) >= 0 && f.nr)
		error = gm_findings_error(&f, "the worktree's migrations");
	gm_findings_release(&f);
	if (error < 0)
		return error;
	return gm_chain_order(&ctx->order, &ctx->order_nr, ctx->chain);
}

static int connect_target(gm_deploy_ctx *ctx, unsigned flags)
{
	const gm_url *u = ctx->url;

	if (u->path && strcmp(u->path, ":memory:") && access(u->path, F_OK) < 0 &&
	    (!(flags & GM_DEPLOY_WRITE) || (flags & GM_DEPLOY_NO_CREATE)))
		return 0; /* a SQLite file not created yet: nothing applied */
	return gm_conn_open(&ctx->conn, u);
}

int gm_deploy_open(gm_deploy_ctx *ctx, gm_repo *repo, const gm_config *cfg, const char *url,
		   unsigned flags, gm_wait_cb on_wait, void *payload)
{
	int error;

	memset(ctx, 0, sizeof(*ctx));
	ctx->repo = repo;
	ctx->cfg = cfg;
	if ((error = read_chain(ctx)) < 0 ||
	    (error = gm_url_parse(&ctx->url, url ? url : cfg->database, cfg->root)) < 0)
		return error;
	ctx->d = ctx->url->dialect;
	if ((error = connect_target(ctx, flags)) < 0)
		return error;
	if (ctx->conn && (flags & GM_DEPLOY_WRITE)) {
		if ((error = ctx->d->deploy_lock(ctx->conn, cfg->version_table, on_wait, payload)) <
		    0)
			return error;
		ctx->locked = true;
	}
	return gm_deploy_read_rows(ctx);
}

void gm_deploy_close(gm_deploy_ctx *ctx)
{
	if (ctx->locked)
		ctx->d->deploy_unlock(ctx->conn, ctx->cfg->version_table);
	gm_conn_free(ctx->conn);
	gm_url_free(ctx->url);
	rows_free(ctx);
	free(ctx->order);
	gm_chain_free(ctx->chain);
	memset(ctx, 0, sizeof(*ctx));
}

/* Unknown revisions: GM_ECHECK naming them. */
static int check_unknown(const gm_deploy_ctx *ctx)
{
	gm_buf ids = GM_BUF_INIT;
	size_t i, n = 0;

	for (i = 0; i < ctx->rows_nr; i++) {
		if (gm_chain_find(ctx->chain, ctx->rows[i].revision))
			continue;
		gm_buf_printf(&ids, "%s'%s'", n++ ? ", " : "", ctx->rows[i].revision);
	}
	if (!n) {
		gm_buf_release(&ids);
		return 0;
	}
	gm_error_set(GM_ECHECK,
		     "%s holds %zu revision%s that the worktree does not have: %s (deployed "
		     "from another branch?)",
		     ctx->url->masked, n, n == 1 ? "" : "s", ids.ptr);
	gm_error_hint("'git migrate status' lists them; 'git migrate stamp --purge <rev>' "
		      "rewrites the version table deliberately");
	gm_buf_release(&ids);
	return GM_ECHECK;
}

int gm_deploy_check(const gm_deploy_ctx *ctx)
{
	size_t i;
	int error;

	if ((error = check_unknown(ctx)) < 0)
		return error;
	for (i = 0; i < ctx->rows_nr; i++) {
		const gm_deploy_row *r = &ctx->rows[i];
		const gm_revision *rev = gm_chain_find(ctx->chain, r->revision);

		if (!strcmp(rev->checksum, r->checksum))
			continue;
		gm_error_set_at(GM_ECHECK, rev->path, 0, 0,
				"revision '%s' changed since it was applied to %s "
				"(checksum applied %s, file now %s)",
				rev->id, ctx->url->masked, r->checksum, rev->checksum);
		gm_error_hint("an applied revision must not change: restore the file and "
			      "write a new revision ('git migrate stamp' accepts it deliberately)");
		return GM_ECHECK;
	}
	return 0;
}

int gm_deploy_lookup(const gm_revision **out, const gm_deploy_ctx *ctx, const char *name)
{
	const gm_revision *best[3] = { NULL, NULL, NULL };
	size_t dist[3] = { 0, 0, 0 }, i, k;
	gm_buf hint = GM_BUF_INIT;
	int error;

	if ((error = gm_chain_lookup(out, ctx->chain, name)) != GM_ENOTFOUND)
		return error;
	for (i = 0; i < ctx->order_nr; i++) {
		size_t d = gm_edit_distance(name, ctx->order[i]->id);
		for (k = 0; k < 3; k++) {
			if (best[k] && d >= dist[k])
				continue;
			memmove(&best[k + 1], &best[k], (2 - k) * sizeof(*best));
			memmove(&dist[k + 1], &dist[k], (2 - k) * sizeof(*dist));
			best[k] = ctx->order[i];
			dist[k] = d;
			break;
		}
	}
	for (k = 0; k < 3 && best[k]; k++)
		gm_buf_printf(&hint, "%s'%s'", k ? ", " : "", best[k]->id);
	if (hint.len)
		gm_error_hint("the closest revisions: %s", hint.ptr);
	else
		gm_error_hint("the worktree has no revisions");
	gm_buf_release(&hint);
	return error;
}

/* ---- current / status ---- */

static gm_deploy_entry *entry_add(gm_deploy_status *st)
{
	gm_deploy_entry *e;

	st->v = gm_xrealloc(st->v, (st->nr + 1) * sizeof(*st->v));
	e = &st->v[st->nr++];
	memset(e, 0, sizeof(*e));
	return e;
}

static void entry_fill_row(gm_deploy_entry *e, const gm_deploy_row *r)
{
	e->applied_at = gm_xstrdup(r->applied_at);
	e->execution_ms = r->execution_ms;
	e->applied_by = gm_xstrdup(r->applied_by);
	e->db_checksum = gm_xstrdup(r->checksum);
}

/* An applied revision is a head when no applied revision of the chain names it. */
static void mark_heads(gm_deploy_status *st, const gm_deploy_ctx *ctx)
{
	size_t i, k, p;

	for (i = 0; i < st->nr; i++) {
		gm_deploy_entry *e = &st->v[i];

		e->head = e->state != GM_DEPLOY_PENDING;
		for (k = 0; k < ctx->order_nr && e->head; k++) {
			const gm_revision *r = ctx->order[k];
			if (!gm_deploy_row_of(ctx, r->id))
				continue;
			for (p = 0; p < r->parents_nr; p++)
				if (!strcmp(r->parents[p], e->id))
					e->head = false;
		}
	}
}

int gm_deploy_status_read(gm_deploy_status *out, gm_repo *repo, const gm_config *cfg)
{
	gm_deploy_ctx ctx;
	size_t i;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = gm_deploy_open(&ctx, repo, cfg, NULL, 0, NULL, NULL)) < 0)
		goto done;
	for (i = 0; i < ctx.order_nr; i++) {
		const gm_revision *rev = ctx.order[i];
		const gm_deploy_row *r = gm_deploy_row_of(&ctx, rev->id);
		gm_deploy_entry *e = entry_add(out);

		e->id = gm_xstrdup(rev->id);
		e->message = rev->message ? gm_xstrdup(rev->message) : NULL;
		e->path = gm_xstrdup(rev->path);
		e->file_checksum = gm_xstrdup(rev->checksum);
		e->state = !r                                   ? GM_DEPLOY_PENDING
			   : strcmp(r->checksum, rev->checksum) ? GM_DEPLOY_CHANGED
								: GM_DEPLOY_APPLIED;
		if (r)
			entry_fill_row(e, r);
	}
	for (i = 0; i < ctx.rows_nr; i++) {
		gm_deploy_entry *e;
		if (gm_chain_find(ctx.chain, ctx.rows[i].revision))
			continue;
		e = entry_add(out);
		e->id = gm_xstrdup(ctx.rows[i].revision);
		e->state = GM_DEPLOY_UNKNOWN;
		entry_fill_row(e, &ctx.rows[i]);
	}
	mark_heads(out, &ctx);
done:
	gm_deploy_close(&ctx);
	return error;
}

void gm_deploy_status_release(gm_deploy_status *st)
{
	size_t i;

	for (i = 0; i < st->nr; i++) {
		gm_deploy_entry *e = &st->v[i];
		free(e->id);
		free(e->message);
		free(e->path);
		free(e->applied_at);
		free(e->applied_by);
		free(e->db_checksum);
		free(e->file_checksum);
	}
	free(st->v);
	memset(st, 0, sizeof(*st));
}

/* ---- stamp ---- */

/* Whether revision id is one of `wants` or an ancestor of one. */
static bool wanted(const gm_deploy_ctx *ctx, const gm_revision *const *wants, size_t wants_nr,
		   const char *id)
{
	size_t k;

	for (k = 0; k < wants_nr; k++)
		if (gm_chain_descends(ctx->chain, wants[k]->id, id))
			return true;
	return false;
}

/* The SQL that makes the version table hold exactly `wants` (none: "base") and ancestors. */
static void stamp_sql(gm_buf *sql, const gm_deploy_ctx *ctx, const gm_revision *const *wants,
		      size_t wants_nr, bool purge)
{
	const char *table = ctx->cfg->version_table;
	gm_version_row row = { NULL, NULL, gm_deploy_applied_by(), 0 };
	size_t i;

	ctx->d->version_sql(sql, GM_VERSION_CREATE, table, NULL);
	if (purge)
		ctx->d->version_sql(sql, GM_VERSION_PURGE, table, NULL);
	for (i = 0; i < ctx->order_nr; i++) {
		const gm_revision *rev = ctx->order[i];
		const gm_deploy_row *r = purge ? NULL : gm_deploy_row_of(ctx, rev->id);
		bool keep = wanted(ctx, wants, wants_nr, rev->id);

		row.revision = rev->id;
		row.checksum = rev->checksum;
		if (r && !keep)
			ctx->d->version_sql(sql, GM_VERSION_DELETE, table, &row);
		else if (r && strcmp(r->checksum, rev->checksum))
			ctx->d->version_sql(sql, GM_VERSION_UPDATE, table, &row);
		else if (!r && keep)
			ctx->d->version_sql(sql, GM_VERSION_INSERT, table, &row);
	}
}

int gm_deploy_stamp_wants(gm_deploy_ctx *ctx, const gm_revision *const *wants, size_t wants_nr,
			  bool purge, const char *shown)
{
	gm_buf sql = GM_BUF_INIT;
	int error;

	if ((error = ctx->d->begin(ctx->conn)) < 0)
		return error;
	if ((error = gm_deploy_read_rows(ctx)) < 0)
		goto fail;
	if (!purge && (error = check_unknown(ctx)) < 0) {
		gm_error_hint("'git migrate stamp --purge %s' drops them from the version table",
			      shown);
		goto fail;
	}
	stamp_sql(&sql, ctx, wants, wants_nr, purge);
	if ((error = ctx->d->exec(ctx->conn, sql.ptr, "stamp", 1)) < 0)
		goto fail;
	error = ctx->d->commit(ctx->conn);
	gm_buf_release(&sql);
	return error;
fail:
	ctx->d->rollback(ctx->conn);
	gm_buf_release(&sql);
	return error;
}

int gm_deploy_stamp(gm_repo *repo, const gm_config *cfg, const char *rev, bool purge)
{
	const gm_revision *want = NULL;
	gm_deploy_ctx ctx;
	int error;

	if ((error = gm_deploy_open(&ctx, repo, cfg, NULL, GM_DEPLOY_WRITE, NULL, NULL)) < 0 ||
	    (strcmp(rev, "base") && (error = gm_deploy_lookup(&want, &ctx, rev)) < 0))
		goto done;
	error = gm_deploy_stamp_wants(&ctx, &want, want ? 1 : 0, purge, rev);
done:
	gm_deploy_close(&ctx);
	return error;
}

/* ---- createdb ---- */

int gm_deploy_createdb(bool *existed, const gm_config *cfg)
{
	gm_url *url = NULL;
	int error;

	*existed = false;
	if ((error = gm_url_parse(&url, cfg->database, cfg->root)) >= 0)
		error = url->dialect->create_database(url, existed);
	gm_url_free(url);
	return error;
}
