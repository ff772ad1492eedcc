/* The chain: revisions by id, heads, bases, ancestry; the history loader (files parsed once). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/vec.h"
#include "error_int.h"
#include "chain.h"
#include "finding_int.h"
#include "repo_int.h"
#include "util/banned.h"

#define NONE GM_CHAIN_NONE

static uint64_t hash_id(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

size_t gm_chain_index(const gm_chain *chain, const char *id)
{
	size_t mask, i;

	if (!chain->slots_nr || !id)
		return NONE;
	mask = chain->slots_nr - 1;
	for (i = (size_t)hash_id(id) & mask; chain->slots[i]; i = (i + 1) & mask) {
		size_t k = chain->slots[i] - 1;
		if (!strcmp(chain->v[k]->id, id))
			return k;
	}
	return NONE;
}

#define index_of gm_chain_index

static void slot_insert(gm_chain *chain, size_t k)
{
	size_t mask = chain->slots_nr - 1, i;

	for (i = (size_t)hash_id(chain->v[k]->id) & mask; chain->slots[i]; i = (i + 1) & mask)
		if (!strcmp(chain->v[chain->slots[i] - 1]->id, chain->v[k]->id))
			return; /* a duplicate: the first one stays */
	chain->slots[i] = k + 1;
}

static void rehash(gm_chain *chain, size_t want)
{
	size_t n = 64, k;

	while (n < want * 2)
		n *= 2;
	free(chain->slots);
	chain->slots = gm_xcalloc(n, sizeof(*chain->slots));
	chain->slots_nr = n;
	for (k = 0; k < chain->nr; k++)
		slot_insert(chain, k);
}

void gm_chain_new(gm_chain **out)
{
	*out = gm_xcalloc(1, sizeof(**out));
	(*out)->stale = true;
}

void gm_chain_add(gm_chain *chain, gm_revision *rev)
{
	GM_ASSERT_ARG(chain);
	GM_ASSERT_ARG(rev && rev->id);
	GM_PUSH(chain->v, chain->nr, chain->alloc, rev);
	if (chain->nr * 2 > chain->slots_nr)
		rehash(chain, chain->nr);
	else
		slot_insert(chain, chain->nr - 1);
	chain->stale = true;
}

void gm_chain_free(gm_chain *chain)
{
	size_t i;

	if (!chain)
		return;
	for (i = 0; i < chain->nr && !chain->borrowed; i++)
		gm_revision_free(chain->v[i]);
	free(chain->v);
	free(chain->slots);
	free(chain->heads);
	free(chain->bases);
	free(chain);
}

void gm_chain_changed(gm_chain *chain)
{
	chain->stale = true;
}

size_t gm_chain_count(const gm_chain *chain)
{
	return chain ? chain->nr : 0;
}

const gm_revision *gm_chain_find(const gm_chain *chain, const char *id)
{
	size_t k = index_of(chain, id);
	return k == NONE ? NULL : chain->v[k];
}

const gm_revision *gm_chain_at(const gm_chain *chain, size_t i)
{
	GM_ASSERT_ARG(chain && i < chain->nr);
	return chain->v[i];
}

int gm_chain_lookup(const gm_revision **out, const gm_chain *chain, const char *id_or_prefix)
{
	const gm_revision *found = NULL;
	gm_buf candidates = GM_BUF_INIT;
	size_t i, n = 0, len;

	*out = NULL;
	if (!id_or_prefix || !*id_or_prefix)
		return gm_error_set(GM_ENOTFOUND, "unknown revision ''");
	if ((found = gm_chain_find(chain, id_or_prefix)) != NULL) {
		*out = found;
		return 0;
	}
	len = strlen(id_or_prefix);
	for (i = 0; i < chain->nr; i++) {
		const gm_revision *r = chain->v[i];
		if (strncmp(r->id, id_or_prefix, len) || index_of(chain, r->id) != i)
			continue;
		if (n++)
			gm_buf_puts(&candidates, ", ");
		gm_buf_printf(&candidates, "'%s'", r->id);
		found = r;
	}
	if (n == 1) {
		gm_buf_release(&candidates);
		*out = found;
		return 0;
	}
	if (!n) {
		gm_buf_release(&candidates);
		return gm_error_set(GM_ENOTFOUND, "unknown revision '%s'", id_or_prefix);
	}
	gm_error_set(GM_EINVALID, "ambiguous revision prefix '%s'", id_or_prefix);
	gm_error_hint("it matches %s", candidates.ptr);
	gm_buf_release(&candidates);
	return GM_EINVALID;
}

