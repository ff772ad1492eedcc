/* verify --replay (DESIGN.md §3.7) and the replay check it shares with rebase. */
#include <stdlib.h>
#include <string.h>
#include "git-migrate/gm.h"
#include "error_int.h"
#include "chain.h"
#include "finding_int.h"
#include "replay.h"
#include "semantic.h"
#include "repo_int.h"
#include "util/banned.h"

/* One replay check: what it reads and what it found on the way. */
struct check {
	gm_findings *findings;
	gm_replay *rp;
	const gm_history *h;
	const bool *newer;    /* per order entry: production's, newer than the fork */
	gm_touched **touched; /* per order entry: what it changed (newer and local) */
	size_t start;         /* order[0..start) came from gm_replay_open_cached */
};

/* Lines joined with "; " (a finding is one line). */
static void one_line(gm_buf *b)
{
	gm_buf out = GM_BUF_INIT;
	const char *p = b->ptr;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n)
			gm_buf_printf(&out, "%s%.*s", out.len ? "; " : "", (int)n, p);
		p += n + (nl ? 1 : 0);
	}
	gm_buf_release(b);
	*b = out;
}

/* A schema's fingerprint, as a caller-owned string. */
static char *fingerprint(const gm_schema *s)
{
	gm_buf b = GM_BUF_INIT;
	gm_schema_fingerprint(&b, s);
	return gm_buf_detach(&b);
}

/* A section of rev failed in a round trip: a finding, unless interrupted. */
static int section_failed(gm_findings *f, const gm_revision *rev, int error, const char *what)
{
	if (error == GM_EINTERRUPTED)
		return error;
	gm_error_prefix("%s of '%s'%s", what, rev->id,
			strcmp(what, "up section") ? "" : " after its down section");
	gm_findings_add_error(f, "replay", rev->path);
	return GM_ITEROVER;
}

/*
 * One local revision's round trip: down must restore the schema from before its up, and
 * up again the schema after it (the inspected schemas `before` and `after`). An
 * irreversible revision (no down section) is skipped: its author said so. GM_ITEROVER
 * when it failed (a finding says how).
 */
static int round_trip(struct check *c, const gm_revision *rev, const gm_schema *before_s,
		      const gm_schema *after_s)
{
	char *before = NULL, *after = NULL, *down = NULL, *again = NULL;
	int error;

	if (!rev->down.present)
		return 0;
	before = fingerprint(before_s);
	after = fingerprint(after_s);
	if ((error = gm_replay_apply(c->rp, rev, false)) < 0) {
		error = section_failed(c->findings, rev, error, "down section");
		goto done;
	}
	if ((error = gm_replay_fingerprint(&down, c->rp)) < 0)
		goto done;
	if (strcmp(down, before)) {
		gm_buf d = GM_BUF_INIT;
		gm_fingerprint_delta(&d, before, down, 3);
		one_line(&d);
		gm_findings_add(c->findings, "replay", rev->path, rev->down.line,
				"down section of '%s' does not restore the schema from before "
				"its up section (%s)",
				rev->id, d.ptr);
		gm_buf_release(&d);
		error = GM_ITEROVER;
		goto done;
	}
	if ((error = gm_replay_apply(c->rp, rev, true)) < 0) {
		error = section_failed(c->findings, rev, error, "up section");
		goto done;
	}
	if ((error = gm_replay_fingerprint(&again, c->rp)) < 0)
		goto done;
	if (strcmp(again, after)) {
		gm_findings_add(c->findings, "replay", rev->path, rev->up.line,
				"up section of '%s' gives another schema the second time", rev->id);
		error = GM_ITEROVER;
	}
done:
	free(before);
	free(after);
	free(down);
	free(again);
	return error;
}

/* The fixtures, on the database as it is now (after production's chain). */
static int load_fixtures_now(gm_replay *rp)
{
	gm_schema *s = NULL;
	int error;

	if (gm_replay_fixtures_loaded(rp))
		return 0;
	if ((error = gm_replay_inspect(&s, rp)) == 0)
		error = gm_replay_fixtures(rp, s);
	gm_schema_free(s);
	return error;
}

/* What order[i] changed: the diff of the schemas before and after its up section. */
static void record_touched(struct check *c, size_t i, const gm_schema *before,
			   const gm_schema *after)
{
	gm_changes ch = GM_CHANGES_INIT;

	if (gm_diff(&ch, before, after, 0) < 0)
		gm_error_clear(); /* only contradictory rename hints fail; inspected have none */
	else
		gm_touched_new(&c->touched[i], &ch);
	gm_changes_release(&ch);
}

