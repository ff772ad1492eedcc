/* The chain graph: revisions by id, bases, heads, replay order, the parse/graph checks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/revision.h"
#include "git-migrate/prepare.h" /* gm_revisions_linearize */
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/vec.h"
#include "util/banned.h"

#define NONE SIZE_MAX

struct gm_chain {
	gm_revision **v;
	size_t nr, alloc;

	/* open-addressing table: id → index of the first revision with that id, stored +1 */
	size_t *slots;
	size_t slots_nr;     /* a power of two, or 0 */

	/* caches, rebuilt when stale (gm_chain_add makes them stale) */
	bool stale;
	const gm_revision **heads, **bases;
	size_t heads_nr, bases_nr;
};

static uint64_t hash_id(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* Index of the first revision with this id, or NONE. */
static size_t index_of(const gm_chain *chain, const char *id)
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
	for (i = 0; i < chain->nr; i++)
		gm_revision_free(chain->v[i]);
	free(chain->v);
	free(chain->slots);
	free(chain->heads);
	free(chain->bases);
	free(chain);
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

/* ---- the graph: children lists, topological order, cycles --------------- */

/* Children of each revision as compressed rows: kids[first[k] .. first[k + 1]). */
struct graph {
	size_t *first, *kids;
	size_t *indeg;       /* number of existing parents of each revision */
};

static void graph_build(struct graph *g, const gm_chain *chain)
{
	size_t n = chain->nr, i, p, edges = 0;
	size_t *fill;

	g->first = gm_xcalloc(n + 1, sizeof(size_t));
	g->indeg = gm_xcalloc(n ? n : 1, sizeof(size_t));
	for (i = 0; i < n; i++)
		for (p = 0; p < chain->v[i]->parents_nr; p++) {
			size_t k = index_of(chain, chain->v[i]->parents[p]);
			if (k == NONE)
				continue;
			g->first[k + 1]++;
			g->indeg[i]++;
			edges++;
		}
	for (i = 0; i < n; i++)
		g->first[i + 1] += g->first[i];
	g->kids = gm_xmalloc((edges ? edges : 1) * sizeof(size_t));
	fill = gm_xmalloc((n ? n : 1) * sizeof(size_t));
	memcpy(fill, g->first, n * sizeof(size_t));
	for (i = 0; i < n; i++)
		for (p = 0; p < chain->v[i]->parents_nr; p++) {
			size_t k = index_of(chain, chain->v[i]->parents[p]);
			if (k != NONE)
				g->kids[fill[k]++] = i;
		}
	free(fill);
}

static void graph_release(struct graph *g)
{
	free(g->first);
	free(g->kids);
	free(g->indeg);
}

/* A binary min-heap of revision indices, ordered by id. */
struct heap {
	size_t *v, nr;
	const gm_chain *chain;
};

static bool heap_less(const struct heap *h, size_t a, size_t b)
{
	int c = strcmp(h->chain->v[h->v[a]]->id, h->chain->v[h->v[b]]->id);
	return c < 0 || (c == 0 && h->v[a] < h->v[b]);
}

static void heap_push(struct heap *h, size_t k)
{
	size_t i = h->nr++;
	h->v[i] = k;
	while (i && heap_less(h, i, (i - 1) / 2)) {
		size_t parent = (i - 1) / 2, t = h->v[i];
		h->v[i] = h->v[parent];
		h->v[parent] = t;
		i = parent;
	}
}

static size_t heap_pop(struct heap *h)
{
	size_t top = h->v[0], i = 0;

	h->v[0] = h->v[--h->nr];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i, t;
		if (l < h->nr && heap_less(h, l, m))
			m = l;
		if (r < h->nr && heap_less(h, r, m))
			m = r;
		if (m == i)
			break;
		t = h->v[i];
		h->v[i] = h->v[m];
		h->v[m] = t;
		i = m;
	}
	return top;
}

