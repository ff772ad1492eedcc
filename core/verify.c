/* verify: the checks of DESIGN.md §3.7 (parse, graph, immutable, chained); findings are data. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/prepare.h"
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/diff.h"
#include "git-migrate/error.h"
#include "git-migrate/vec.h"
#include "util/banned.h"

const char *const gm_verify_checks[] = { "parse", "graph", "immutable", "chained", NULL };

/* Read the files of the migrations directory at `rev` (NULL = the worktree). */
static int read_files(gm_files *out, gm_repo *repo, const gm_config *cfg, const char *rev)
{
	char oid[GM_OID_HEXSZ + 1];
	int error;

	if (!rev)
		return gm_repo_read_worktree_dir(out, repo, cfg->migrations);
	if ((error = gm_repo_resolve(oid, NULL, repo, rev)) < 0)
		return error;
	return gm_repo_read_tree_dir(out, repo, oid, cfg->migrations);
}

int gm_chain_read(gm_chain **out, gm_findings *findings, gm_repo *repo, const gm_config *cfg,
		  const char *rev)
{
	gm_files files = GM_FILES_INIT;
	int error;

	GM_ASSERT_ARG(out && findings && repo && cfg);
	*out = NULL;
	if ((error = read_files(&files, repo, cfg, rev)) < 0)
		goto done;
	error = gm_chain_load(out, findings, &files);
done:
	gm_files_release(&files);
	return error;
}

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

struct mark {
	const char *id;
	bool covered;
};

static int cmp_mark(const void *a, const void *b)
{
	return strcmp(((const struct mark *)a)->id, ((const struct mark *)b)->id);
}

static struct mark *mark_of(struct mark *marks, size_t nr, const char *id)
{
	struct mark key;
	key.id = id;
	return bsearch(&key, marks, nr, sizeof(*marks), cmp_mark);
}

/* Mark the production revisions named as parents by r, and their ancestors. */
static void cover(struct mark *marks, size_t n, const gm_chain *prod, const gm_revision *r,
		  const gm_revision **stack)
{
	size_t top = 0, p;

	for (;;) {
		for (p = 0; p < r->parents_nr; p++) {
			struct mark *m = mark_of(marks, n, r->parents[p]);
			const gm_revision *q = gm_chain_find(prod, r->parents[p]);
			if (m && q && !m->covered) {
				m->covered = true;
				stack[top++] = q;
			}
		}
		if (!top)
			return;
		r = stack[--top];
	}
}

/*
 * Production revisions that the checked chain builds on: named as a parent by one of
 * its revisions, or an ancestor of such ("covered"). A missing revision that is covered
 * was deleted; one that is not is newer than everything here: the branch is behind,
 * which "chained" reports. Caller frees the array (sorted by id, one per production
 * revision).
 */
static struct mark *covered_marks(const gm_chain *prod, const gm_chain *chain)
{
	size_t n = gm_chain_count(prod), i;
	struct mark *marks = gm_xcalloc(n ? n : 1, sizeof(*marks));
	const gm_revision **stack = gm_xmalloc((n ? n : 1) * sizeof(*stack));

	for (i = 0; i < n; i++)
		marks[i].id = gm_chain_at(prod, i)->id;
	qsort(marks, n, sizeof(*marks), cmp_mark);
	for (i = 0; i < gm_chain_count(chain); i++)
		cover(marks, n, prod, gm_chain_at(chain, i), stack);
	free(stack);
	return marks;
}

/*
 * A production revision missing from the checked tree was deleted when a later
 * production revision is still there, when it did not parse in production, or when the
 * checked tree has no revisions at all.
 */
static bool deleted(const gm_revision *pr, struct mark *marks, size_t nr,
		    const gm_chain *chain)
{
	struct mark *m;

	if (!pr || !gm_chain_count(chain))
		return true;
	m = mark_of(marks, nr, pr->id);
	return !m || m->covered;
}

/*
 * immutable: every production revision file exists in the checked tree with the same
 * blob id. A production revision found under another name (same id) counts as renamed.
 */
