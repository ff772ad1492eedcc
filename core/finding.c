/* gm_findings: a growable list of check findings. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/finding.h"
#include "git-migrate/buf.h"
#include "git-migrate/vec.h"
#include "util/banned.h"

/* Append a finding to a list (the findings or the warnings); strings are copied. */
static void push(gm_finding **v, size_t *nr, size_t *alloc, const char *check,
		 const char *path, int line, const char *fmt, va_list ap)
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

void gm_findings_add(gm_findings *f, const char *check, const char *path, int line,
		     const char *fmt, ...)
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
	f->v = f->warnings = NULL;
	f->nr = f->alloc = f->warnings_nr = f->warnings_alloc = 0;
}
