/* The replay session: one database (a scratch one for now) and what is applied to it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "interrupt.h"
#include "cache.h"
#include "replay.h"
#include "replay_int.h"
#include "scratch.h"
#include "util/banned.h"

gm_conn *gm_replay_key_conn(gm_replay *rp)
{
	return rp->conn ? rp->conn : rp->keyconn;
}

static void close_keyconn(gm_replay *rp)
{
	if (rp->keyconn)
		rp->keyconn->dialect->disconnect(rp->keyconn);
	rp->keyconn = NULL;
}

static void forget_known(gm_replay *rp)
{
	gm_schema_free(rp->known);
	rp->known = NULL;
}

void gm_replay_new(gm_replay **out, gm_repo *repo, const gm_config *cfg, const gm_replay_opts *opts)
{
	gm_replay *rp = gm_xcalloc(1, sizeof(*rp));

	rp->repo = repo;
	rp->cfg = cfg;
	if (opts)
		rp->opts = *opts;
	gm_buf_init(&rp->cache_note);
	clock_gettime(CLOCK_MONOTONIC, &rp->mark);
	gm_signals_install();
	*out = rp;
}

int gm_replay_scratch_server(gm_url **out, const gm_config *cfg)
{
	const char *s = cfg->scratch;
	gm_url *db = NULL;

	if (!s) {
		s = "sqlite";
		if (cfg->database && gm_url_parse(&db, cfg->database, cfg->root) == 0 &&
		    db->conninfo)
			s = cfg->database;
		gm_url_free(db);
		gm_error_clear();
	}
	return gm_url_parse(out, s, cfg->root);
}

int gm_replay_open_scratch(gm_replay *rp)
{
	int error;

	GM_ASSERT_ARG(rp && !rp->conn);
	if ((error = gm_replay_scratch_server(&rp->server, rp->cfg)) < 0 ||
	    (error = gm_scratch_create(&rp->scratch, rp->server)) < 0)
		return error;
	rp->conn = gm_scratch_conn(rp->scratch);
	return 0;
}

/* A new empty scratch database in place of the session's, the fixtures forgotten. */
static int new_scratch(gm_replay *rp)
{
	int error;

	forget_known(rp);
	gm_scratch_drop(rp->scratch);
	rp->scratch = NULL;
	rp->conn = NULL;
	gm_fixtures_report_release(&rp->fixtures);
	rp->fixtures_loaded = false;
	if ((error = gm_scratch_create(&rp->scratch, rp->server)) == 0)
		rp->conn = gm_scratch_conn(rp->scratch);
	return error;
}

/* gm_replay_models_go, while the server copies a snapshot entry into the scratch database. */
static void models_meanwhile(void *payload)
{
	gm_replay_models_go(payload);
}

/*
 * The cached part of gm_replay_open_cached: restore the best entry into the scratch
 * (*from: the revisions it holds; 0 on a miss), made as the entry's copy when the run
 * has none yet (rp->keyconn). A bad entry (removed by gm_cache_restore) leaves garbage
 * in the scratch: it is dropped, and gm_replay_open_cached makes a new one.
 */
static int restore_cached(size_t *from, gm_replay *rp, gm_cache *c)
{
	gm_cache_meta m;
	int error;

	*from = 0;
	forget_known(rp);
	error = gm_cache_restore(&m, &rp->known, c, &rp->scratch, models_meanwhile, rp);
	rp->conn = rp->scratch ? gm_scratch_conn(rp->scratch) : NULL;
	if (error == GM_ENOTFOUND) {
		gm_error_clear();
		gm_buf_puts(&rp->cache_note, "a bad entry was removed; ");
		gm_scratch_drop(rp->scratch);
		rp->scratch = NULL;
		rp->conn = NULL;
		return 0;
	}
	if (error < 0)
		return error;
	*from = m.revisions;
	if (*from) {
		gm_fixtures_report_release(&rp->fixtures);
		rp->fixtures = m.fixtures;
		memset(&m.fixtures, 0, sizeof(m.fixtures));
		rp->fixtures_loaded = m.fixtures_loaded;
	}
	gm_cache_meta_release(&m);
	return 0;
}

