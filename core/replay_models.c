/* The replay session's models: their desired schema, built or read from the models cache. */
#include <stdlib.h>
#include <string.h>
#include "git-migrate/buf.h"
#include "git-migrate/diff.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "interrupt.h"
#include "models_int.h"
#include "replay_int.h"
#include "util/banned.h"

/* Copy rename hints and origins from the models onto the effective desired schema. */
static void carry_hints(gm_schema *dst, const gm_schema *models)
{
	size_t i, k;
	for (i = 0; i < dst->tables_nr; i++) {
		gm_table *t = dst->tables[i];
		const gm_table *m = gm_schema_table(models, t->name);
		if (!m)
			continue;
		gm_set_str(&t->was, m->was);
		gm_set_str(&t->origin, m->origin);
		for (k = 0; k < t->columns_nr; k++) {
			const gm_column *mc = gm_table_column(m, t->columns[k]->name);
			if (!mc)
				continue;
			gm_set_str(&t->columns[k]->was, mc->was);
			gm_set_str(&t->columns[k]->origin, mc->origin);
			gm_set_str(&t->columns[k]->enum_name, mc->enum_name);
		}
	}
	for (i = 0; i < dst->enums_nr; i++) {
		const gm_enum *m = gm_schema_enum(models, dst->enums[i]->name);
		if (m) {
			gm_set_str(&dst->enums[i]->was, m->was);
			gm_set_str(&dst->enums[i]->origin, m->origin);
		}
	}
}

/* Apply `sql` (the models' SQL) to an empty database in one transaction. */
static int apply_models(gm_conn *conn, const char *sql)
{
	const gm_dialect *d = conn->dialect;
	int error;

	if ((error = d->begin(conn)) < 0)
		return error;
	if ((error = d->exec(conn, sql, "models", 1)) < 0) {
		d->rollback(conn);
		gm_error_prefix("the models do not apply to an empty %s database", d->name);
		return error;
	}
	return d->commit(conn);
}

/* Start the -v note's line about the models cache in b: "models: <what>". */
static void models_note(gm_buf *b, const char *what)
{
	gm_buf_printf(b, "%smodels: %s", b->len ? "\n" : "", what);
}

/*
 * The models cache (cache_models.c; PostgreSQL) for the models' DDL sql: *mc, NULL when
 * off (note says why). The cache failing is never the run's failure (< 0 only on an
 * interrupt).
 */
static int models_cache(gm_cache **mc, gm_buf *note, gm_replay *rp, const char *sql)
{
	int error;

	*mc = NULL;
	if (!gm_replay_key_conn(rp) || !gm_cache_models_on(rp->server->dialect))
		return 0; /* SQLite: not cached (35 ms on 100 tables, README) */
	if (rp->opts.no_cache) {
		models_note(note, "off (--no-cache)");
		return 0;
	}
	if ((error = gm_cache_models_new(mc, rp->repo, rp->cfg, rp->server, gm_replay_key_conn(rp),
					 sql)) < 0) {
		if (error == GM_EINTERRUPTED)
			return error;
		models_note(note, "off (");
		gm_buf_printf(note, "%s)", gm_error_last()->message);
		gm_error_clear();
		return 0;
	}
	if (!*mc)
		models_note(note, "off (cache_size: 0)");
	return 0;
}

/* The desired schema from mc's entry: *out on a hit, else NULL (< 0 only on an
 * interrupt); note says which. */
static int models_read(gm_schema **out, gm_buf *note, gm_cache *mc)
{
	const char *what = NULL;
	int error;

	*out = NULL;
	if ((error = gm_cache_models_read(out, &what, mc)) < 0)
		return error;
	models_note(note, what);
	if (*out)
		gm_buf_printf(note, " %s", gm_cache_name(mc));
	return 0;
}

static int desired_from(gm_schema **out, gm_replay *rp, gm_scratch *s, gm_cache *mc);

/*
 * The desired schema built: the models' SQL applied to a new scratch database on the
 * server, which is inspected, then kept as mc's entry (when the cache is on) or dropped.
 */
static int build_desired(gm_schema **out, gm_replay *rp, const char *sql, gm_cache *mc)
{
	gm_scratch *s = NULL;
	int error;

	if ((error = gm_scratch_create(&s, rp->server)) < 0 ||
	    (error = apply_models(gm_scratch_conn(s), sql)) < 0) {
		gm_scratch_drop(s);
		return error;
	}
	return desired_from(out, rp, s, mc);
}

