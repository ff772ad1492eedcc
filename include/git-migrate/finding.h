/* Findings: problems a check found (data, not control flow). */
#ifndef GM_FINDING_H
#define GM_FINDING_H
#include <stddef.h>

typedef struct gm_finding {
	char *check;    /* "parse", "graph", "immutable", "chained", "replay" */
	char *path;     /* file the finding is about, or NULL */
	int line;       /* 1-based, 0 when unknown */
	char *message;  /* lowercase, git style, no location prefix */
} gm_finding;

typedef struct gm_findings {
	gm_finding *v;
	size_t nr, alloc;
} gm_findings;

#define GM_FINDINGS_INIT { NULL, 0, 0 }

/* Append a finding; strings are copied. */
void gm_findings_add(gm_findings *f, const char *check, const char *path, int line,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Number of findings for one check (NULL = all). */
size_t gm_findings_count(const gm_findings *f, const char *check);

/* Free every finding; f is GM_FINDINGS_INIT again. */
void gm_findings_release(gm_findings *f);

#endif
