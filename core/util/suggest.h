/* "Did you mean": edit distance between names. */
#ifndef GM_UTIL_SUGGEST_H
#define GM_UTIL_SUGGEST_H
#include <stddef.h>

/*
 * Edit distance (insertions, deletions, substitutions and transpositions of neighbours),
 * ignoring ASCII case. Names over 64 bytes count as far apart (returns 99).
 */
size_t gm_edit_distance(const char *a, const char *b);

#endif
