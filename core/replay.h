/*
 * The replay session: one database that history is applied to, and everything a run
 * does with it. Internal to core.
 *
 * Design. A session separates *where the database comes from* from *what is applied to
 * it*:
 *   - where: gm_replay_open_scratch creates a scratch database on the config's scratch
 *     server (dropped by gm_replay_free on every path; at exit and on SIGINT/SIGTERM by
 *     scratch.c). The snapshot cache will add an open that restores a saved
 *     replayed+fixtured state into a new scratch database (setting rp->conn, leaving the
 *     rest unchanged).
 *   - what: gm_replay_apply (one revision's up or down section, each part in its
 *     transaction), gm_replay_run (a replay order with progress and messages),
 *     gm_replay_fixtures (once per session), gm_replay_inspect / gm_replay_fingerprint
 *     (what the database now holds), gm_replay_models (the models as this dialect
 *     spells them, on a second scratch database of the same server).
 * Deploying to a real database (upgrade/downgrade) does not go through a session:
 * deploy_run.c runs each part itself, because the version-table row must share the last
 * part's transaction, the first part's transaction re-reads the version table (two runs
 * at once on SQLite), and --sql prints the same steps instead of running them; verify
 * --database (deploy_verify.c) uses a session to replay the applied revisions.
 * Every step checks for an interrupt first (gm_interrupt_check). Progress goes to the
 * caller's callback; gm_replay_phase records how long each phase took.
 *
 * The clients: gm_prepare (prepare.c), gm_verify_replay (verify_replay.c, which also
 * holds gm_replay_check, the check rebase shares) and gm_rebase (rebase.c). The history
 * they replay comes from chain.h's loader (gm_history).
 */
#ifndef GM_CORE_REPLAY_H
#define GM_CORE_REPLAY_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/config.h"
#include "git-migrate/db.h"
#include "git-migrate/fixtures.h"
#include "git-migrate/prepare.h"
#include "git-migrate/repo.h"
#include "git-migrate/revision.h"
#include "git-migrate/schema.h"
#include "chain.h"
#include "db_int.h"
#include "diff_int.h"
#include "fixtures_int.h"
#include "schema_int.h"

typedef struct gm_replay gm_replay;

typedef struct gm_replay_opts {
	gm_progress_cb progress;  /* may be NULL */
	void *payload;            /* for progress */
	bool no_fixtures;         /* gm_replay_fixtures loads nothing */
	const char *fixtures_oid; /* the commit whose fixtures are loaded (production's) */
	bool no_cache;            /* --no-cache: gm_replay_open_cached neither reads nor saves */
	bool cache_peek; /* use an entry, but on a miss load no fixtures and save nothing (diff) */
	bool models_ahead; /* gm_replay_models follows: start the models' database first */
} gm_replay_opts;

/* One phase's time, in the order they ran (for -v and make bench). */
typedef struct gm_replay_phase_time {
	const char *name;
	double seconds;
} gm_replay_phase_time;

/*
 * A session for repo and cfg, with no database yet; starts the phase clock and installs
 * the signal handlers. opts is copied (its strings borrowed). Caller owns *out
 * (gm_replay_free).
 */
void gm_replay_new(gm_replay **out, gm_repo *repo, const gm_config *cfg,
		   const gm_replay_opts *opts);

/*
 * The database: a new empty scratch database on cfg's `scratch:` server (when unset, the
 * target database's server for PostgreSQL, else SQLite). GM_EINVALID (bad URL), GM_EDB.
 */
int gm_replay_open_scratch(gm_replay *rp);

/*
 * The database with production's revisions h->order[0..stop) (stop <= h->prod_nr)
 * applied and, when stop is h->prod_nr and they create a table, the fixtures loaded
 * (not with opts->no_fixtures or opts->cache_peek): from the snapshot cache (cache.h)
 * when it holds this state, else from the entry holding the most of these revisions,
 * the rest replayed on top (with the entry's fixture rows in the tables: the cache
 * keeps its state after the fixtures, so that a hit costs one copy; the key includes
 * the fixtures, so they are the same files), else on a new scratch database. A state
 * of stop == h->prod_nr that was not a hit is saved. gm_replay_cache_note says which.
 * Errors as gm_replay_open_scratch, gm_replay_run and gm_replay_fixtures.
 */
int gm_replay_open_cached(gm_replay *rp, const gm_history *h, size_t stop);

/* What the cache did ("hit (12 of 12 revisions cached, 0 replayed)"), and after
 * gm_replay_models on PostgreSQL a second line for the models cache ("models: hit
 * gm_cache_..._models_..."); borrowed. */
const char *gm_replay_cache_note(const gm_replay *rp);

/* The scratch server of cfg: `scratch:` or, when unset, the target's (PostgreSQL) or
 * SQLite. Caller owns *out. GM_EINVALID (bad URL). */
