/*
 * upgrade and downgrade (DESIGN.md §3.9): each revision runs in its own transaction with
 * its version-table row, so that a crash leaves the database at a revision boundary.
 *
 *  - A section split by "-- +migrate commit" commits at each marker; the row is written
 *    (up) or deleted (down) in the last part's transaction. A failure in a later part
 *    leaves the earlier parts committed and no row: the revision counts as not applied,
 *    and its generated statements (ADD VALUE IF NOT EXISTS) are safe to run again.
 *  - A revision with "-- transaction: false" runs statement by statement outside any
 *    transaction, then writes its row in a transaction of its own. A failure in the
 *    middle leaves the statements before it applied and no row: that needs a hand
 *    repair, which the error says.
 *  - The version table is created (IF NOT EXISTS) in the transaction of the first row.
 *  - Concurrency: the dialect's deploy lock (PostgreSQL: a session advisory lock held
 *    for the whole run), and the first transaction of each revision asks the version
 *    table again, so a revision another run applied meanwhile is skipped (SQLite: BEGIN
 *    IMMEDIATE serializes the transactions, and a lock file beside the database the
 *    runs, so a transaction: false revision is not started twice either).
 *  - SIGINT/SIGTERM: with no scratch database to clean up the process dies of the signal
 *    at once (interrupt.c), like a kill -9: the database rolls the open transaction back.
 *  - --sql prints what would run, with the same transaction boundaries and version-table
 *    statements, reading the version table (no lock, no write) to know what is pending;
 *    execution_ms is 0 in its rows.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "deploy_int.h"
#include "error_int.h"
#include "interrupt.h"
#include "util/banned.h"

/* One run: the context, the options, and the revisions to run in order. */
typedef struct run {
	gm_deploy_ctx *ctx;
	const gm_deploy_opts *opts;
	const gm_revision **v;
	size_t nr;
	bool up;
} run;

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* The row statement(s): create the table when needed, insert (up) or delete (down). */
static void put_row(gm_buf *sql, run *r, const gm_revision *rev, long ms)
{
	gm_version_row row = { rev->id, rev->checksum, gm_deploy_applied_by(), ms };
	const char *table = r->ctx->cfg->version_table;

	if (!r->ctx->table_exists)
		r->ctx->d->version_sql(sql, GM_VERSION_CREATE, table, NULL);
	r->ctx->d->version_sql(sql, r->up ? GM_VERSION_INSERT : GM_VERSION_DELETE, table, &row);
}

/* --sql: append what running rev would send. */
static void print_rev(run *r, const gm_revision *rev)
{
	const gm_section *sec = r->up ? &rev->up : &rev->down;
	gm_buf *out = r->opts->sql;
	size_t i, n = sec->present ? sec->parts_nr : 0;

	gm_buf_printf(out, "\n-- %s %s: %s\n", r->up ? "upgrade" : "downgrade", rev->id,
		      rev->message ? rev->message : "");
	for (i = 0; i < n || (i == 0 && rev->transaction); i++) {
		bool last = i + 1 >= n;
		if (rev->transaction)
			r->ctx->d->version_sql(out, GM_VERSION_BEGIN, NULL, NULL);
		if (i < n && !blank(sec->parts[i].sql))
			gm_buf_puts(out, sec->parts[i].sql);
		if (rev->transaction && last)
			put_row(out, r, rev, 0);
		if (rev->transaction)
			r->ctx->d->version_sql(out, GM_VERSION_COMMIT, NULL, NULL);
	}
	if (!rev->transaction) {
		r->ctx->d->version_sql(out, GM_VERSION_BEGIN, NULL, NULL);
		put_row(out, r, rev, 0);
		r->ctx->d->version_sql(out, GM_VERSION_COMMIT, NULL, NULL);
	}
	r->ctx->table_exists = true;
}

/* Still to do? Asks the version table (inside the caller's transaction, if any). */
static int still_pending(bool *pending, run *r, const gm_revision *rev)
{
	bool has = false;
	int error;

	if ((error = gm_deploy_has_row(&has, r->ctx, rev->id)) < 0)
		return error;
	*pending = has != r->up;
	return 0;
}

/* Write rev's row in a transaction of its own (after a transaction: false section). */
static int write_row(run *r, const gm_revision *rev, long ms)
{
	const gm_dialect *d = r->ctx->d;
	gm_buf sql = GM_BUF_INIT;
	int error;

	if ((error = d->begin(r->ctx->conn)) < 0)
		return error;
	put_row(&sql, r, rev, ms);
	if ((error = d->exec(r->ctx->conn, sql.ptr, "version table", 1)) < 0 ||
	    (error = d->commit(r->ctx->conn)) < 0)
		d->rollback(r->ctx->conn);
	gm_buf_release(&sql);
	return error;
}

