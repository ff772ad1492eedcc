/* rebase: re-chain the local revisions onto production's head once the replay check passes. */
#include <stdlib.h>
#include <string.h>
#include "git-migrate/gm.h"
#include "error_int.h"
#include "chain.h"
#include "lock.h"
#include "replay.h"
#include "repo_int.h"
#include "util/file.h"
#include "util/banned.h"

/* One rebase: the history and what re-chaining changed in it. */
struct rebase {
	gm_history h;
	struct rechained {
		gm_revision *rev; /* a local revision re-chained (borrowed from h) */
		char *from;       /* its old parents, ", "-joined ("" for none) */
	} * rechained;            /* in line order */
	size_t rechained_nr, rechained_alloc;
	bool linearized; /* several local heads or roots put in one line */
	char **forks;    /* the older production revisions they hung off */
	size_t forks_nr, forks_alloc;
};

static gm_revision *local_named(gm_revision **v, size_t nr, const char *id)
{
	size_t i;
	for (i = 0; i < nr; i++)
		if (!strcmp(v[i]->id, id))
			return v[i];
	return NULL;
}

/* rebase: give a local revision one parent, `onto`, and say what it was. */
static void set_parent(struct rebase *r, const gm_chain *prod, const char *prod_head,
		       gm_revision *rev, const char *onto)
{
	gm_buf from = GM_BUF_INIT;
	size_t p;

	for (p = 0; p < rev->parents_nr; p++) {
		gm_buf_printf(&from, "%s%s", p ? ", " : "", rev->parents[p]);
		if (gm_chain_find(prod, rev->parents[p]) && strcmp(rev->parents[p], prod_head)) {
			GM_ALLOC_GROW(r->forks, r->forks_nr + 1, r->forks_alloc);
			r->forks[r->forks_nr++] = gm_xstrdup(rev->parents[p]);
		}
		free(rev->parents[p]);
	}
	rev->parents[0] = gm_xstrdup(onto);
	rev->parents_nr = 1;
	GM_ALLOC_GROW(r->rechained, r->rechained_nr + 1, r->rechained_alloc);
	r->rechained[r->rechained_nr].rev = rev;
	r->rechained[r->rechained_nr].from = gm_buf_detach(&from);
	r->rechained_nr++;
}

/*
 * rebase: re-chain the local revisions v onto production's head, in memory. One line
 * hanging off one revision (a → b → c, or any graph with one local root and one local
 * head): only the root's production parent changes, the rest keep theirs. Several
 * local heads or roots: all of them in one line (gm_revisions_linearize: parents first,
 * then by created, then by file name), the first onto production's head and each
 * onto the one before it. A local revision whose parent is neither production's nor
 * local, or a local base, is left alone: the graph check names it.
 */
static void rechain(struct rebase *r, const gm_chain *prod, const char *prod_head, gm_revision **v,
		    size_t nr)
{
	const gm_revision **line = NULL;
	gm_revision *root = NULL;
	size_t i, k, p, roots = 0, heads = 0;

	if (!prod_head || !nr)
		return;
	for (i = 0; i < nr; i++) {
		bool local_parent = false, named = false;
		if (!v[i]->parents_nr)
			return;
		for (p = 0; p < v[i]->parents_nr; p++) {
			if (local_named(v, nr, v[i]->parents[p]))
				local_parent = true;
			else if (!gm_chain_find(prod, v[i]->parents[p]))
				return;
		}
		if (!local_parent) {
			roots++;
			root = v[i];
		}
		for (k = 0; k < nr && !named; k++)
			for (p = 0; p < v[k]->parents_nr; p++)
				if (!strcmp(v[k]->parents[p], v[i]->id))
					named = true;
		if (!named)
			heads++;
	}
	if (roots == 1 && heads == 1) {
		for (p = 0; p < root->parents_nr; p++)
			if (strcmp(root->parents[p], prod_head)) {
				set_parent(r, prod, prod_head, root, prod_head);
				break;
			}
		return;
	}
	line = gm_xmalloc(nr * sizeof(*line));
	for (i = 0; i < nr; i++)
		line[i] = v[i];
	if (gm_revisions_linearize(line, nr) < 0) {
		gm_error_clear(); /* a cycle: the graph check names it */
		free(line);
		return;
	}
	for (i = 0; i < nr; i++) {
		gm_revision *rev = local_named(v, nr, line[i]->id);
		const char *onto = i ? line[i - 1]->id : prod_head;
		if (rev->parents_nr != 1 || strcmp(rev->parents[0], onto))
			set_parent(r, prod, prod_head, rev, onto);
	}
	r->linearized = true;
	free(line);
}