/* The desired schema, inspected from s (the models' DDL applied); s kept as mc's entry
 * (when the cache is on) or dropped. */
static int desired_from(gm_schema **out, gm_replay *rp, gm_scratch *s, gm_cache *mc)
{
	const gm_dialect *d = rp->server->dialect;
	int error;

	if ((error = d->inspect(out, gm_scratch_conn(s), rp->cfg->version_table)) < 0) {
		gm_scratch_drop(s);
		return error;
	}
	if (!mc) {
		/* not kept: the server drops it while the run goes on (a DROP DATABASE took
		 * 26 ms after the fixtures of 100 tables, its checkpoint writing their pages) */
		gm_scratch_drop(rp->spent);
		rp->spent = gm_scratch_drop_background(s);
		return 0;
	}
	if (gm_cache_models_save(mc, s, *out) < 0) {
		gm_buf_printf(&rp->cache_note, ", not saved (%s)", gm_error_last()->message);
		gm_error_clear();
	} else {
		gm_buf_printf(&rp->cache_note, ", saved %s", gm_cache_name(mc));
	}
	return 0;
}

/* The models loaded, normalized and planned from an empty schema into sql. */
static int plan_models(gm_schema **models, gm_buf *sql, gm_replay *rp)
{
	gm_schema *empty = NULL;
	gm_changes ch = GM_CHANGES_INIT;
	gm_plan plan = GM_PLAN_INIT;
	const gm_dialect *d = rp->server->dialect;
	int error;

	if ((error = gm_models_load(models, rp->cfg, rp->server)) < 0)
		return error;
	d->normalize(*models);
	gm_schema_new(&empty);
	if ((error = gm_diff(&ch, empty, *models, 0)) == 0 && (error = d->plan(&plan, &ch)) == 0)
		gm_plan_render(sql, &plan);
	gm_plan_release(&plan);
	gm_changes_release(&ch);
	gm_schema_free(empty);
	return error;
}

void gm_replay_models_release(gm_replay *rp)
{
	struct models_ahead *a = &rp->ahead;

	if (a->s && rp->server->dialect->exec_wait) {
		gm_conn *conn = gm_scratch_conn(a->s);
		conn->dialect->interrupt(conn);
		conn->dialect->exec_wait(conn, true);
	}
	gm_scratch_drop(a->s);
	gm_schema_free(a->models);
	gm_schema_free(a->desired);
	gm_cache_free(a->mc);
	gm_buf_release(&a->sql);
	gm_buf_release(&a->note);
	memset(a, 0, sizeof(*a));
}

/*
 * With opts.models_ahead, on a dialect that runs SQL in the background (PostgreSQL): the
 * run says here that gm_replay_models follows; gm_replay_models_go then loads and plans
 * the models, keys their cache, and reads their desired schema from the models cache or
 * sends their DDL to a new scratch database, so that the server builds both at once (the
 * DDL of 100 tables took it 0.3 s, a fifth of a cold run). That runs while the server
 * copies a snapshot entry (a warm run: the planning, 10 ms of the client's on 100 tables,
 * then costs no wall time), else right after. Whatever fails there is left to
 * gm_replay_models, which does it again the usual way and reports it there, as before;
 * only an interrupt stops the run.
 */
int gm_replay_models_start(gm_replay *rp)
{
	struct models_ahead *a = &rp->ahead;

	if (!rp->opts.models_ahead || !rp->server->dialect->exec_send || a->started)
		return 0;
	a->started = true;
	gm_buf_init(&a->sql);
	gm_buf_init(&a->note);
	return gm_interrupt_check();
}

/* The models planned and their cache keyed (through the key connection: the server's
 * while a snapshot entry is copied, else the scratch's). */
static int models_plan_key(gm_replay *rp)
{
	struct models_ahead *a = &rp->ahead;
	int error;

	if ((error = plan_models(&a->models, &a->sql, rp)) == 0)
		error = models_cache(&a->mc, &a->note, rp, a->sql.ptr ? a->sql.ptr : "");
	return error;
}

/* The rest of gm_replay_models_start: the models planned and keyed, then the models
 * cache read, or the DDL sent (a->error: an interrupt; anything else is left to
 * gm_replay_models). */