/*
 * Kahn's algorithm, smallest id first among the ready revisions. Fills order (n entries
 * allocated by the caller) and returns how many revisions were placed; the rest are on
 * or behind a cycle. Revisions whose parents are missing count as ready.
 */
static size_t topo(size_t *order, const gm_chain *chain, const struct graph *g)
{
	size_t n = chain->nr, i, placed = 0;
	size_t *indeg = gm_xmalloc((n ? n : 1) * sizeof(size_t));
	struct heap h;

	h.v = gm_xmalloc((n ? n : 1) * sizeof(size_t));
	h.nr = 0;
	h.chain = chain;
	memcpy(indeg, g->indeg, n * sizeof(size_t));
	for (i = 0; i < n; i++)
		if (!indeg[i])
			heap_push(&h, i);
	while (h.nr) {
		size_t k = heap_pop(&h), e;
		order[placed++] = k;
		for (e = g->first[k]; e < g->first[k + 1]; e++)
			if (--indeg[g->kids[e]] == 0)
				heap_push(&h, g->kids[e]);
	}
	free(h.v);
	free(indeg);
	return placed;
}

int gm_chain_order(const gm_revision ***out, size_t *nr, const gm_chain *chain)
{
	struct graph g;
	size_t n = chain->nr, i, p, placed, *order;
	const gm_revision **res;
	int error = 0;

	*out = NULL;
	*nr = 0;
	for (i = 0; i < n; i++) {
		const gm_revision *r = chain->v[i];
		size_t first = index_of(chain, r->id);
		if (first != i)
			return gm_error_set_at(GM_EINVALID, r->path, r->id_line, 0,
					       "duplicate revision id '%s' (also in '%s')",
					       r->id, chain->v[first]->path);
		for (p = 0; p < r->parents_nr; p++)
			if (index_of(chain, r->parents[p]) == NONE)
				return gm_error_set_at(GM_EINVALID, r->path, r->parents_line, 0,
						       "parent '%s' of revision '%s' does not exist",
						       r->parents[p], r->id);
	}
	graph_build(&g, chain);
	order = gm_xmalloc((n ? n : 1) * sizeof(size_t));
	placed = topo(order, chain, &g);
	if (placed < n) {
		bool *done = gm_xcalloc(n, sizeof(bool));
		for (i = 0; i < placed; i++)
			done[order[i]] = true;
		for (i = 0; i < n && done[i]; i++)
			;
		error = gm_error_set_at(GM_EINVALID, chain->v[i]->path, chain->v[i]->parents_line,
					0, "the revision graph has a cycle through '%s'",
					chain->v[i]->id);
		free(done);
		goto done;
	}
	res = gm_xmalloc((n ? n : 1) * sizeof(*res));
	for (i = 0; i < n; i++)
		res[i] = chain->v[order[i]];
	*out = res;
	*nr = n;
done:
	free(order);
	graph_release(&g);
	return error;
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

/* ---- checks ------------------------------------------------------------- */

static const char *base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	return slash ? slash + 1 : path;
}

/* "<id>.sql" or "<id>_<anything>.sql" */
static bool name_matches(const char *name, const char *id)
{
	size_t n = strlen(id), len = strlen(name);

	if (len < n + 4 || strncmp(name, id, n) || strcmp(name + len - 4, ".sql"))
		return false;
	return name[n] == '.' ? len == n + 4 : name[n] == '_';
}

static void check_ids(const gm_chain *chain, gm_findings *findings)
{
	size_t i;

	for (i = 0; i < chain->nr; i++) {
		const gm_revision *r = chain->v[i];
		size_t first = index_of(chain, r->id);
		const char *name = base_name(r->path);

		if (first != i)
			gm_findings_add(findings, "parse", r->path, r->id_line,
					"duplicate revision id '%s' (also in '%s')", r->id,
					chain->v[first]->path ? chain->v[first]->path : "?");
		if (name && !name_matches(name, r->id))
			gm_findings_add(findings, "parse", r->path, r->id_line,
					"file name '%s' does not match revision id '%s' "
					"(expected '%s_<slug>.sql')",
					name, r->id, r->id);
	}
}