static void check_immutable(gm_findings *findings, const gm_files *prod_files,
			    const gm_chain *prod, const gm_files *files, const gm_chain *chain,
			    const char *prod_name)
{
	size_t pnr, nr, i;
	const gm_file **pv = sql_files(prod_files, &pnr);
	const gm_file **v = sql_files(files, &nr);
	struct mark *marks = covered_marks(prod, chain);
	size_t marks_nr = gm_chain_count(prod);

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
			else if (deleted(pr, marks, marks_nr, chain))
				gm_findings_add(findings, "immutable", pf->path, 0,
						"production revision '%s' was deleted; restore it "
						"with 'git checkout %s -- %s'",
						pf->name, prod_name, pf->path);
		}
	}
	free(marks);
	free(v);
	free(pv);
}

/*
 * A local revision (not in production) whose parent is a production revision other
 * than `prod_head`: where a branch forked off an older production revision. NULL if none.
 */
static const gm_revision *stale_fork(const gm_chain *chain, const gm_chain *prod,
				     const char *prod_head, const char **parent_out)
{
	size_t i, p;

	for (i = 0; i < gm_chain_count(chain); i++) {
		const gm_revision *r = gm_chain_at(chain, i);
		if (gm_chain_find(prod, r->id))
			continue;
		for (p = 0; p < r->parents_nr; p++)
			if (strcmp(r->parents[p], prod_head) &&
			    gm_chain_find(prod, r->parents[p])) {
				*parent_out = r->parents[p];
				return r;
			}
	}
	return NULL;
}

/* True when a revision at or behind `id` names a parent that does not exist. */
static bool reaches_missing(const gm_chain *chain, const char *id)
{
	size_t n = gm_chain_count(chain), top = 0, p, i;
	const gm_revision **stack = gm_xmalloc((n ? n : 1) * sizeof(*stack));
	struct mark *seen = gm_xcalloc(n ? n : 1, sizeof(*seen)), *m;
	const gm_revision *r = gm_chain_find(chain, id);
	bool missing = false;

	for (i = 0; i < n; i++)
		seen[i].id = gm_chain_at(chain, i)->id;
	qsort(seen, n, sizeof(*seen), cmp_mark);
	if (r)
		stack[top++] = r;
	while (top && !missing) {
		r = stack[--top];
		for (p = 0; p < r->parents_nr; p++) {
			const gm_revision *q = gm_chain_find(chain, r->parents[p]);
			if (!q) {
				missing = true;
			} else if ((m = mark_of(seen, n, q->id)) && !m->covered && top < n) {
				m->covered = true;
				stack[top++] = q;
			}
		}
	}
	free(seen);
	free(stack);
	return missing;
}

/* chained: every head of the checked chain descends from every production head. */
static void check_chained(gm_findings *findings, const gm_chain *chain, const gm_chain *prod,
			  const char *prod_name)
{
	const gm_revision *const *heads, *const *pheads;
	size_t nr, pnr, i, j;

	pheads = gm_chain_heads(prod, &pnr);
	heads = gm_chain_heads(chain, &nr);
	if (!pnr || !nr)
		return;
	for (j = 0; j < pnr; j++) {
		const char *ph = pheads[j]->id;
		const char *parent = NULL;
		const gm_revision *fork = NULL;
		bool bad = false;

		for (i = 0; i < nr; i++)
			if (!gm_chain_descends(chain, heads[i]->id, ph) &&
			    !reaches_missing(chain, heads[i]->id))
				bad = true;
		if (!bad)
			continue;
		fork = stale_fork(chain, prod, ph, &parent);
		if (fork) {
			gm_findings_add(findings, "chained", fork->path, fork->parents_line,
					"local revision '%s' chains onto '%s', an older "
					"revision of '%s' whose head is now '%s'; run 'git "
					"migrate rebase' to re-chain the local revisions onto it",
					fork->id, parent, prod_name, ph);
			continue;
		}
		for (i = 0; i < nr; i++)
			if (!gm_chain_descends(chain, heads[i]->id, ph) &&
			    !reaches_missing(chain, heads[i]->id))
				gm_findings_add(findings, "chained", heads[i]->path,
						heads[i]->id_line,
						"head '%s' does not descend from '%s', the head "
						"of '%s'",
						heads[i]->id, ph, prod_name);
	}
}

