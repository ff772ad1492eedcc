/* Findings inside core: appending them, and turning a finding into an error or back. */
#ifndef GM_CORE_FINDING_INT_H
#define GM_CORE_FINDING_INT_H
#include "git-migrate/finding.h"

/* Append a finding; strings are copied. */
void gm_findings_add(gm_findings *f, const char *check, const char *path, int line, const char *fmt,
		     ...) __attribute__((format(printf, 5, 6)));

/* Append a warning (to f->warnings; it fails no check); strings are copied. */
void gm_findings_warn(gm_findings *f, const char *check, const char *path, int line,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * The first finding of f (nr > 0) as the error GM_EINVALID at its path:line; when there
 * are more, the hint counts them ("<what> has N problems; 'git migrate verify' lists
 * them all"). Returns GM_EINVALID.
 */
int gm_findings_error(const gm_findings *f, const char *what);

/*
 * The last error (gm_error_last) as a finding of `check`, at the error's path:line, else
 * at fallback_path (may be NULL); its hint, when set, is appended "(hint: ...)".
 */
void gm_findings_add_error(gm_findings *f, const char *check, const char *fallback_path);

/* Append src's findings and warnings to dst, in order; src is released (empty again). */
void gm_findings_move(gm_findings *dst, gm_findings *src);

#endif