/*
 * Production's revisions newer than the fork: those that are not an ancestor of (or) an
 * older production revision a local one hung off. Caller frees; NULL when none.
 */
static bool *newer_than_forks(const struct rebase *r)
{
	const gm_history *h = &r->h;
	bool *newer = NULL;
	size_t i, k;

	for (i = 0; i < h->prod_nr; i++)
		for (k = 0; k < r->forks_nr; k++)
			if (!gm_chain_descends(h->all, r->forks[k], h->order[i]->id)) {
				if (!newer)
					newer = gm_xcalloc(h->order_nr, sizeof(*newer));
				newer[i] = true;
				break;
			}
	return newer;
}

static void rebase_release(struct rebase *r)
{
	size_t i;

	for (i = 0; i < r->rechained_nr; i++)
		free(r->rechained[i].from);
	free(r->rechained);
	for (i = 0; i < r->forks_nr; i++)
		free(r->forks[i]);
	free(r->forks);
	gm_history_release(&r->h);
}

/* Read the chains and re-chain the local revisions in memory. */
static int read_rechain(struct rebase *r, gm_repo *repo, const gm_config *cfg,
			const char *production)
{
	gm_revision **locals;
	size_t nr;
	int error;

	if ((error = gm_history_load(&r->h, repo, cfg, production, NULL)) < 0)
		return error;
	/* a broken production chain or unparsable local file: combine says so */
	if (!r->h.prod_findings.nr && !gm_findings_count(&r->h.local_findings, "parse")) {
		locals = gm_history_locals(&r->h, &nr);
		rechain(r, r->h.prod, r->h.prod_head, locals, nr);
		free(locals);
	}
	return gm_history_combine(&r->h, true);
}

/* What was re-chained, into the result. */
static void fill_result(gm_rebase_result *out, const struct rebase *r)
{
	size_t i;

	out->items = gm_xcalloc(r->rechained_nr, sizeof(*out->items));
	for (i = 0; i < r->rechained_nr; i++) {
		const gm_revision *rev = r->rechained[i].rev;
		out->items[i].id = gm_xstrdup(rev->id);
		out->items[i].path = gm_xstrdup(rev->path);
		out->items[i].from = gm_xstrdup(r->rechained[i].from);
		out->items[i].onto = gm_xstrdup(rev->parents[0]);
	}
	out->items_nr = r->rechained_nr;
	out->id = gm_xstrdup(out->items[0].id);
	out->path = gm_xstrdup(out->items[0].path);
	out->from = gm_xstrdup(out->items[0].from);
	out->onto = gm_xstrdup(out->items[0].onto);
	out->linearized = r->linearized;
	out->local_nr = r->h.local_nr;
}

/* A re-chained revision's file, read again and rewritten in memory. */
struct rewrite {
	const gm_revision *rev;
	gm_buf path;      /* absolute */
	gm_buf text;      /* the new content */
	const gm_file *f; /* the content read (and replayed) */
};

/*
 * Rewrite the re-chained revisions' down_revision lines in the worktree: only when each
 * file still holds what was read and replayed (its blob id, computed as when it was
 * read), through revision.c (the line found by the parser, nothing else changed), and
 * each atomically with the file's mode kept (gm_file_replace, which compares the
 * content once more just before the rename). Every new text is made before the first
 * file is replaced; when a later file cannot be replaced, those already rewritten are
 * put back (best effort) and the error names the file.
 */
