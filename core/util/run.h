/* Running a child program with captured output: model commands, Python, Alembic. */
#ifndef GM_UTIL_RUN_H
#define GM_UTIL_RUN_H
#include "git-migrate/buf.h"

/*
 * Run argv[0] (looked up on PATH) with argv in directory dir, stdin from /dev/null, and
 * append its stdout to out and its stderr to err (either may be NULL: discarded). The
 * environment is ours with each "NAME=value" of `set` (NULL-terminated, or NULL) put in
 * or replaced. The child runs in its own process group; on Ctrl-C (gm_interrupted) the
 * group gets SIGTERM, and whatever the child left running in it is stopped when it exits.
 * *status is waitpid's status (check WIFEXITED/WEXITSTATUS; 127 when it could not be
 * started). Returns 0 when the child ran and was reaped, GM_ERROR when it could not be
 * run (message names argv[0]), or the interrupt's error.
 */
int gm_run_argv(gm_buf *out, gm_buf *err, int *status, const char *const *argv, const char *dir,
		const char *const *set);

/* gm_run_argv of `/bin/sh -c command` (a failure to start names /bin/sh). */
int gm_run_shell(gm_buf *out, gm_buf *err, int *status, const char *command, const char *dir,
		 const char *const *set);

/*
 * The last `lines` lines of a child's captured output, for an error's detail: trailing
 * newlines (and carriage returns) are cut from out, and the result points into it.
 */
const char *gm_run_tail(gm_buf *out, size_t lines);

#endif