/* Report one cycle per walk that closes on itself. */
static void check_cycles(const gm_chain *chain, const size_t *order, size_t placed,
			 gm_findings *findings)
{
	size_t n = chain->nr, i, *walk = gm_xmalloc(n * sizeof(size_t));
	size_t *stamp = gm_xcalloc(n, sizeof(size_t)); /* 0 placed, else walk number */
	bool *left = gm_xcalloc(n, sizeof(bool));
	size_t w = 0;

	for (i = 0; i < n; i++)
		left[i] = true;
	for (i = 0; i < placed; i++)
		left[order[i]] = false;

	for (i = 0; i < n; i++) {
		size_t k = i, len = 0, p, start, j;
		gm_buf msg = GM_BUF_INIT;

		if (!left[i] || stamp[i])
			continue;
		w++;
		/* every revision left has a parent that is left: walk until a repeat */
		while (!stamp[k]) {
			const gm_revision *r = chain->v[k];
			size_t next = NONE;
			stamp[k] = w;
			walk[len++] = k;
			for (p = 0; p < r->parents_nr && next == NONE; p++) {
				size_t q = index_of(chain, r->parents[p]);
				if (q != NONE && left[q])
					next = q;
			}
			if (next == NONE)
				break; /* cannot happen, but never loop forever */
			k = next;
		}
		if (stamp[k] != w)
			continue; /* joined an earlier walk: its cycle is reported */
		for (start = 0; start < len && walk[start] != k; start++)
			;
		if (start == len)
			continue;
		/* print the cycle child → parent, starting at its smallest id */
		{
			size_t best = start;
			for (j = start; j < len; j++)
				if (strcmp(chain->v[walk[j]]->id, chain->v[walk[best]]->id) < 0)
					best = j;
			for (j = 0; j <= len - start; j++) {
				size_t at = start + (best - start + j) % (len - start);
				gm_buf_printf(&msg, "%s'%s'", j ? " -> " : "",
					      chain->v[walk[at]]->id);
			}
			gm_findings_add(findings, "graph", chain->v[walk[best]]->path,
					chain->v[walk[best]]->parents_line,
					"cycle in the revision graph: %s", msg.ptr);
		}
		gm_buf_release(&msg);
	}
	free(left);
	free(stamp);
	free(walk);
}

static void list_ids(gm_buf *b, const gm_revision *const *v, size_t nr)
{
	size_t i;
	for (i = 0; i < nr; i++)
		gm_buf_printf(b, "%s'%s'", i ? ", " : "", v[i]->id);
}

void gm_chain_check(const gm_chain *chain, gm_findings *findings)
{
	size_t n = chain->nr, i, p, missing = 0, placed, nr;
	const gm_revision *const *v;
	struct graph g;
	size_t *order;

	check_ids(chain, findings);

	for (i = 0; i < n; i++) {
		const gm_revision *r = chain->v[i];
		for (p = 0; p < r->parents_nr; p++)
			if (index_of(chain, r->parents[p]) == NONE) {
				missing++;
				gm_findings_add(findings, "graph", r->path, r->parents_line,
						"parent '%s' of revision '%s' does not exist",
						r->parents[p], r->id);
			}
	}

	graph_build(&g, chain);
	order = gm_xmalloc((n ? n : 1) * sizeof(size_t));
	placed = topo(order, chain, &g);
	if (placed < n)
		check_cycles(chain, order, placed, findings);
	free(order);
	graph_release(&g);

	v = gm_chain_bases(chain, &nr);
	if (nr > 1) {
		gm_buf b = GM_BUF_INIT;
		list_ids(&b, v, nr);
		gm_findings_add(findings, "graph", v[1]->path, v[1]->id_line,
				"%zu base revisions (no down_revision): %s", nr, b.ptr);
		gm_buf_release(&b);
	}
	v = gm_chain_heads(chain, &nr);
	/* A merge revision has at most two parents: the advice never names more. */
	if (nr == 2 && !missing) {
		gm_buf b = GM_BUF_INIT;
		list_ids(&b, v, nr);
		gm_findings_add(findings, "graph", v[1]->path, v[1]->id_line,
				"2 heads: %s (write a merge revision with "
				"'down_revision: %s, %s')",
				b.ptr, v[0]->id, v[1]->id);
		gm_buf_release(&b);
	} else if (nr > 2 && !missing) {
		gm_buf b = GM_BUF_INIT;
		list_ids(&b, v, nr);
		gm_findings_add(findings, "graph", v[1]->path, v[1]->id_line,
				"%zu heads: %s (a merge revision joins only two heads: "
				"rebase the branches into one line by editing their "
				"'down_revision', or merge two heads at a time, starting "
				"with 'down_revision: %s, %s')",
				nr, b.ptr, v[0]->id, v[1]->id);
		gm_buf_release(&b);
	}
}