/* The fixtures after production's chain, when it creates a table (see open_cached). */
static int fixtures_after_production(gm_replay *rp)
{
	gm_schema *s = NULL;
	int error;

	if (rp->fixtures_loaded || rp->opts.no_fixtures || rp->opts.cache_peek)
		return 0;
	if ((error = gm_replay_inspect(&s, rp)) == 0) {
		/* a phase of its own: the floor's bulk load reads no catalog (`make bench`
		 * compares this with its catalog read, the loading with its load) */
		gm_replay_phase(rp, "loader-inspect");
		if (s->tables_nr)
			error = gm_replay_fixtures(rp, s);
	}
	gm_schema_free(s);
	return error;
}

/* Save the state as c's entry; the cache failing to save is not the run's failure. */
static void save_cached(gm_replay *rp, gm_cache *c)
{
	char *fp = NULL;

	if (gm_replay_fingerprint(&fp, rp) < 0 ||
	    gm_cache_save(c, rp->scratch, fp, rp->fixtures_loaded, &rp->fixtures) < 0) {
		gm_buf_printf(&rp->cache_note, ", not saved (%s)", gm_error_last()->message);
		gm_error_clear();
	} else {
		gm_buf_printf(&rp->cache_note, ", saved %s", gm_cache_name(c));
	}
	rp->conn = gm_scratch_conn(rp->scratch);
	free(fp);
}

/*
 * The cache's part of gm_replay_open_cached: *c (NULL when off) and the revisions the
 * restored entry holds. The cache failing (a server that refuses to list, a fixture file
 * that cannot be hashed) is not the run's failure: the note says why and the run goes
 * on without it, on a scratch database that gm_replay_open_cached makes when there is
 * none. < 0 only on an interrupt.
 */
static int open_cache(gm_cache **c, size_t *from, gm_replay *rp, const gm_history *h, size_t stop)
{
	int error;

	*c = NULL;
	*from = 0;
	if (rp->opts.no_cache) {
		gm_buf_puts(&rp->cache_note, "off (--no-cache)");
		return 0;
	}
	if ((error = gm_cache_new(c, rp->repo, rp->cfg, rp->server, gm_replay_key_conn(rp), h, stop,
				  rp->opts.no_fixtures)) == 0 &&
	    *c)
		error = restore_cached(from, rp, *c);
	if (error < 0) {
		if (error == GM_EINTERRUPTED)
			return error;
		gm_buf_printf(&rp->cache_note, "off (%s)", gm_error_last()->message);
		gm_error_clear();
		gm_cache_free(*c);
		*c = NULL;
		*from = 0;
	} else if (!*c) {
		gm_buf_puts(&rp->cache_note, stop ? "off (cache_size: 0)" : "unused (no revision)");
	}
	return 0;
}

/*
 * Production's revisions order[*from..stop) on top of what the scratch holds. When
 * those on top of a cached entry fail (a newer revision that cannot take the entry's
 * fixture rows, which a cold run loads after it), the run starts over without the entry:
 * the cache never makes a run fail that would pass without it.
 */
static int replay_rest(gm_replay *rp, const gm_history *h, size_t *from, size_t stop)
{
	int error = gm_replay_run(rp, h->order + *from, stop - *from, stop - *from);

	if (error == 0 || error == GM_EINTERRUPTED || *from == 0)
		return error;
	gm_buf_printf(&rp->cache_note, "; on top of the entry: %s; replayed without it",
		      gm_error_last()->message);
	gm_error_clear();
	*from = 0;
	if ((error = new_scratch(rp)) < 0)
		return error;
	return gm_replay_run(rp, h->order, stop, stop);
}

/*
 * The run's first connection: on a dialect whose snapshot entries are copied into a new
 * scratch database (PostgreSQL), and with the cache on, a connection to the server that
 * keys the caches, the scratch database made later (a copy of the entry on a hit, which
 * saves making an empty one first); else the scratch database, made empty.
 */
static int open_first(gm_replay *rp)
{
	int error;

	if (rp->opts.no_cache || rp->cfg->cache_size <= 0)
		return gm_replay_open_scratch(rp);
	if ((error = gm_replay_scratch_server(&rp->server, rp->cfg)) < 0 ||
	    (error = gm_cache_server_conn(&rp->keyconn, rp->server)) < 0)
		return error;
	return rp->keyconn ? 0 : new_scratch(rp);
}

