/* gm_findings: a growable list of check findings. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/finding.h"
#include "git-migrate/buf.h"
#include "git-migrate/vec.h"
#include "util/banned.h"

void gm_findings_add(gm_findings *f, const char *check, const char *path, int line,
		     const char *fmt, ...)
{
	va_list ap;
	gm_buf b = GM_BUF_INIT;
	gm_finding *x;

	va_start(ap, fmt);
	gm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	GM_ALLOC_GROW(f->v, f->nr + 1, f->alloc);
	x = &f->v[f->nr++];
	x->check = gm_xstrdup(check);
	x->path = gm_xstrdup(path);
	x->line = line;
	x->message = gm_buf_detach(&b);
}

size_t gm_findings_count(const gm_findings *f, const char *check)
{
	size_t i, n = 0;
	for (i = 0; i < f->nr; i++)
		if (!check || !strcmp(f->v[i].check, check))
			n++;
	return n;
}

void gm_findings_release(gm_findings *f)
{
	size_t i;
	for (i = 0; i < f->nr; i++) {
		free(f->v[i].check);
		free(f->v[i].path);
		free(f->v[i].message);
	}
	free(f->v);
	f->v = NULL;
	f->nr = f->alloc = 0;
}
