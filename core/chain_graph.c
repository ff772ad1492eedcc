/* The chain's graph rules: replay order, parse/graph checks, stale forks, "chained". */
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
#include "util/banned.h"

#define NONE GM_CHAIN_NONE
#define index_of gm_chain_index

/* ---- the graph: children lists, topological order, cycles --------------- */

/* Children of each revision as compressed rows: kids[first[k] .. first[k + 1]). */
struct graph {
	size_t *first, *kids;
	size_t *indeg; /* number of existing parents of each revision */
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
					       "duplicate revision id '%s' (also in '%s')", r->id,
					       chain->v[first]->path);
		for (p = 0; p < r->parents_nr; p++)
			if (index_of(chain, r->parents[p]) == NONE)
				return gm_error_set_at(
					GM_EINVALID, r->path, r->parents_line, 0,
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
	size_t(*parent)[2] = gm_xmalloc((nr ? nr : 1) * sizeof(*parent));
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

/* ---- forks and "chained" ------------------------------------------------------ */

const gm_revision *gm_chain_stale_fork(const gm_chain *local, const gm_chain *prod,
				       const char *prod_head, const char **parent_out)
{
	size_t i, p;

	if (!prod_head)
		return NULL;
	for (i = 0; i < local->nr; i++) {
		const gm_revision *r = local->v[i];
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

/* The stale-fork rule's one message (verify's finding, prepare's error). */
#define STALE_FORK                                                               \
	"local revision '%s' chains onto '%s', an older revision of '%s' whose " \
	"head is now '%s'; run 'git migrate rebase' to re-chain the local revisions onto it"

int gm_chain_check_fork(const gm_chain *local, const gm_chain *prod, const char *prod_head,
			const char *prod_name)
{
	const char *parent = NULL;
	const gm_revision *r = gm_chain_stale_fork(local, prod, prod_head, &parent);

	if (!r)
		return 0;
	return gm_error_set_at(GM_ECHECK, r->path, r->parents_line, 0, STALE_FORK, r->id, parent,
			       prod_name, prod_head);
}

/* True when a revision at or behind `id` names a parent that does not exist. */
static bool reaches_missing(const gm_chain *chain, const char *id)
{
	size_t n = chain->nr, top = 0, p, k = index_of(chain, id);
	size_t *stack = gm_xmalloc((n ? n : 1) * sizeof(*stack));
	bool *seen = gm_xcalloc(n ? n : 1, sizeof(*seen)), missing = false;

	if (k != NONE) {
		stack[top++] = k;
		seen[k] = true;
	}
	while (top && !missing) {
		const gm_revision *r = chain->v[stack[--top]];
		for (p = 0; p < r->parents_nr; p++) {
			k = index_of(chain, r->parents[p]);
			if (k == NONE) {
				missing = true;
			} else if (!seen[k]) {
				seen[k] = true;
				stack[top++] = k;
			}
		}
	}
	free(seen);
	free(stack);
	return missing;
}

/* A head of `chain` that does not descend from `ph`, unless a missing parent explains it. */
static bool behind(const gm_chain *chain, const gm_revision *head, const char *ph)
{
	return !gm_chain_descends(chain, head->id, ph) && !reaches_missing(chain, head->id);
}

void gm_chain_check_chained(gm_findings *findings, const gm_chain *chain, const gm_chain *prod,
			    const char *prod_name)
{
	const gm_revision *const *heads, *const *pheads;
	size_t nr, pnr, i, j;

	pheads = gm_chain_heads(prod, &pnr);
	heads = gm_chain_heads(chain, &nr);
	for (j = 0; j < pnr && nr; j++) {
		const char *ph = pheads[j]->id, *parent = NULL;
		const gm_revision *fork;
		bool bad = false;

		for (i = 0; i < nr && !bad; i++)
			bad = behind(chain, heads[i], ph);
		if (!bad)
			continue;
		if ((fork = gm_chain_stale_fork(chain, prod, ph, &parent))) {
			gm_findings_add(findings, "chained", fork->path, fork->parents_line,
					STALE_FORK, fork->id, parent, prod_name, ph);
			continue;
		}
		for (i = 0; i < nr; i++)
			if (behind(chain, heads[i], ph))
				gm_findings_add(findings, "chained", heads[i]->path,
						heads[i]->id_line,
						"head '%s' does not descend from '%s', the head "
						"of '%s'",
						heads[i]->id, ph, prod_name);
	}
}

bool *gm_chain_covered(const gm_chain *prod, const gm_chain *chain)
{
	size_t n = prod->nr, top = 0, i, p;
	bool *covered = gm_xcalloc(n ? n : 1, sizeof(*covered));
	size_t *stack = gm_xmalloc((n ? n : 1) * sizeof(*stack));

	for (i = 0; i < chain->nr; i++) {
		const gm_revision *r = chain->v[i];
		for (;;) {
			for (p = 0; p < r->parents_nr; p++) {
				size_t k = index_of(prod, r->parents[p]);
				if (k != NONE && !covered[k]) {
					covered[k] = true;
					stack[top++] = k;
				}
			}
			if (!top)
				break;
			r = prod->v[stack[--top]];
		}
	}
	free(stack);
	return covered;
}
