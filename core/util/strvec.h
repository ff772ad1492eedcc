/* gm_strvec: a growable list of owned strings, and helpers for (char **, n) string arrays. */
#ifndef GM_UTIL_STRVEC_H
#define GM_UTIL_STRVEC_H

#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/buf.h"

/*
 * The strings are owned by the vector (freed by gm_strvec_release). The layout, a
 * (v, nr, alloc) triple, is the one the schema structs use for their name lists
 * (gm_enum.labels, gm_index.columns ...), so the gm_strv_* helpers below serve both.
 */
typedef struct gm_strvec {
	char **v;
	size_t nr, alloc;
} gm_strvec;

/* clang-format off */
#define GM_STRVEC_INIT { NULL, 0, 0 }
/* clang-format on */

/* Append a copy of s (a NULL s appends NULL: a hole the caller reads as "none"). */
void gm_strvec_push(gm_strvec *sv, const char *s);

/* Append a copy of the n bytes at s (NUL-terminated in the copy). */
void gm_strvec_push_n(gm_strvec *sv, const char *s, size_t n);

/* Append s itself: the vector takes ownership (s came from gm_xmalloc and friends). */
void gm_strvec_push_owned(gm_strvec *sv, char *s);

/* Free every string and the array; sv is empty (GM_STRVEC_INIT) afterwards. */
void gm_strvec_release(gm_strvec *sv);

/* Free the n strings of v and v itself (NULL-safe). */
void gm_strv_free(char **v, size_t n);

/* A copy of the n strings of v (NULL when v is NULL); *alloc is set to n. Caller owns it. */
char **gm_strv_copy(char *const *v, size_t n, size_t *alloc);

/* True when a and b are equal strings, or both NULL. */
bool gm_str_eq(const char *a, const char *b);

/* The index of the first string of v equal to s, or n when there is none. */
size_t gm_strv_find(char *const *v, size_t n, const char *s);

/* True when s is one of the n strings of v (exact; _ci: ASCII case-insensitive). */
bool gm_strv_contains(char *const *v, size_t n, const char *s);
bool gm_strv_contains_ci(char *const *v, size_t n, const char *s);

/* True when a and b hold the same strings in the same order (_ci: ASCII case-insensitive). */
bool gm_strv_eq(char *const *a, size_t an, char *const *b, size_t bn);
bool gm_strv_eq_ci(char *const *a, size_t an, char *const *b, size_t bn);

/* Append the n strings of v to out, sep between them. */
void gm_strv_join(gm_buf *out, char *const *v, size_t n, const char *sep);

#endif
