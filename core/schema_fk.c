/* Foreign-key order of tables: the one ordering for the diff and the fixture loader. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/schema.h"
#include "schema_int.h"
#include "util/banned.h"

static int cmp_by_name(const void *a, const void *b)
{
	return strcmp((*(const gm_table *const *)a)->name, (*(const gm_table *const *)b)->name);
}

static int cmp_name_key(const void *key, const void *elem)
{
	return strcmp(key, (*(const gm_table *const *)elem)->name);
}

/* dep[w * n + on]: v[w] must wait for v[on]; waiting[w] counts them. */
static void fill_deps(bool *dep, size_t *waiting, const gm_table **v, size_t n, bool children_first)
{
	size_t k, f, m;

	for (k = 0; k < n; k++) {
		for (f = 0; f < v[k]->fkeys_nr; f++) {
			const gm_table **hit =
				bsearch(v[k]->fkeys[f]->ref_table, v, n, sizeof(*v), cmp_name_key);
			size_t w, on;
			if (!hit || (m = (size_t)(hit - v)) == k)
				continue;
			w = children_first ? m : k;
			on = children_first ? k : m;
			if (!dep[w * n + on]) {
				dep[w * n + on] = true;
				waiting[w]++;
			}
		}
	}
}

/* Only cycles are left: walk from the first waiting table along its first dependency. */
static size_t cycle_pick(const bool *dep, const bool *done, bool *seen, size_t n)
{
	size_t cur = 0, m;

	memset(seen, 0, n * sizeof(*seen));
	while (done[cur])
		cur++;
	for (;;) {
		seen[cur] = true;
		for (m = 0; m < n; m++)
			if (!done[m] && dep[cur * n + m])
				break;
		if (m == n)
			return cur;
		if (seen[m])
			return m;
		cur = m;
	}
}

void gm_schema_fk_order(const gm_table ***out, const gm_table *const *tables, size_t n,
			bool children_first)
{
	const gm_table **v = gm_xcalloc(n + 1, sizeof(*v));
	const gm_table **order = gm_xcalloc(n + 1, sizeof(*order));
	bool *dep = gm_xcalloc(n * n + 1, sizeof(*dep));
	bool *done = gm_xcalloc(n + 1, sizeof(*done));
	bool *seen = gm_xcalloc(n + 1, sizeof(*seen));
	size_t *waiting = gm_xcalloc(n + 1, sizeof(*waiting));
	size_t k, i;

	if (n)
		memcpy(v, tables, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_by_name);
	fill_deps(dep, waiting, v, n, children_first);
	for (i = 0; i < n; i++) {
		size_t pick = n;
		for (k = 0; k < n && pick == n; k++)
			if (!done[k] && !waiting[k])
				pick = k;
		if (pick == n)
			pick = cycle_pick(dep, done, seen, n);
		done[pick] = true;
		for (k = 0; k < n; k++)
			if (dep[k * n + pick])
				waiting[k]--;
		order[i] = v[pick];
	}
	free(waiting);
	free(seen);
	free(done);
	free(dep);
	free(v);
	*out = order;
}
