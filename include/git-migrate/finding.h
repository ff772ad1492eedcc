/* Findings: problems a check found (data, not control flow). */
#ifndef GM_FINDING_H
#define GM_FINDING_H
#include <stddef.h>

typedef struct gm_finding {
	char *check; /* "parse", "graph", "immutable", "chained", "replay"; warnings: "semantic" */
	char *path;  /* file the finding is about, or NULL */
	int line;    /* 1-based, 0 when unknown */
	char *message; /* lowercase, git style, no location prefix */
} gm_finding;

/*
 * The findings of a run: v holds the problems (each fails its check: nr > 0 means the
 * run failed), warnings what deserves a look but fails nothing (a semantic conflict:
 * both sides of a merge changed one object). Consumers that know only v stay correct.
 * After a replay (verify --replay, rebase), cache and timing say, for -v, what the
 * snapshot cache did ("hit (12 of 12 revisions cached, 0 replayed)") and how long each
 * phase took ("read 0.012s cache 0.150s ..."); NULL otherwise.
 */
typedef struct gm_findings {
	gm_finding *v;
	size_t nr, alloc;
	gm_finding *warnings;
	size_t warnings_nr, warnings_alloc;
	char *cache;
	char *timing;
} gm_findings;

/* clang-format off */
#define GM_FINDINGS_INIT { NULL, 0, 0, NULL, 0, 0, NULL, NULL }
/* clang-format on */

/* Number of findings (not warnings) for one check (NULL = all). */
size_t gm_findings_count(const gm_findings *f, const char *check);

/* Free every finding and warning; f is GM_FINDINGS_INIT again. */
void gm_findings_release(gm_findings *f);

#endif