/* ---- heads and bases ---------------------------------------------------- */

static int cmp_rev_id(const void *a, const void *b)
{
	const gm_revision *x = *(const gm_revision *const *)a;
	const gm_revision *y = *(const gm_revision *const *)b;
	return strcmp(x->id, y->id);
}

/* named[k]: some revision names revision k as a parent. Caller frees. */
static bool *named_flags(const gm_chain *chain)
{
	bool *named = gm_xcalloc(chain->nr ? chain->nr : 1, sizeof(*named));
	size_t i, p;

	for (i = 0; i < chain->nr; i++)
		for (p = 0; p < chain->v[i]->parents_nr; p++) {
			size_t k = index_of(chain, chain->v[i]->parents[p]);
			if (k != NONE)
				named[k] = true;
		}
	return named;
}

static void refresh(const gm_chain *cchain)
{
	gm_chain *chain = (gm_chain *)cchain; /* caches only: the chain is ours, not const */
	size_t i, heads_alloc = 0, bases_alloc = 0;
	bool *named;

	if (!chain->stale)
		return;
	free(chain->heads);
	free(chain->bases);
	chain->heads = chain->bases = NULL;
	chain->heads_nr = chain->bases_nr = 0;
	named = named_flags(chain);
	for (i = 0; i < chain->nr; i++) {
		const gm_revision *r = chain->v[i];
		if (index_of(chain, r->id) != i)
			continue; /* a duplicate id counts once */
		if (!named[i])
			GM_PUSH(chain->heads, chain->heads_nr, heads_alloc, r);
		if (!r->parents_nr)
			GM_PUSH(chain->bases, chain->bases_nr, bases_alloc, r);
	}
	free(named);
	if (chain->heads_nr > 1)
		qsort(chain->heads, chain->heads_nr, sizeof(*chain->heads), cmp_rev_id);
	if (chain->bases_nr > 1)
		qsort(chain->bases, chain->bases_nr, sizeof(*chain->bases), cmp_rev_id);
	chain->stale = false;
}

const gm_revision *const *gm_chain_heads(const gm_chain *chain, size_t *nr)
{
	refresh(chain);
	*nr = chain->heads_nr;
	return chain->heads;
}

const gm_revision *const *gm_chain_bases(const gm_chain *chain, size_t *nr)
{
	refresh(chain);
	*nr = chain->bases_nr;
	return chain->bases;
}

bool gm_chain_descends(const gm_chain *chain, const char *id, const char *ancestor)
{
	size_t start, *stack, top = 0, p;
	bool *seen, found = false;

	if (!id || !ancestor)
		return false;
	if (!strcmp(id, ancestor))
		return true;
	if ((start = index_of(chain, id)) == NONE)
		return false;
	seen = gm_xcalloc(chain->nr, sizeof(bool));
	stack = gm_xmalloc(chain->nr * sizeof(size_t));
	stack[top++] = start;
	seen[start] = true;
	while (top && !found) {
		const gm_revision *r = chain->v[stack[--top]];
		for (p = 0; p < r->parents_nr; p++) {
			size_t k;
			if (!strcmp(r->parents[p], ancestor)) {
				found = true;
				break;
			}
			k = index_of(chain, r->parents[p]);
			if (k != NONE && !seen[k]) {
				seen[k] = true;
				stack[top++] = k;
			}
		}
	}
	free(stack);
	free(seen);
	return found;
}

static bool is_sql(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && !strcmp(name + n - 4, ".sql");
}

static int cmp_checksum(const void *a, const void *b)
{
	return strcmp((*(const gm_revision *const *)a)->checksum,
		      (*(const gm_revision *const *)b)->checksum);
}