int gm_replay_open_cached(gm_replay *rp, const gm_history *h, size_t stop)
{
	gm_cache *c = NULL;
	size_t from = 0;
	int error;

	gm_buf_clear(&rp->cache_note);
	/* the models are planned while the server copies an entry (models_meanwhile), else
	 * once the scratch database is there */
	if ((error = open_first(rp)) < 0 || (error = gm_replay_models_start(rp)) < 0)
		goto done;
	error = open_cache(&c, &from, rp, h, stop);
	close_keyconn(rp);
	if (error < 0 || (error = rp->ahead.error) < 0)
		goto done;
	/* no entry, a bad one, the cache off or failing: an empty scratch database */
	if ((!rp->scratch || !rp->conn) && (error = new_scratch(rp)) < 0)
		goto done;
	if (c) {
		gm_buf_printf(&rp->cache_note, "%s (%zu of %zu revisions cached, %zu replayed)",
			      from ? "hit" : "miss", from, stop, stop - from);
		gm_replay_phase(rp, "cache");
	}
	if (rp->ahead.started && !rp->ahead.gone) {
		gm_replay_models_go(rp);
		if ((error = rp->ahead.error) < 0)
			goto done;
		gm_replay_phase(rp, "models-start");
	}
	if ((error = replay_rest(rp, h, &from, stop)) < 0)
		goto done;
	gm_replay_phase(rp, "replay");
	/* the models' database is read while the fixtures load (its DDL, sent before the
	 * replay, is done by now, normally: 100 tables took 0.17 s, their history 0.25) */
	gm_replay_models_prefetch(rp);
	if (stop == h->prod_nr && !rp->fixtures_loaded) {
		if ((error = fixtures_after_production(rp)) < 0)
			goto done;
		if (rp->fixtures_loaded)
			gm_replay_phase(rp, "fixtures");
	}
	if (c && from != stop && stop == h->prod_nr && !rp->opts.cache_peek) {
		save_cached(rp, c);
		gm_replay_phase(rp, "cache-save");
	}
done:
	close_keyconn(rp);
	gm_cache_free(c);
	return error;
}

const char *gm_replay_cache_note(const gm_replay *rp)
{
	return rp->cache_note.ptr ? rp->cache_note.ptr : "";
}

gm_conn *gm_replay_conn(gm_replay *rp)
{
	forget_known(rp); /* the caller may change the database */
	return rp->conn;
}

const gm_dialect *gm_replay_dialect(const gm_replay *rp)
{
	return rp->conn->dialect;
}

int gm_replay_apply(gm_replay *rp, const gm_revision *rev, bool up)
{
	int error;

	if ((error = gm_interrupt_check()) < 0)
		return error;
	forget_known(rp);
	return gm_db_apply_section(rp->conn, up ? &rev->up : &rev->down, rev->transaction,
				   rev->path);
}

/* order[i] alone, in its own transactions; the error names it. */
static int run_one(gm_replay *rp, const gm_revision *const *order, size_t i, size_t prod_nr)
{
	int error = gm_replay_apply(rp, order[i], true);

	if (error < 0 && error != GM_EINTERRUPTED)
		gm_error_prefix("replaying revision '%s'%s", order[i]->id,
				i < prod_nr ? " (production)" : "");
	return error;
}

/* At most this many revisions share a transaction: the lock table holds every object a
 * transaction creates or drops until it ends. */
#define GM_REPLAY_GROUP 100

/*
 * order[i..i+n) (groupable) in one transaction. When that fails, the revisions before
 * the failing one run again as a group (or one by one if that fails too), then the
 * failing one alone, which fails again with its own error, as without groups; *ran is how
 * many ran.
 */
static int run_group(gm_replay *rp, const gm_revision *const *order, size_t i, size_t n,
		     size_t prod_nr, size_t *ran)
{
	const gm_section *secs[GM_REPLAY_GROUP];
	const char *origins[GM_REPLAY_GROUP];
	size_t k, failed = 0;
	int error;

	for (k = 0; k < n; k++) {
		secs[k] = &order[i + k]->up;
		origins[k] = order[i + k]->path;
	}
	*ran = n;
	forget_known(rp);
	error = gm_db_apply_group(rp->conn, secs, origins, n, &failed);
	if (error == 0 || error == GM_EINTERRUPTED)
		return error;
	gm_error_clear();
	if (failed == n || failed < 2 ||
	    gm_db_apply_group(rp->conn, secs, origins, failed, &k) < 0) {
		gm_error_clear();
		failed = failed == n ? n : failed + 1;
		for (k = 0; k < failed; k++)
			if ((error = run_one(rp, order, i + k, prod_nr)) < 0)
				return error;
		*ran = failed;
		return 0;
	}
	*ran = failed + 1;
	return run_one(rp, order, i + failed, prod_nr);
}