void gm_replay_models_go(gm_replay *rp)
{
	struct models_ahead *a = &rp->ahead;
	const gm_dialect *d = rp->server->dialect;
	int error;

	if (!a->started || a->gone)
		return;
	a->gone = true;
	/* an entry's inspection runs on the server meanwhile; models_finish takes it (no
	 * entry: the miss is known now, and the DDL is sent) */
	if ((error = models_plan_key(rp)) < 0 ||
	    (a->mc && (error = gm_cache_models_read_start(&a->reading, a->mc)) < 0) ||
	    (a->mc && !a->reading && (error = models_read(&a->desired, &a->note, a->mc)) < 0) ||
	    (!a->reading &&
	     ((error = gm_scratch_create(&a->s, rp->server)) < 0 ||
	      (error = d->exec_send(gm_scratch_conn(a->s), a->sql.ptr ? a->sql.ptr : "")) < 0))) {
		gm_replay_models_release(rp);
		if (error == GM_EINTERRUPTED)
			a->error = error;
		gm_error_clear();
	}
}

void gm_replay_models_prefetch(gm_replay *rp)
{
	struct models_ahead *a = &rp->ahead;
	gm_conn *conn;

	if (!a->started || !a->s || a->ddl_waited || !rp->server->dialect->inspect_send)
		return;
	conn = gm_scratch_conn(a->s);
	a->ddl_waited = true;
	if ((a->ddl_result = rp->server->dialect->exec_wait(conn, false)) < 0) {
		/* models_finish does it again the usual way, which names what fails */
		gm_error_clear();
		return;
	}
	rp->server->dialect->inspect_send(conn, rp->cfg->version_table);
}

/* gm_replay_models after gm_replay_models_start: wait for the DDL (if it ran), inspect, keep. */
static int models_finish(gm_schema **desired_out, gm_replay *rp)
{
	struct models_ahead *a = &rp->ahead;
	gm_scratch *s = a->s;
	gm_cache *mc = a->mc;
	int error;

	if (a->reading) {
		a->reading = false;
		if ((error = models_read(&a->desired, &a->note, mc)) < 0)
			return error;
	}
	if (a->note.len)
		gm_buf_printf(&rp->cache_note, "%s%s", rp->cache_note.len ? "\n" : "", a->note.ptr);
	if (a->desired) {
		*desired_out = a->desired;
		a->desired = NULL;
		return 0;
	}
	a->s = NULL;
	a->mc = NULL;
	if (!s) {
		/* the entry was there, and was no hit: built now */
		error = build_desired(desired_out, rp, a->sql.ptr, mc);
		gm_cache_free(mc);
		return error;
	}
	if (!a->ddl_waited)
		error = rp->server->dialect->exec_wait(gm_scratch_conn(s), false);
	else
		error = a->ddl_result;
	if (error == 0) {
		error = desired_from(desired_out, rp, s, mc);
	} else {
		/* the usual way names what fails, as it did */
		gm_scratch_drop(s);
		if (error != GM_EINTERRUPTED) {
			gm_error_clear();
			error = build_desired(desired_out, rp, a->sql.ptr, mc);
		}
	}
	gm_cache_free(mc);
	return error;
}

int gm_replay_models(gm_schema **models_out, gm_schema **desired_out, gm_replay *rp)
{
	gm_schema *models = NULL;
	gm_buf sql = GM_BUF_INIT;
	gm_cache *mc = NULL;
	int error;

	*models_out = *desired_out = NULL;
	if (rp->ahead.started && !rp->ahead.gone)
		gm_replay_models_go(rp);
	if ((error = rp->ahead.error) < 0)
		return error;
	if (rp->ahead.started) {
		models = rp->ahead.models;
		rp->ahead.models = NULL;
		error = models_finish(desired_out, rp);
		gm_replay_models_release(rp);
		if (error == 0)
			carry_hints(*desired_out, models);
		*models_out = models;
		return error;
	}
	if ((error = plan_models(&models, &sql, rp)) < 0 ||
	    (error = models_cache(&mc, &rp->cache_note, rp, sql.ptr ? sql.ptr : "")) < 0 ||
	    (mc && (error = models_read(desired_out, &rp->cache_note, mc)) < 0) ||
	    (!*desired_out && (error = build_desired(desired_out, rp, sql.ptr, mc)) < 0))
		goto done;
	carry_hints(*desired_out, models);
done:
	*models_out = models;
	gm_cache_free(mc);
	gm_buf_release(&sql);
	return error;
}