int gm_verify(gm_findings *findings, gm_repo *repo, const gm_config *cfg,
	      const gm_verify_opts *opts)
{
	static const gm_verify_opts defaults = GM_VERIFY_OPTS_INIT;
	gm_files files = GM_FILES_INIT, prod_files = GM_FILES_INIT;
	gm_findings ignored = GM_FINDINGS_INIT;
	gm_chain *chain = NULL, *prod = NULL;
	const char *prod_name;
	char oid[GM_OID_HEXSZ + 1];
	int error = 0;

	GM_ASSERT_ARG(findings && repo && cfg);
	if (!opts)
		opts = &defaults;
	prod_name = opts->production ? opts->production : cfg->production;

	/* production first: a production ref that does not resolve means we cannot run */
	if ((error = gm_repo_resolve(oid, NULL, repo, prod_name)) < 0)
		goto done;
	if ((error = gm_repo_read_tree_dir(&prod_files, repo, oid, cfg->migrations)) < 0)
		goto done;
	/* production's own parse/graph problems show up when its files are checked below */
	if ((error = gm_chain_load(&prod, &ignored, &prod_files)) < 0)
		goto done;

	if ((error = read_files(&files, repo, cfg, opts->rev)) < 0)
		goto done;
	if ((error = gm_chain_load(&chain, findings, &files)) < 0)
		goto done;

	check_immutable(findings, &prod_files, prod, &files, chain, prod_name);
	check_chained(findings, chain, prod, prod_name);
	/* Replaying a chain that fails the other checks would only repeat their findings. */
	if (opts->replay && !findings->nr)
		error = gm_verify_replay(findings, repo, cfg, opts);

done:
	gm_chain_free(chain);
	gm_chain_free(prod);
	gm_findings_release(&ignored);
	gm_files_release(&files);
	gm_files_release(&prod_files);
	return error;
}

/* ---- semantic conflicts ----------------------------------------------------- */

/* One object a revision changed: its name in messages, the table it belongs to. */
struct object {
	char *name;     /* "deals.currency", "table deals", "index deals_title_idx", "enum x" */
	char *table;    /* NULL for an enum */
	bool whole;     /* the table itself (added, dropped, renamed) */
};

struct gm_touched {
	struct object *v;
	size_t nr, alloc;
};

