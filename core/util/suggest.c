/* "Did you mean": edit distance between names (config keys, columns, types, tables). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "util/suggest.h"
#include "util/banned.h"

static int same(char a, char b)
{
	return tolower((unsigned char)a) == tolower((unsigned char)b);
}

size_t gm_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, r;
	size_t *d;

	if (la > 64 || lb > 64)
		return 99;
	d = gm_xcalloc((la + 1) * (lb + 1), sizeof(*d));
#define D(i, j) d[(i) * (lb + 1) + (j)]
	for (i = 0; i <= la; i++)
		D(i, 0) = i;
	for (j = 0; j <= lb; j++)
		D(0, j) = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			size_t cost = !same(a[i - 1], b[j - 1]), best = D(i - 1, j) + 1;
			if (D(i, j - 1) + 1 < best)
				best = D(i, j - 1) + 1;
			if (D(i - 1, j - 1) + cost < best)
				best = D(i - 1, j - 1) + cost;
			if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) &&
			    same(a[i - 2], b[j - 1]) && D(i - 2, j - 2) + 1 < best)
				best = D(i - 2, j - 2) + 1;
			D(i, j) = best;
		}
	}
	r = D(la, lb);
#undef D
	free(d);
	return r;
}

void gm_suggest_consider(gm_suggest *s, const char *candidate)
{
	size_t len = strlen(s->word), limit = len <= 3 ? 1 : len / 3 + 1, d;

	if (limit > 3)
		limit = 3;
	d = gm_edit_distance(s->word, candidate);
	if (d <= limit && (!s->best || d < s->dist)) {
		s->best = candidate;
		s->dist = d;
	}
}