/* A transaction: false section, statement by statement, then its row. */
static int run_no_tx(run *r, const gm_revision *rev, const gm_section *sec, bool *skipped)
{
	struct timespec t0;
	bool pending;
	size_t i;
	int error;

	if ((error = still_pending(&pending, r, rev)) < 0)
		return error;
	if ((*skipped = !pending))
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; sec->present && i < sec->parts_nr; i++) {
		if (blank(sec->parts[i].sql))
			continue;
		if ((error = gm_interrupt_check()) < 0 ||
		    (error = r->ctx->d->exec(r->ctx->conn, sec->parts[i].sql, rev->path,
					     sec->parts[i].line)) < 0) {
			gm_error_hint("revision '%s' runs without a transaction (transaction: "
				      "false): the statements before the failing one stay applied "
				      "and no row was written; repair by hand, then 'git migrate "
				      "stamp'",
				      rev->id);
			return error;
		}
	}
	return write_row(r, rev, ms_since(&t0));
}

/* One part in its transaction; the first re-checks, the last writes the row. */
static int run_part(run *r, const gm_revision *rev, const gm_section *sec, size_t i, size_t n,
		    const struct timespec *t0, bool *skipped)
{
	const gm_dialect *d = r->ctx->d;
	gm_conn *conn = r->ctx->conn;
	gm_buf sql = GM_BUF_INIT;
	bool pending = true;
	int error;

	if ((error = gm_interrupt_check()) < 0 || (error = d->begin(conn)) < 0)
		return error;
	if (i == 0 && ((error = still_pending(&pending, r, rev)) < 0 || !pending)) {
		*skipped = error == 0;
		goto fail;
	}
	if (i < n && !blank(sec->parts[i].sql) &&
	    (error = d->exec(conn, sec->parts[i].sql, rev->path, sec->parts[i].line)) < 0)
		goto fail;
	if (i + 1 >= n) {
		put_row(&sql, r, rev, ms_since(t0));
		if ((error = d->exec(conn, sql.ptr, "version table", 1)) < 0)
			goto fail;
	}
	if ((error = d->commit(conn)) < 0)
		goto fail;
	gm_buf_release(&sql);
	return 0;
fail:
	d->rollback(conn);
	gm_buf_release(&sql);
	return error;
}

static int run_rev(run *r, const gm_revision *rev, bool *skipped)
{
	const gm_section *sec = r->up ? &rev->up : &rev->down;
	size_t i, n = sec->present ? sec->parts_nr : 0;
	struct timespec t0;
	int error;

	*skipped = false;
	if (!rev->transaction)
		return run_no_tx(r, rev, sec, skipped);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n || i == 0; i++)
		if ((error = run_part(r, rev, sec, i, n, &t0, skipped)) < 0 || *skipped)
			return error;
	return 0;
}

/* Run (or print) r->v in order, reporting each step. *nr the revisions run. */
static int run_all(size_t *nr, run *r)
{
	gm_deploy_step st;
	struct timespec t0;
	size_t i;
	int error;

	*nr = 0;
	for (i = 0; i < r->nr; i++) {
		memset(&st, 0, sizeof(st));
		st.k = i + 1;
		st.n = r->nr;
		st.id = r->v[i]->id;
		st.message = r->v[i]->message;
		st.up = r->up;
		if (r->opts->sql) {
			print_rev(r, r->v[i]);
			continue;
		}
		if (r->opts->step)
			r->opts->step(&st, r->opts->payload);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((error = run_rev(r, r->v[i], &st.skipped)) < 0) {
			if (error != GM_EINTERRUPTED)
				gm_error_prefix("%s revision '%s'",
						r->up ? "applying" : "reverting", r->v[i]->id);
			return error;
		}
		r->ctx->table_exists = true;
		st.done = true;
		st.ms = ms_since(&t0);
		*nr += !st.skipped;
		if (r->opts->step)
			r->opts->step(&st, r->opts->payload);
	}
	return 0;
}

/* Parse "+N" / "-N" (sign given); -1 when s is not that. */
static long steps(const char *s, char sign)
{
	char *end;
	long n;

	if (!s || s[0] != sign || s[1] < '0' || s[1] > '9')
		return -1;
	n = strtol(s + 1, &end, 10);
	return *end || n <= 0 ? -1 : n;
}

static bool applied(const gm_deploy_ctx *ctx, const gm_revision *rev)
{
	return gm_deploy_row_of(ctx, rev->id) != NULL;
}