/* known's revision parsed from file f's very content at f's path, or NULL. */
static const gm_revision *known_revision(const gm_revision **by_sum, size_t nr, const gm_file *f,
					 const char *path)
{
	gm_revision key;
	const gm_revision *kp = &key, **hit;

	if (!nr || !f->oid[0])
		return NULL;
	memcpy(key.checksum, f->oid, sizeof(key.checksum));
	key.checksum[GM_OID_HEXSZ] = '\0';
	hit = bsearch(&kp, by_sum, nr, sizeof(*by_sum), cmp_checksum);
	return hit && (*hit)->path && !strcmp((*hit)->path, path) ? *hit : NULL;
}

int gm_chain_load_known(gm_chain **out, gm_findings *findings, const gm_files *files,
			const gm_chain *known)
{
	const gm_revision **by_sum = NULL;
	size_t i, known_nr = known ? known->nr : 0;
	gm_chain *chain;

	GM_ASSERT_ARG(out && findings && files);
	if (known_nr) {
		by_sum = gm_xmalloc(known_nr * sizeof(*by_sum));
		for (i = 0; i < known_nr; i++)
			by_sum[i] = known->v[i];
		qsort(by_sum, known_nr, sizeof(*by_sum), cmp_checksum);
	}
	gm_chain_new(&chain);
	for (i = 0; i < files->nr; i++) {
		const gm_file *f = &files->v[i];
		const char *path = f->path ? f->path : f->name;
		const gm_revision *same;
		gm_revision *rev = NULL;

		if (!f->name || !is_sql(f->name))
			continue;
		/* the same bytes at the same path parse the same: copy, do not parse again */
		if ((same = known_revision(by_sum, known_nr, f, path))) {
			gm_chain_add(chain, gm_revision_dup(same));
			continue;
		}
		if (gm_revision_parse(&rev, path, f->data, f->len) < 0) {
			const gm_error *e = gm_error_last();
			gm_findings_add(findings, "parse", e->path ? e->path : f->path, e->line,
					"%s", e->message);
			gm_error_clear();
			continue;
		}
		memcpy(rev->checksum, f->oid, sizeof(rev->checksum));
		rev->checksum[GM_OID_HEXSZ] = '\0';
		gm_chain_add(chain, rev);
	}
	free(by_sum);
	gm_chain_check(chain, findings);
	*out = chain;
	return 0;
}

int gm_chain_load(gm_chain **out, gm_findings *findings, const gm_files *files)
{
	return gm_chain_load_known(out, findings, files, NULL);
}

/* ---- the history loader ---------------------------------------------------- */

/*
 * Read the migrations directory at `rev` (NULL = the worktree) and parse its chain.
 * known_files and known (may be NULL): production's listing and chain, whose files the
 * worktree's need not read or parse again when git's index vouches they are the same.
 */
static int read_chain(gm_chain **out, gm_files *files, gm_findings *findings, gm_repo *repo,
		      const gm_config *cfg, const char *rev, const gm_files *known_files,
		      const gm_chain *known)
{
	char oid[GM_OID_HEXSZ + 1];
	int error;

	if (!rev)
		error = gm_tree_read_worktree_dir(files, repo, cfg->migrations, known_files);
	else if ((error = gm_repo_resolve(oid, NULL, repo, rev)) == 0)
		error = gm_tree_read_dir(files, repo, oid, cfg->migrations, true);
	if (error < 0)
		return error;
	return gm_chain_load_known(out, findings, files, known);
}

int gm_chain_read(gm_chain **out, gm_findings *findings, gm_repo *repo, const gm_config *cfg,
		  const char *rev)
{
	gm_files files = GM_FILES_INIT;
	int error;

	GM_ASSERT_ARG(out && findings && repo && cfg);
	*out = NULL;
	error = read_chain(out, &files, findings, repo, cfg, rev, NULL, NULL);
	gm_files_release(&files);
	return error;
}