static bool is_sql(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && !strcmp(name + n - 4, ".sql");
}

int gm_chain_load(gm_chain **out, gm_findings *findings, const gm_files *files)
{
	gm_chain *chain;
	size_t i;

	gm_chain_new(&chain);
	for (i = 0; i < files->nr; i++) {
		const gm_file *f = &files->v[i];
		gm_revision *rev = NULL;

		if (!f->name || !is_sql(f->name))
			continue;
		if (gm_revision_parse(&rev, f->path ? f->path : f->name, f->data, f->len) < 0) {
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
	gm_chain_check(chain, findings);
	*out = chain;
	return 0;
}

/* ---- one line --------------------------------------------------------- */

/* Which of two ready revisions goes first: the earlier created (none: last), then path. */
static bool line_before(const gm_revision *a, const gm_revision *b)
{
	int c;

	if (a->created && b->created && (c = strcmp(a->created, b->created)))
		return c < 0;
	if (!a->created != !b->created)
		return a->created != NULL;
	c = strcmp(a->path ? a->path : a->id, b->path ? b->path : b->id);
	return c ? c < 0 : strcmp(a->id, b->id) < 0;
}

int gm_revisions_linearize(const gm_revision **v, size_t nr)
{
	const gm_revision **out = gm_xmalloc((nr ? nr : 1) * sizeof(*out));
	size_t (*parent)[2] = gm_xmalloc((nr ? nr : 1) * sizeof(*parent));
	bool *placed = gm_xcalloc(nr ? nr : 1, sizeof(bool));
	size_t i, k, p, n = 0;
	int error = 0;

	/* each revision's parents among v (at most two), by index */
	for (i = 0; i < nr; i++) {
		parent[i][0] = parent[i][1] = NONE;
		for (p = 0; p < v[i]->parents_nr && p < 2; p++)
			for (k = 0; k < nr; k++)
				if (k != i && !strcmp(v[k]->id, v[i]->parents[p]))
					parent[i][p] = k;
	}
	while (n < nr) {
		size_t best = NONE;
		for (i = 0; i < nr; i++) {
			if (placed[i] || (parent[i][0] != NONE && !placed[parent[i][0]]) ||
			    (parent[i][1] != NONE && !placed[parent[i][1]]))
				continue;
			if (best == NONE || line_before(v[i], v[best]))
				best = i;
		}
		if (best == NONE) {
			for (i = 0; placed[i]; i++)
				;
			error = gm_error_set_at(GM_EINVALID, v[i]->path, v[i]->parents_line, 0,
						"the revision graph has a cycle through '%s'",
						v[i]->id);
			goto done;
		}
		placed[best] = true;
		out[n++] = v[best];
	}
	memcpy(v, out, nr * sizeof(*v));
done:
	free(placed);
	free(parent);
	free(out);
	return error;
}
