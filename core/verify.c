/* verify: the checks of DESIGN.md §3.7 (parse, graph, immutable, chained); findings are data. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/prepare.h"
#include "git-migrate/alloc.h"
#include "git-migrate/error.h"
#include "chain.h"
#include "finding_int.h"
#include "lock.h"
#include "replay.h"
#include "util/banned.h"

const char *const gm_verify_checks[] = { "parse", "graph", "immutable", "chained", NULL };

static bool is_sql(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	return n > 4 && !strcmp(name + n - 4, ".sql");
}

static int cmp_file_name(const void *a, const void *b)
{
	const gm_file *x = *(const gm_file *const *)a;
	const gm_file *y = *(const gm_file *const *)b;
	return strcmp(x->name, y->name);
}

/* The *.sql files of a listing, sorted by name (borrowed pointers; caller frees the array). */
static const gm_file **sql_files(const gm_files *files, size_t *nr)
{
	const gm_file **v = gm_xmalloc((files->nr ? files->nr : 1) * sizeof(*v));
	size_t i, n = 0;

	for (i = 0; i < files->nr; i++)
		if (is_sql(files->v[i].name))
			v[n++] = &files->v[i];
	qsort(v, n, sizeof(*v), cmp_file_name);
	*nr = n;
	return v;
}

static const gm_file *file_named(const gm_file **v, size_t nr, const char *name)
{
	gm_file key;
	const gm_file *kp = &key, **hit;

	key.name = (char *)name;
	hit = bsearch(&kp, v, nr, sizeof(*v), cmp_file_name);
	return hit ? *hit : NULL;
}

static void short_oid(char out[8], const char *oid)
{
	memcpy(out, oid, 7);
	out[7] = '\0';
}

/*
 * A production revision missing from the checked tree was deleted when a later
 * production revision is still there, when it did not parse in production, or when the
 * checked tree has no revisions at all.
 */
static bool deleted(const gm_revision *pr, const bool *covered, const gm_chain *prod,
		    const gm_chain *chain)
{
	size_t k;

	if (!pr || !gm_chain_count(chain))
		return true;
	k = gm_chain_index(prod, pr->id);
	return k == GM_CHAIN_NONE || covered[k];
}

/*
 * immutable: every production revision file exists in the checked tree with the same
 * blob id. A production revision found under another name (same id) counts as renamed.
 */
static void check_immutable(gm_findings *findings, const gm_files *prod_files, const gm_chain *prod,
			    const gm_files *files, const gm_chain *chain, const char *prod_name)
{
	size_t pnr, nr, i;
	const gm_file **pv = sql_files(prod_files, &pnr);
	const gm_file **v = sql_files(files, &nr);
	bool *covered = gm_chain_covered(prod, chain);

	for (i = 0; i < pnr; i++) {
		const gm_file *pf = pv[i], *f = file_named(v, nr, pf->name);
		char a[8], b[8];

		if (f) {
			if (strcmp(pf->oid, f->oid)) {
				short_oid(a, pf->oid);
				short_oid(b, f->oid);
				gm_findings_add(findings, "immutable", f->path, 0,
						"production revision '%s' was edited (blob %s in "
						"'%s', %s here); restore it with 'git checkout %s "
						"-- %s' and make the change in a new revision",
						pf->name, a, prod_name, b, prod_name, pf->path);
			}
			continue;
		}
		/* not under its name: look for its id elsewhere (a rename) */
		{
			const gm_revision *pr = NULL, *r = NULL;
			size_t k;

			for (k = 0; k < gm_chain_count(prod); k++)
				if (!strcmp(gm_chain_at(prod, k)->path, pf->path)) {
					pr = gm_chain_at(prod, k);
					break;
				}
			if (pr)
				r = gm_chain_find(chain, pr->id);
			if (r && strcmp(r->checksum, pf->oid))
				gm_findings_add(findings, "immutable", r->path, r->id_line,
						"production revision '%s' was renamed to '%s' and "
						"edited; restore '%s' from '%s'",
						pf->name, r->path, pf->path, prod_name);
			else if (r)
				gm_findings_add(findings, "immutable", r->path, r->id_line,
						"production revision '%s' was renamed to '%s'; "
						"restore '%s' from '%s'",
						pf->name, r->path, pf->path, prod_name);
			else if (deleted(pr, covered, prod, chain))
				gm_findings_add(findings, "immutable", pf->path, 0,
						"production revision '%s' was deleted; restore it "
						"with 'git checkout %s -- %s'",
						pf->name, prod_name, pf->path);
		}
	}
	free(covered);
	free(v);
	free(pv);
}

int gm_verify(gm_findings *findings, gm_repo *repo, const gm_config *cfg,
	      const gm_verify_opts *opts)
{
	static const gm_verify_opts defaults = GM_VERIFY_OPTS_INIT;
	gm_history h = GM_HISTORY_INIT;
	gm_lock *lock = NULL;
	int error;

	GM_ASSERT_ARG(findings && repo && cfg);
	if (!opts)
		opts = &defaults;
	/* the replay checks the chains read here: they are read under the worktree's lock */
	if (opts->replay && (error = gm_lock_worktree(&lock, repo, cfg, opts->no_wait, opts->wait,
						      opts->payload)) < 0)
		goto done;
	/* production first: a production ref that does not resolve means we cannot run;
	 * production's own parse/graph problems show up when its files are checked below */
	if ((error = gm_history_load(&h, repo, cfg, opts->production, opts->rev)) < 0)
		goto done;
	gm_findings_move(findings, &h.local_findings);
	check_immutable(findings, &h.prod_files, h.prod, &h.local_files, h.local, h.production);
	gm_chain_check_chained(findings, h.local, h.prod, h.production);
	/* Replaying a chain that fails the other checks would only repeat their findings. */
	if (opts->replay && !findings->nr)
		error = gm_verify_replay(findings, &h, repo, cfg, opts->no_cache);
done:
	gm_history_release(&h);
	gm_lock_release(lock);
	return error;
}