int gm_replay_scratch_server(gm_url **out, const gm_config *cfg);

/* The open connection and its dialect (borrowed; after an open). The caller may change
 * the database through it: the schema the snapshot cache's check read is forgotten. */
gm_conn *gm_replay_conn(gm_replay *rp);
const gm_dialect *gm_replay_dialect(const gm_replay *rp);

/*
 * Apply rev's up (or down) section. GM_EINTERRUPTED when a signal arrived (before, or
 * during the statement); else the database's error at the revision's file:line.
 */
int gm_replay_apply(gm_replay *rp, const gm_revision *rev, bool up);

/*
 * Apply the up sections of order[0..nr) with progress ("replaying revisions"); an error
 * is prefixed "replaying revision '<id>'" (" (production)" for the first prod_nr). The
 * first prod_nr (production's, deployed already) share transactions: see replay.c.
 */
int gm_replay_run(gm_replay *rp, const gm_revision *const *order, size_t nr, size_t prod_nr);

/* Inspect the database (the version table left out); right after a snapshot-cache restore,
 * the schema its check read. Caller owns *out. */
int gm_replay_inspect(gm_schema **out, gm_replay *rp);

/* The database's schema fingerprint (gm_schema_fingerprint). Caller frees *out. */
int gm_replay_fingerprint(char **out, gm_replay *rp);

/*
 * Load the config's fixtures (from opts->fixtures_oid) into the database, in the
 * foreign-key order of `schema` (what the database holds, or will after the next
 * section); once per session, nothing with opts->no_fixtures. Errors prefixed "loading
 * fixtures" (not an interrupt).
 */
int gm_replay_fixtures(gm_replay *rp, const gm_schema *schema);

/* What the fixtures loaded (empty before gm_replay_fixtures); borrowed. */
const gm_fixtures_report *gm_replay_fixtures_report(const gm_replay *rp);
bool gm_replay_fixtures_loaded(const gm_replay *rp);

/*
 * The models (normalized for the dialect, *models_out) and what a database makes of them
 * (*desired_out): planned from an empty schema and applied to a second scratch database
 * on the same server, which is then inspected, so that the desired schema is spelled as
 * the database spells it (check expressions, defaults); rename hints and origins are
 * carried over from the models. On PostgreSQL that database is kept between runs, keyed
 * by the DDL (cache_models.c), and a hit only inspects it; not with opts->no_cache or
 * cache_size: 0. Caller owns both. GM_EINVALID when the models do not apply to an empty
 * database.
 */
int gm_replay_models(gm_schema **models_out, gm_schema **desired_out, gm_replay *rp);

/*
 * When the models' DDL was sent ahead (opts.models_ahead): wait for the server to be done
 * with it, then have it start inspecting that database (the dialect's inspect_send), so
 * that it is read while the session goes on: gm_replay_open_cached calls this after
 * production's replay (the fixtures load meanwhile), and a later call does nothing. Nothing
 * to do otherwise; never fails (gm_replay_models reports what went wrong, as before).
 */
void gm_replay_models_prefetch(gm_replay *rp);

/* Report progress to the session's callback. */
void gm_replay_progress(gm_replay *rp, const char *what, size_t done, size_t total);

/* Record how long the phase `name` (a static string) took since the last mark. */
void gm_replay_phase(gm_replay *rp, const char *name);

/* The phases recorded so far (borrowed), *nr the count. */
const gm_replay_phase_time *gm_replay_phases(const gm_replay *rp, size_t *nr);

/* Drop the scratch database (if the session made one) and free; NULL-safe. */
void gm_replay_free(gm_replay *rp);

/* ---- the replay check (verify_replay.c), verify --replay's and rebase's ---- */

/*
 * On a new scratch database: h's order (combined), production's revisions first, then
 * each local one with its round trip (down restores the schema from before it, up again
 * the one after; no down section: skipped); the fixtures after production's revisions;
 * with check_models, the models must then have no change that no revision covers.
 * newer[i] (NULL: none) flags production revisions of h->order newer than the branch's
 * fork: they and the local revisions are inspected around their up sections and the
 * objects both changed are "semantic" warnings. Problems are "replay" findings; < 0
 * only when the check could not run (database unreachable, interrupted, git).
 */
int gm_replay_check(gm_findings *findings, gm_replay *rp, const gm_history *h, const bool *newer,
		    bool check_models);

/*
 * verify --replay on a loaded history (gm_verify loads it once, under the worktree's
 * lock): combines it, flags production's revisions newer than git's fork, and runs
 * gm_replay_check with the models. The combining's errors are findings. no_cache:
 * --no-cache (the snapshot cache is neither read nor saved).
 */
int gm_verify_replay(gm_findings *findings, gm_history *h, gm_repo *repo, const gm_config *cfg,
		     bool no_cache);

#endif