/* upgrade's revisions: pending ones that `target` descends from, or the next n. */
static int plan_up(run *r, const char *target)
{
	gm_deploy_ctx *ctx = r->ctx;
	const gm_revision *want = NULL;
	long n = steps(target, '+');
	size_t i, heads_nr;
	int error;

	if (!target) {
		const gm_revision *const *heads = gm_chain_heads(ctx->chain, &heads_nr);
		want = heads_nr ? heads[0] : NULL;
	} else if (n < 0 && (error = gm_deploy_lookup(&want, ctx, target)) < 0) {
		return error;
	}
	r->v = gm_xcalloc(ctx->order_nr + 1, sizeof(*r->v));
	for (i = 0; i < ctx->order_nr; i++) {
		const gm_revision *rev = ctx->order[i];
		if (applied(ctx, rev) || (n >= 0 && r->nr == (size_t)n))
			continue;
		if (n >= 0 || (want && gm_chain_descends(ctx->chain, want->id, rev->id)))
			r->v[r->nr++] = rev;
	}
	if (n >= 0 && r->nr < (size_t)n)
		return gm_error_set(GM_EINVALID,
				    "cannot upgrade %ld step%s: %zu revision%s pending", n,
				    n == 1 ? "" : "s", r->nr, r->nr == 1 ? " is" : "s are");
	return 0;
}

/* The applied revisions of the chain, newest first. Fills r->v (all of them). */
static void applied_newest_first(run *r)
{
	size_t i;

	r->v = gm_xcalloc(r->ctx->order_nr + 1, sizeof(*r->v));
	for (i = r->ctx->order_nr; i-- > 0;)
		if (applied(r->ctx, r->ctx->order[i]))
			r->v[r->nr++] = r->ctx->order[i];
}

/* downgrade's revisions: applied ones `target` does not descend from, newest first. */
static int plan_down(run *r, const char *target)
{
	gm_deploy_ctx *ctx = r->ctx;
	const gm_revision *want = NULL;
	long n = steps(target, '-');
	size_t i, k = 0;
	int error;

	applied_newest_first(r);
	if (n >= 0 && (size_t)n > r->nr)
		return gm_error_set(GM_EINVALID,
				    "cannot downgrade %ld step%s: %zu revision%s applied", n,
				    n == 1 ? "" : "s", r->nr, r->nr == 1 ? " is" : "s are");
	if (n >= 0) {
		r->nr = (size_t)n;
	} else if (strcmp(target, "base")) {
		if ((error = gm_deploy_lookup(&want, ctx, target)) < 0)
			return error;
		if (!applied(ctx, want))
			return gm_error_set(GM_EINVALID, "revision '%s' is not applied to %s",
					    want->id, ctx->url->masked);
		for (i = 0; i < r->nr; i++)
			if (!gm_chain_descends(ctx->chain, want->id, r->v[i]->id))
				r->v[k++] = r->v[i];
		r->nr = k;
	}
	for (i = 0; i < r->nr; i++)
		if (!r->v[i]->down.present)
			return gm_error_set_at(GM_EINVALID, r->v[i]->path, 0, 0,
					       "revision '%s' is irreversible (no down section): "
					       "nothing was downgraded",
					       r->v[i]->id);
	return 0;
}

static int deploy(size_t *nr, gm_repo *repo, const gm_config *cfg, const char *target,
		  const gm_deploy_opts *opts, bool up)
{
	gm_deploy_ctx ctx;
	run r;
	int error;

	*nr = 0;
	memset(&r, 0, sizeof(r));
	r.ctx = &ctx;
	r.opts = opts;
	r.up = up;
	if ((error = gm_deploy_open(&ctx, repo, cfg, NULL, opts->sql ? 0 : GM_DEPLOY_WRITE,
				    opts->wait, opts->payload)) < 0 ||
	    (error = up ? plan_up(&r, target) : plan_down(&r, target)) < 0 ||
	    (error = gm_deploy_check(&ctx)) < 0)
		goto done;
	error = run_all(nr, &r);
done:
	free(r.v);
	gm_deploy_close(&ctx);
	return error;
}

int gm_deploy_upgrade(size_t *nr, gm_repo *repo, const gm_config *cfg, const char *rev,
		      const gm_deploy_opts *opts)
{
	return deploy(nr, repo, cfg, rev, opts, true);
}

int gm_deploy_downgrade(size_t *nr, gm_repo *repo, const gm_config *cfg, const char *rev,
			const gm_deploy_opts *opts)
{
	return deploy(nr, repo, cfg, rev, opts, false);
}