static int write_rechained(struct rebase *r, gm_repo *repo, const gm_config *cfg)
{
	gm_files files = GM_FILES_INIT;
	struct rewrite *w = gm_xcalloc(r->rechained_nr, sizeof(*w));
	size_t i, k;
	int error;

	for (i = 0; i < r->rechained_nr; i++) {
		w[i].rev = r->rechained[i].rev;
		gm_buf_init(&w[i].path);
		gm_buf_init(&w[i].text);
	}
	if ((error = gm_tree_read_dir(&files, repo, NULL, cfg->migrations, true)) < 0)
		goto done;
	for (i = 0; i < r->rechained_nr; i++) {
		const gm_revision *rev = w[i].rev;
		for (k = 0; k < files.nr && !w[i].f; k++)
			if (!strcmp(files.v[k].path, rev->path))
				w[i].f = &files.v[k];
		if (!w[i].f || strcmp(w[i].f->oid, rev->checksum)) {
			error = gm_error_set(GM_ERROR,
					     "'%s' changed while rebasing, nothing "
					     "written",
					     rev->path);
			gm_error_hint("run 'git migrate rebase' again");
			goto done;
		}
		if ((error = gm_revision_set_parents(&w[i].text, rev->path, w[i].f->data,
						     w[i].f->len, rev->parents, rev->parents_nr)) <
		    0)
			goto done;
		gm_buf_printf(&w[i].path, "%s/%s", cfg->root, rev->path);
	}
	for (i = 0; i < r->rechained_nr; i++)
		if ((error = gm_file_replace(w[i].path.ptr, w[i].text.ptr, w[i].text.len,
					     w[i].f->data, w[i].f->len)) < 0)
			break;
	if (error < 0 && i > 0) {
		/* put back what was rewritten: the rebase is all or nothing */
		gm_error_prefix("'%s' (the revisions rewritten before it were restored)",
				w[i].rev->path);
		for (k = 0; k < i; k++)
			if (gm_file_replace(w[k].path.ptr, w[k].f->data, w[k].f->len, w[k].text.ptr,
					    w[k].text.len) < 0)
				break;
	}
done:
	for (i = 0; i < r->rechained_nr; i++) {
		gm_buf_release(&w[i].path);
		gm_buf_release(&w[i].text);
	}
	free(w);
	gm_files_release(&files);
	return error;
}

int gm_rebase(gm_rebase_result *out, gm_findings *findings, gm_repo *repo, const gm_config *cfg,
	      const gm_rebase_opts *opts)
{
	static const gm_rebase_opts defaults = GM_REBASE_OPTS_INIT;
	gm_replay_opts ro = { NULL, NULL, false, NULL, false, false, false };
	struct rebase r;
	gm_replay *rp = NULL;
	gm_lock *lock = NULL;
	bool *newer = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	if (!opts)
		opts = &defaults;
	ro.progress = opts->progress;
	ro.payload = opts->payload;
	ro.fixtures_oid = r.h.prod_oid; /* filled when the history is read */
	ro.no_cache = opts->no_cache;
	gm_replay_new(&rp, repo, cfg, &ro);
	if ((error = gm_lock_worktree(&lock, repo, cfg, opts->no_wait, opts->wait, opts->payload)) <
	    0)
		goto done;
	if ((error = read_rechain(&r, repo, cfg, opts->production)) < 0 || !r.rechained_nr)
		goto done;
	fill_result(out, &r);
	newer = newer_than_forks(&r);
	if ((error = gm_replay_check(findings, rp, &r.h, newer, false)) < 0 || findings->nr)
		goto done;
	out->replayed = r.h.order_nr;
	if (opts->dry_run)
		goto done;
	if ((error = write_rechained(&r, repo, cfg)) == 0)
		out->written = true;
done:
	free(newer);
	gm_replay_free(rp);
	rebase_release(&r);
	gm_lock_release(lock);
	if (error < 0)
		gm_rebase_result_release(out);
	return error;
}

void gm_rebase_result_release(gm_rebase_result *res)
{
	size_t i;

	for (i = 0; i < res->items_nr; i++) {
		free(res->items[i].id);
		free(res->items[i].path);
		free(res->items[i].from);
		free(res->items[i].onto);
	}
	free(res->items);
	free(res->id);
	free(res->path);
	free(res->from);
	free(res->onto);
	memset(res, 0, sizeof(*res));
}