/* A warning for each local revision and newer production revision that share objects. */
static void report_conflicts(struct check *c)
{
	const gm_history *h = c->h;
	size_t l, p;

	for (l = h->prod_nr; c->newer && l < h->order_nr; l++)
		for (p = 0; p < h->prod_nr; p++)
			if (c->newer[p])
				gm_semantic_conflict(c->findings, h->order[p], c->touched[p],
						     h->order[l], c->touched[l]);
}

/*
 * Apply order[i] and, for a watched one (local, or production's newer than the fork),
 * inspect the schema before (*before, kept from the revision before when it has it) and
 * after it (*after); a local one then round-trips. GM_ITEROVER when the round trip
 * failed (a finding says how).
 */
static int replay_one(struct check *c, size_t i, gm_schema **before, gm_schema **after)
{
	const gm_revision *rev = c->h->order[i];
	bool local = i >= c->h->prod_nr, watched = local || (c->newer && c->newer[i]);
	int error;

	if (watched && !*before && (error = gm_replay_inspect(before, c->rp)) < 0)
		return error;
	if ((error = gm_replay_apply(c->rp, rev, true)) < 0) {
		if (error != GM_EINTERRUPTED)
			gm_error_prefix("revision '%s'%s does not apply", rev->id,
					local ? "" : " (production)");
		return error;
	}
	if (watched) {
		if ((error = gm_replay_inspect(after, c->rp)) < 0)
			return error;
		if (c->newer)
			record_touched(c, i, *before, *after);
	}
	return local ? round_trip(c, rev, *before, *after) : 0;
}

/* Replay the order, fixtures after production's part; GM_ITEROVER: a round trip failed. */
static int replay_all(struct check *c)
{
	const gm_history *h = c->h;
	gm_schema *before = NULL, *after = NULL;
	size_t i;
	int error = 0;

	for (i = c->start; i < h->order_nr && error == 0; i++) {
		gm_replay_progress(c->rp, "replaying revisions", i, h->order_nr);
		if (i == h->prod_nr) {
			if ((error = load_fixtures_now(c->rp)) < 0)
				break;
			/* fixture SQL files may do anything: look again */
			gm_schema_free(before);
			before = NULL;
		}
		error = replay_one(c, i, &before, &after);
		/* the schema after this revision (round trip or not) is the one before the next */
		gm_schema_free(before);
		before = after;
		after = NULL;
	}
	if (error == 0) {
		gm_replay_progress(c->rp, "replaying revisions", h->order_nr, h->order_nr);
		error = load_fixtures_now(c->rp);
	}
	gm_schema_free(before);
	return error;
}

/* The models must have no change that no revision covers. */
static int check_models_covered(struct check *c)
{
	gm_schema *current = NULL, *models = NULL, *desired = NULL;
	gm_changes up = GM_CHANGES_INIT;
	int error;

	if ((error = gm_replay_inspect(&current, c->rp)) < 0 ||
	    (error = gm_replay_models(&models, &desired, c->rp)) < 0 ||
	    (error = gm_diff(&up, current, desired, 0)) < 0)
		goto done;
	if (up.nr) {
		gm_buf b = GM_BUF_INIT;
		gm_changes_describe(&b, &up);
		one_line(&b);
		gm_findings_add(c->findings, "replay", NULL, 0,
				"the models have changes that no revision covers: %s "
				"(run 'git migrate prepare')",
				b.ptr);
		gm_buf_release(&b);
	}
done:
	gm_changes_release(&up);
	gm_schema_free(current);
	gm_schema_free(models);
	gm_schema_free(desired);
	return error;
}

/* For -v: what the snapshot cache did and each phase's time (findings->cache, ->timing). */
static void replay_notes(gm_findings *findings, const gm_replay *rp)
{
	const gm_replay_phase_time *ph;
	gm_buf b = GM_BUF_INIT;
	size_t i, nr;

	free(findings->cache);
	free(findings->timing);
	findings->cache = gm_xstrdup(gm_replay_cache_note(rp));
	ph = gm_replay_phases(rp, &nr);
	for (i = 0; i < nr; i++)
		gm_buf_printf(&b, "%s%s %.3fs", i ? " " : "", ph[i].name, ph[i].seconds);
	findings->timing = gm_buf_detach(&b);
}