static void touch(gm_touched *t, const char *table, bool whole, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void touch(gm_touched *t, const char *table, bool whole, const char *fmt, ...)
{
	gm_buf b = GM_BUF_INIT;
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	gm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	for (i = 0; i < t->nr; i++)
		if (!strcmp(t->v[i].name, b.ptr)) {
			gm_buf_release(&b);
			return;
		}
	GM_ALLOC_GROW(t->v, t->nr + 1, t->alloc);
	t->v[t->nr].name = gm_buf_detach(&b);
	t->v[t->nr].table = table ? gm_xstrdup(table) : NULL;
	t->v[t->nr].whole = whole;
	t->nr++;
}

static void touch_table_change(gm_touched *t, const char *tn, const gm_tchange *tc)
{
	switch (tc->kind) {
	case GM_TCHANGE_ADD_COLUMN:
		touch(t, tn, false, "%s.%s", tn, tc->col_to->name);
		break;
	case GM_TCHANGE_DROP_COLUMN:
		touch(t, tn, false, "%s.%s", tn, tc->col_from->name);
		break;
	case GM_TCHANGE_RENAME_COLUMN:
		touch(t, tn, false, "%s.%s", tn, tc->col_from->name);
		touch(t, tn, false, "%s.%s", tn, tc->col_to->name);
		break;
	case GM_TCHANGE_MODIFY_COLUMN:
		touch(t, tn, false, "%s.%s", tn, tc->col_to->name);
		break;
	case GM_TCHANGE_ADD_INDEX:
	case GM_TCHANGE_DROP_INDEX: {
		const gm_index *ix = tc->index_to ? tc->index_to : tc->index_from;
		touch(t, tn, false, "%s %s", ix->constraint ? "constraint" : "index", ix->name);
		break;
	}
	case GM_TCHANGE_ADD_FKEY:
	case GM_TCHANGE_DROP_FKEY:
		touch(t, tn, false, "constraint %s",
		      (tc->fkey_to ? tc->fkey_to : tc->fkey_from)->name);
		break;
	case GM_TCHANGE_ADD_CHECK:
	case GM_TCHANGE_DROP_CHECK:
		touch(t, tn, false, "constraint %s",
		      (tc->check_to ? tc->check_to : tc->check_from)->name);
		break;
	case GM_TCHANGE_MODIFY_PKEY:
		touch(t, tn, false, "primary key of %s", tn);
		break;
	case GM_TCHANGE_MODIFY_COMMENT:
		touch(t, tn, false, "comment on table %s", tn);
		break;
	}
}

void gm_touched_new(gm_touched **out, const gm_changes *changes)
{
	gm_touched *t = gm_xcalloc(1, sizeof(*t));
	size_t i, k;

	for (i = 0; i < changes->nr; i++) {
		const gm_change *ch = &changes->v[i];
		switch (ch->kind) {
		case GM_CHANGE_ADD_ENUM:
		case GM_CHANGE_ADD_ENUM_VALUE:
		case GM_CHANGE_SWAP_ENUM:
			touch(t, NULL, false, "enum %s", ch->enum_to->name);
			break;
		case GM_CHANGE_RENAME_ENUM:
			touch(t, NULL, false, "enum %s", ch->enum_from->name);
			touch(t, NULL, false, "enum %s", ch->enum_to->name);
			break;
		case GM_CHANGE_DROP_ENUM:
			touch(t, NULL, false, "enum %s", ch->enum_from->name);
			break;
		case GM_CHANGE_ADD_TABLE:
			touch(t, ch->to->name, true, "table %s", ch->to->name);
			break;
		case GM_CHANGE_DROP_TABLE:
			touch(t, ch->from->name, true, "table %s", ch->from->name);
			break;
		case GM_CHANGE_RENAME_TABLE:
			touch(t, ch->from->name, true, "table %s", ch->from->name);
			touch(t, ch->to->name, true, "table %s", ch->to->name);
			break;
		case GM_CHANGE_MODIFY_TABLE:
			for (k = 0; k < ch->tchanges_nr; k++)
				touch_table_change(t, ch->to->name, &ch->tchanges[k]);
			break;
		}
	}
	*out = t;
}

size_t gm_touched_count(const gm_touched *t)
{
	return t ? t->nr : 0;
}

void gm_touched_free(gm_touched *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nr; i++) {
		free(t->v[i].name);
		free(t->v[i].table);
	}
	free(t->v);
	free(t);
}

/* The same object, or a table and something of it. */
static bool overlap(const struct object *a, const struct object *b)
{
	if (!strcmp(a->name, b->name))
		return true;
	return (a->whole || b->whole) && a->table && b->table && !strcmp(a->table, b->table);
}

/* The names of the marked objects, joined with ", ". */
static void marked_names(gm_buf *b, const gm_touched *t, const bool *marked)
{
	size_t i;
	for (i = 0; i < t->nr; i++)
		if (marked[i])
			gm_buf_printf(b, "%s%s", b->len ? ", " : "", t->v[i].name);
}

bool gm_semantic_conflict(gm_findings *f, const gm_revision *prod, const gm_touched *pt,
			  const gm_revision *local, const gm_touched *lt)
{
	gm_buf theirs = GM_BUF_INIT, ours = GM_BUF_INIT;
	bool *pm, *lm, found = false;
	size_t i, k;

	if (!pt || !lt || !pt->nr || !lt->nr)
		return false;
	pm = gm_xcalloc(pt->nr, sizeof(bool));
	lm = gm_xcalloc(lt->nr, sizeof(bool));
	for (i = 0; i < pt->nr; i++)
		for (k = 0; k < lt->nr; k++)
			if (overlap(&pt->v[i], &lt->v[k]))
				pm[i] = lm[k] = found = true;
	if (found) {
		marked_names(&theirs, pt, pm);
		marked_names(&ours, lt, lm);
		gm_findings_warn(f, "semantic", local->path, local->up.line,
				 "semantic conflict: production's %s changed %s; your %s also "
				 "changes %s", prod->id, theirs.ptr, local->id, ours.ptr);
	}
	free(pm);
	free(lm);
	gm_buf_release(&theirs);
	gm_buf_release(&ours);
	return found;
}
