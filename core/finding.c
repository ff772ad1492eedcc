/* gm_findings: a growable list of check findings. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/error.h"
#include "finding_int.h"
#include "git-migrate/buf.h"
#include "git-migrate/vec.h"
#include "error_int.h"
#include "util/banned.h"

/* Append a finding to a list (the findings or the warnings); strings are copied. */
static void push(gm_finding **v, size_t *nr, size_t *alloc, const char *check, const char *path,
		 int line, const char *fmt, va_list ap)
{
	gm_buf b = GM_BUF_INIT;
	gm_finding *x;

	gm_buf_vprintf(&b, fmt, ap);
	GM_ALLOC_GROW(*v, *nr + 1, *alloc);
	x = &(*v)[(*nr)++];
	x->check = gm_xstrdup(check);
	x->path = gm_xstrdup(path);
	x->line = line;
	x->message = gm_buf_detach(&b);
}

void gm_findings_add(gm_findings *f, const char *check, const char *path, int line, const char *fmt,
		     ...)
{
	va_list ap;

	va_start(ap, fmt);
	push(&f->v, &f->nr, &f->alloc, check, path, line, fmt, ap);
	va_end(ap);
}

void gm_findings_warn(gm_findings *f, const char *check, const char *path, int line,
		      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	push(&f->warnings, &f->warnings_nr, &f->warnings_alloc, check, path, line, fmt, ap);
	va_end(ap);
}

size_t gm_findings_count(const gm_findings *f, const char *check)
{
	size_t i, n = 0;
	for (i = 0; i < f->nr; i++)
		if (!check || !strcmp(f->v[i].check, check))
			n++;
	return n;
}

static void free_all(gm_finding *v, size_t nr)
{
	size_t i;
	for (i = 0; i < nr; i++) {
		free(v[i].check);
		free(v[i].path);
		free(v[i].message);
	}
	free(v);
}

void gm_findings_release(gm_findings *f)
{
	free_all(f->v, f->nr);
	free_all(f->warnings, f->warnings_nr);
	free(f->cache);
	free(f->timing);
	f->cache = f->timing = NULL;
	f->v = f->warnings = NULL;
	f->nr = f->alloc = f->warnings_nr = f->warnings_alloc = 0;
}

int gm_findings_error(const gm_findings *f, const char *what)
{
	const gm_finding *x = &f->v[0];

	gm_error_set_at(GM_EINVALID, x->path, x->line, 0, "%s", x->message);
	if (f->nr > 1)
		gm_error_hint("%s has %zu problems; 'git migrate verify' lists them all", what,
			      f->nr);
	return GM_EINVALID;
}

void gm_findings_add_error(gm_findings *f, const char *check, const char *fallback_path)
{
	const gm_error *e = gm_error_last();
	const char *path = e->path ? e->path : fallback_path;

	if (e->hint)
		gm_findings_add(f, check, path, e->line, "%s (hint: %s)", e->message, e->hint);
	else
		gm_findings_add(f, check, path, e->line, "%s", e->message);
}

void gm_findings_move(gm_findings *dst, gm_findings *src)
{
	size_t i;

	for (i = 0; i < src->nr; i++)
		gm_findings_add(dst, src->v[i].check, src->v[i].path, src->v[i].line, "%s",
				src->v[i].message);
	for (i = 0; i < src->warnings_nr; i++)
		gm_findings_warn(dst, src->warnings[i].check, src->warnings[i].path,
				 src->warnings[i].line, "%s", src->warnings[i].message);
	gm_findings_release(src);
}