int gm_replay_check(gm_findings *findings, gm_replay *rp, const gm_history *h, const bool *newer,
		    bool check_models)
{
	struct check c = { findings, rp, h, newer, NULL, 0 };
	size_t i;
	int error;

	c.touched = gm_xcalloc(h->order_nr + 1, sizeof(*c.touched));
	/* production's revisions up to the first one newer than the fork (those are watched,
	 * one by one) come from the snapshot cache when it has them */
	while (c.start < h->prod_nr && !(newer && newer[c.start]))
		c.start++;
	if ((error = gm_replay_open_cached(rp, h, c.start)) == 0 && (error = replay_all(&c)) == 0 &&
	    check_models)
		error = check_models_covered(&c);
	if (error == GM_ITEROVER) {
		error = 0;
	} else if (error < 0 && error != GM_EINTERRUPTED && error != GM_EGIT &&
		   !(error == GM_EDB && !gm_error_last()->path)) {
		/* What stops the replay is a finding about the chain, not a failure to run —
		 * except an unreachable database or an interrupt, which mean we could not check. */
		gm_findings_add_error(findings, "replay", NULL);
		error = 0;
	}
	/* also when a revision failed: the overlap may be why */
	if (error == 0)
		report_conflicts(&c);
	replay_notes(findings, rp);
	for (i = 0; i < h->order_nr; i++)
		gm_touched_free(c.touched[i]);
	free(c.touched);
	return error;
}

static int cmp_file_name(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const gm_file *)elem)->name);
}

/* True when commit `oid` holds the file `path`. */
static bool in_commit(gm_repo *repo, const char *oid, const char *path)
{
	gm_file f;
	bool found;

	memset(&f, 0, sizeof(f));
	found = gm_repo_read_tree_file(&f, repo, oid, path) == 0;
	gm_file_release(&f);
	gm_error_clear();
	return found;
}

/*
 * The commit the local revisions come from: the checked one (HEAD, or --rev); during a
 * merge (the pre-merge-commit hook on production) whose HEAD lacks the first local
 * revision's file, MERGE_HEAD. < 0 (error cleared by the caller) when none resolves.
 */
static int local_commit(char out[GM_OID_HEXSZ + 1], gm_repo *repo, const gm_history *h)
{
	char merge[GM_OID_HEXSZ + 1];
	int error;

	if ((error = gm_repo_resolve(out, NULL, repo, h->local_rev ? h->local_rev : "HEAD")) < 0)
		return error;
	if (!h->local_rev && !in_commit(repo, out, h->order[h->prod_nr]->path) &&
	    gm_repo_resolve(merge, NULL, repo, "MERGE_HEAD") == 0)
		memcpy(out, merge, GM_OID_HEXSZ + 1);
	gm_error_clear();
	return 0;
}

/*
 * verify --replay: the local revisions chain onto production's head already, so the
 * fork is found in git: where the checked commit forked from production for the file of
 * its first local revision (gm_repo_fork_point: a merge of production made after that
 * file was written does not count). Production's revisions whose files the fork commit's
 * migrations directory lacks are newer than the fork. No fork point (unrelated
 * histories, a shallow clone, an unborn HEAD): nothing is newer, no semantic check.
 * Caller frees the array; NULL when nothing is newer.
 */
static bool *newer_than_git_fork(gm_repo *repo, const gm_config *cfg, const gm_history *h)
{
	char head[GM_OID_HEXSZ + 1], fork[GM_OID_HEXSZ + 1];
	gm_files files = GM_FILES_INIT;
	bool *newer = NULL, any = false;
	size_t i;

	if (h->order_nr == h->prod_nr || local_commit(head, repo, h) < 0 ||
	    gm_repo_fork_point(fork, repo, head, h->prod_oid, h->order[h->prod_nr]->path) < 0 ||
	    !strcmp(fork, h->prod_oid) ||
	    gm_tree_read_dir(&files, repo, fork, cfg->migrations, false) < 0)
		goto done;
	newer = gm_xcalloc(h->order_nr, sizeof(*newer));
	for (i = 0; i < h->prod_nr; i++) {
		const char *path = h->order[i]->path, *slash = strrchr(path, '/');
		const char *name = slash ? slash + 1 : path;
		if (!bsearch(name, files.v, files.nr, sizeof(*files.v), cmp_file_name))
			any = newer[i] = true;
	}
done:
	gm_error_clear();
	gm_files_release(&files);
	if (!any) {
		free(newer);
		newer = NULL;
	}
	return newer;
}

int gm_verify_replay(gm_findings *findings, gm_history *h, gm_repo *repo, const gm_config *cfg,
		     bool no_cache)
{
	gm_replay_opts ro = { NULL, NULL, false, NULL, false, false, false };
	gm_replay *rp = NULL;
	bool *newer = NULL;
	int error;

	if ((error = gm_history_combine(h, false)) < 0) {
		if (error != GM_EINTERRUPTED && error != GM_EGIT) {
			gm_findings_add_error(findings, "replay", NULL);
			error = 0;
		}
		return error;
	}
	ro.fixtures_oid = h->prod_oid;
	ro.no_cache = no_cache;
	gm_replay_new(&rp, repo, cfg, &ro);
	newer = newer_than_git_fork(repo, cfg, h);
	error = gm_replay_check(findings, rp, h, newer, true);
	free(newer);
	gm_replay_free(rp);
	return error;
}
