/* gm_strvec and the string-array helpers (util/strvec.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/vec.h"
#include "util/strvec.h"
#include "util/banned.h"

void gm_strvec_push_owned(gm_strvec *sv, char *s)
{
	GM_PUSH(sv->v, sv->nr, sv->alloc, s);
}

void gm_strvec_push(gm_strvec *sv, const char *s)
{
	gm_strvec_push_owned(sv, gm_xstrdup(s));
}

void gm_strvec_push_n(gm_strvec *sv, const char *s, size_t n)
{
	gm_strvec_push_owned(sv, gm_xstrndup(s, n));
}

void gm_strvec_release(gm_strvec *sv)
{
	gm_strv_free(sv->v, sv->nr);
	sv->v = NULL;
	sv->nr = sv->alloc = 0;
}

void gm_strv_free(char **v, size_t n)
{
	size_t i;
	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

char **gm_strv_copy(char *const *v, size_t n, size_t *alloc)
{
	char **out;
	size_t i;
	*alloc = n;
	if (!v)
		return NULL;
	out = gm_xcalloc(n ? n : 1, sizeof(*out));
	for (i = 0; i < n; i++)
		out[i] = gm_xstrdup(v[i]);
	return out;
}

static size_t find_by(char *const *v, size_t n, const char *s,
		      int (*cmp)(const char *, const char *))
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!cmp(v[i], s))
			return i;
	return n;
}

static bool eq_by(char *const *a, size_t an, char *const *b, size_t bn,
		  int (*cmp)(const char *, const char *))
{
	size_t i;
	if (an != bn)
		return false;
	for (i = 0; i < an; i++)
		if (cmp(a[i], b[i]))
			return false;
	return true;
}

size_t gm_strv_find(char *const *v, size_t n, const char *s)
{
	return find_by(v, n, s, strcmp);
}

bool gm_strv_contains(char *const *v, size_t n, const char *s)
{
	return find_by(v, n, s, strcmp) < n;
}

bool gm_strv_contains_ci(char *const *v, size_t n, const char *s)
{
	return find_by(v, n, s, strcasecmp) < n;
}

bool gm_strv_eq(char *const *a, size_t an, char *const *b, size_t bn)
{
	return eq_by(a, an, b, bn, strcmp);
}

bool gm_strv_eq_ci(char *const *a, size_t an, char *const *b, size_t bn)
{
	return eq_by(a, an, b, bn, strcasecmp);
}

void gm_strv_join(gm_buf *out, char *const *v, size_t n, const char *sep)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (i)
			gm_buf_puts(out, sep);
		gm_buf_puts(out, v[i]);
	}
}

bool gm_str_eq(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}
