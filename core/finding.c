/* gm_findings: a growable list of check findings. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/finding.h"
#include "git-migrate/buf.h"
#include "git-migrate/vec.h"
#include "util/banned.h"

static void fill(gm_finding *x, const char *check, const char *path, int line, gm_buf *msg)
{
	x->check = gm_xstrdup(check);
	x->path = gm_xstrdup(path);
	x->line = line;
	x->message = gm_buf_detach(msg);
}

void gm_findings_add(gm_findings *f, const char *check, const char *path, int line,
		     const char *fmt, ...)
{
	va_list ap;
	gm_buf b = GM_BUF_INIT;

	va_start(ap, fmt);
	gm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	GM_ALLOC_GROW(f->v, f->nr + 1, f->alloc);
	fill(&f->v[f->nr++], check, path, line, &b);
}

void gm_findings_warn(gm_findings *f, const char *check, const char *path, int line,
		      const char *fmt, ...)
{
	va_list ap;
	gm_buf b = GM_BUF_INIT;

	va_start(ap, fmt);
	gm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	GM_ALLOC_GROW(f->warnings, f->warnings_nr + 1, f->warnings_alloc);
	fill(&f->warnings[f->warnings_nr++], check, path, line, &b);
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
