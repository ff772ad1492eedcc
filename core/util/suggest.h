/* "Did you mean": edit distance between names. */
#ifndef GM_UTIL_SUGGEST_H
#define GM_UTIL_SUGGEST_H
#include <stddef.h>

/*
 * Edit distance (insertions, deletions, substitutions and transpositions of neighbours),
 * ignoring ASCII case. Names over 64 bytes count as far apart (returns 99).
 */
size_t gm_edit_distance(const char *a, const char *b);

/* The closest candidate to `word` seen so far, within a few edits (for "did you mean"). */
typedef struct gm_suggest {
	const char *word, *best; /* best: borrowed candidate, NULL when none is close */
	size_t dist;
} gm_suggest;

/* clang-format off */
#define GM_SUGGEST_INIT(w) { (w), NULL, 0 }
/* clang-format on */

/* Consider a candidate: kept when within max(1, len/3 + 1, at most 3) edits and closer. */
void gm_suggest_consider(gm_suggest *s, const char *candidate);

#endif