static bool groupable(const gm_revision *rev)
{
	return gm_db_section_groupable(&rev->up, rev->transaction);
}

/*
 * Production's revisions (order[0..prod_nr)) run in groups of up to GM_REPLAY_GROUP per
 * transaction instead of one each: on a server, a commit per revision was a third of a
 * replay. They are production's, deployed already, so this checks nothing less (a
 * deferred constraint one of them breaks and a later one mends would pass; production
 * ran them that way). A group that fails (a revision using an enum label an earlier one
 * of the group added: SQLSTATE 55P04) falls back as run_group says. A revision in
 * several parts or without a transaction runs alone, and so do the local revisions
 * (order[prod_nr..nr)): they are what is being checked.
 */
int gm_replay_run(gm_replay *rp, const gm_revision *const *order, size_t nr, size_t prod_nr)
{
	size_t i = 0, n, ran;
	int error;

	while (i < nr) {
		gm_replay_progress(rp, "replaying revisions", i, nr);
		for (n = 0; n < GM_REPLAY_GROUP && i + n < prod_nr && groupable(order[i + n]); n++)
			;
		if (n < 2) {
			ran = 1;
			error = run_one(rp, order, i, prod_nr);
		} else {
			error = run_group(rp, order, i, n, prod_nr, &ran);
		}
		if (error < 0)
			return error;
		i += ran;
	}
	gm_replay_progress(rp, "replaying revisions", nr, nr);
	return 0;
}

int gm_replay_inspect(gm_schema **out, gm_replay *rp)
{
	int error;

	if ((error = gm_interrupt_check()) < 0)
		return error;
	if (rp->known) {
		*out = rp->known;
		rp->known = NULL;
		return 0;
	}
	return rp->conn->dialect->inspect(out, rp->conn, rp->cfg->version_table);
}

int gm_replay_fingerprint(char **out, gm_replay *rp)
{
	gm_schema *s = NULL;
	gm_buf b = GM_BUF_INIT;
	int error;

	*out = NULL;
	if ((error = gm_replay_inspect(&s, rp)) < 0)
		return error;
	gm_schema_fingerprint(&b, s);
	gm_schema_free(s);
	*out = gm_buf_detach(&b);
	return 0;
}

int gm_replay_fixtures(gm_replay *rp, const gm_schema *schema)
{
	int error;

	if (rp->opts.no_fixtures || rp->fixtures_loaded)
		return 0;
	forget_known(rp);
	error = gm_fixtures_load_config(&rp->fixtures, rp->repo, rp->cfg, rp->opts.fixtures_oid,
					rp->conn, schema, rp->opts.progress, rp->opts.payload);
	if (error < 0 && error != GM_EINTERRUPTED)
		gm_error_prefix("loading fixtures");
	rp->fixtures_loaded = error == 0;
	return error;
}

const gm_fixtures_report *gm_replay_fixtures_report(const gm_replay *rp)
{
	return &rp->fixtures;
}

bool gm_replay_fixtures_loaded(const gm_replay *rp)
{
	return rp->fixtures_loaded;
}

void gm_replay_progress(gm_replay *rp, const char *what, size_t done, size_t total)
{
	if (rp->opts.progress)
		rp->opts.progress(what, done, total, rp->opts.payload);
}

void gm_replay_phase(gm_replay *rp, const char *name)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rp->phases_nr < GM_PHASES_MAX) {
		rp->phases[rp->phases_nr].name = name;
		rp->phases[rp->phases_nr].seconds = (double)(t1.tv_sec - rp->mark.tv_sec) +
						    (double)(t1.tv_nsec - rp->mark.tv_nsec) / 1e9;
		rp->phases_nr++;
	}
	rp->mark = t1;
}

const gm_replay_phase_time *gm_replay_phases(const gm_replay *rp, size_t *nr)
{
	*nr = rp->phases_nr;
	return rp->phases;
}

void gm_replay_free(gm_replay *rp)
{
	if (!rp)
		return;
	gm_replay_models_release(rp);
	close_keyconn(rp);
	forget_known(rp);
	gm_fixtures_report_release(&rp->fixtures);
	gm_buf_release(&rp->cache_note);
	gm_scratch_drop(rp->scratch);
	gm_scratch_drop(rp->spent); /* its drop, sent earlier, is done by now */
	gm_url_free(rp->server);
	free(rp);
}
