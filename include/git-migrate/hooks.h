/* The git hooks of hooks/ (DESIGN.md §3.8): embedded scripts, install and uninstall. */
#ifndef GM_HOOKS_H
#define GM_HOOKS_H
#include <stddef.h>
#include "git-migrate/repo.h"

/* One script of hooks/, embedded in the binary at build time. */
typedef struct gm_hook_script {
	const char *name; /* the hook's name, e.g. "pre-push" */
	const char *text; /* the script */
} gm_hook_script;

/*
 * The embedded scripts, in name order, ending with { NULL, NULL }. Generated from
 * the files of hooks/ by the Makefile ($(BUILD)/gen/hook_scripts.c).
 */
extern const gm_hook_script gm_hook_scripts[];

/* The line that marks an installed hook as ours (every script of hooks/ holds it). */
#define GM_HOOK_MARKER "# git-migrate: installed by 'git migrate hooks install'"

enum gm_hooks_flags {
	GM_HOOKS_FORCE = (1 << 0), /* replace a hook that is not ours, without keeping it */
};

/* What install or uninstall did to one hook. */
typedef enum gm_hook_action {
	GM_HOOK_INSTALLED, /* install: written where there was none */
	GM_HOOK_KEPT,      /* install: the user's hook moved to <hook>.local, ours written */
	GM_HOOK_REPLACED,  /* install --force: the user's hook replaced, not kept */
	GM_HOOK_UPDATED,   /* install: ours, from another version, rewritten */
	GM_HOOK_UNCHANGED, /* install: ours, already this version */
	GM_HOOK_REMOVED,   /* uninstall: ours removed */
	GM_HOOK_RESTORED,  /* uninstall: ours removed, <hook>.local moved back */
	GM_HOOK_NOT_OURS,  /* uninstall: not ours, left alone */
	GM_HOOK_ABSENT,    /* uninstall: nothing there */
} gm_hook_action;

typedef struct gm_hooks_result {
	char *dir; /* the hooks directory (absolute) */
	struct {
		const char *name; /* borrowed from gm_hook_scripts */
		gm_hook_action action;
	} v[16];
	size_t nr;
} gm_hooks_result;

/* clang-format off */
#define GM_HOOKS_RESULT_INIT { NULL, { { NULL, 0 } }, 0 }
/* clang-format on */

/*
 * Install every embedded hook into the repository's hooks directory (core.hooksPath,
 * else the common git dir's hooks/; created when missing). A hook there that is not ours
 * is renamed <hook>.local, which ours runs first; with GM_HOOKS_FORCE it is replaced
 * instead. Ours already there is rewritten only when its text differs, so a second
 * install changes nothing. Every hook is checked before anything is written: a foreign
 * hook whose <hook>.local name is taken is GM_EEXISTS naming both, nothing written.
 * Other failures (GM_ERROR naming the file) may leave the hooks before it installed.
 * out is filled in script order; release it with gm_hooks_result_release.
 */
int gm_hooks_install(gm_hooks_result *out, gm_repo *repo, unsigned flags);

/*
 * Remove the hooks install wrote (recognised by GM_HOOK_MARKER) and move each
 * <hook>.local back. Hooks that are not ours are left alone. Same result as above.
 */
int gm_hooks_uninstall(gm_hooks_result *out, gm_repo *repo);

/* Free the result's strings; NULL-safe, out is GM_HOOKS_RESULT_INIT again. */
void gm_hooks_result_release(gm_hooks_result *res);

#endif