int gm_history_load(gm_history *h, gm_repo *repo, const gm_config *cfg, const char *production,
		    const char *local_rev)
{
	const gm_revision *const *heads;
	size_t i, nr;
	int error;

	GM_ASSERT_ARG(h && repo && cfg);
	memset(h, 0, sizeof(*h));
	h->production = production ? production : cfg->production;
	h->local_rev = local_rev;
	if ((error = gm_repo_resolve(h->prod_oid, NULL, repo, h->production)) < 0) {
		gm_error_hint("the production branch holds the migrations history; create it "
			      "or pass --production <ref>");
		return error;
	}
	if ((error = gm_tree_read_dir(&h->prod_files, repo, h->prod_oid, cfg->migrations, true)) <
		    0 ||
	    (error = gm_chain_load(&h->prod, &h->prod_findings, &h->prod_files)) < 0)
		return error;
	heads = gm_chain_heads(h->prod, &nr);
	h->prod_head = nr ? heads[0]->id : NULL;
	if ((error = read_chain(&h->local, &h->local_files, &h->local_findings, repo, cfg,
				local_rev, &h->prod_files, h->prod)) < 0)
		return error;
	for (i = 0; i < h->local->nr; i++)
		if (!gm_chain_find(h->prod, h->local->v[i]->id))
			h->local_nr++;
	return 0;
}

gm_revision **gm_history_locals(gm_history *h, size_t *nr)
{
	gm_revision **v = gm_xmalloc((h->local_nr ? h->local_nr : 1) * sizeof(*v));
	size_t i, n = 0;

	for (i = 0; i < h->local->nr; i++)
		if (!gm_chain_find(h->prod, h->local->v[i]->id))
			v[n++] = h->local->v[i];
	*nr = n;
	return v;
}

/*
 * Move production's revisions (as git has them), then the local ones, into h->all; free
 * the rest (the checked tree's copies of production's revisions), both chains and the
 * file listings: a replay needs h->all alone, and holds each revision once.
 */
static void merge_chains(gm_history *h)
{
	size_t i;

	gm_chain_new(&h->all);
	for (i = 0; i < h->prod->nr; i++)
		gm_chain_add(h->all, h->prod->v[i]);
	h->prod_nr = h->prod->nr; /* first in the order: the rest descend from them */
	for (i = 0; i < h->local->nr; i++) {
		gm_revision *rev = h->local->v[i];
		if (gm_chain_find(h->prod, rev->id))
			gm_revision_free(rev);
		else
			gm_chain_add(h->all, rev);
	}
	h->prod->borrowed = h->local->borrowed = true; /* moved or freed above */
	gm_chain_free(h->prod);
	gm_chain_free(h->local);
	h->prod = h->local = NULL;
	gm_files_release(&h->prod_files);
	gm_files_release(&h->local_files);
}

int gm_history_combine(gm_history *h, bool rechained)
{
	gm_findings findings = GM_FINDINGS_INIT;
	const gm_revision *const *heads;
	size_t nr;
	int error;

	if (h->prod_findings.nr) {
		error = gm_findings_error(&h->prod_findings, "production's chain");
		gm_error_prefix("production ('%s')", h->production);
		return error;
	}
	/* Graph problems are checked on the combined chain below, after a local revision
	 * hanging off an older production revision has been named (or re-chained). */
	if (gm_findings_count(&h->local_findings, "parse"))
		return gm_findings_error(&h->local_findings, "the worktree's chain");
	gm_chain_changed(h->local);
	if (!rechained &&
	    (error = gm_chain_check_fork(h->local, h->prod, h->prod_head, h->production)) < 0)
		return error;

	merge_chains(h);
	gm_chain_check(h->all, &findings);
	if (findings.nr) {
		error = gm_findings_error(&findings, "the chain");
		gm_findings_release(&findings);
		return error;
	}
	if ((error = gm_chain_order(&h->order, &h->order_nr, h->all)) < 0)
		return error;
	heads = gm_chain_heads(h->all, &nr);
	h->head = nr ? heads[0]->id : NULL;
	return 0;
}

void gm_history_release(gm_history *h)
{
	free(h->order);
	gm_chain_free(h->all);
	gm_chain_free(h->prod);
	gm_chain_free(h->local);
	gm_findings_release(&h->prod_findings);
	gm_findings_release(&h->local_findings);
	gm_files_release(&h->prod_files);
	gm_files_release(&h->local_files);
	memset(h, 0, sizeof(*h));
}
