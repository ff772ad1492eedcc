/* hooks: install or uninstall the git hooks that guard production (DESIGN.md §3.8). */
#include <string.h>
#include "cmd.h"
#include "git-migrate/hooks.h"

const char *const hooks_usage[] = {
	"git migrate hooks install [--force]",
	"       git migrate hooks uninstall",
	"       git migrate hooks production",
	"",
	"install writes the hooks that guard the production branch into the repository's",
	"hooks directory (core.hooksPath, else .git/hooks): pre-merge-commit and pre-commit",
	"(a merge into production must pass 'verify --worktree --replay'), reference-",
	"transaction (a fast-forward of production must pass 'verify --rev <new> --production",
	"<old> --replay'), prepare-commit-msg (tells a new commit from a fast-forward) and",
	"pre-push (a push to a remote's production must pass 'verify --rev <sha> --replay').",
	"A hook of yours already there is kept as <hook>.local and runs first; a second",
	"install changes nothing. uninstall removes only these hooks and puts yours back.",
	"production prints the name of the branch the hooks guard (the config's",
	"'production'), for the hook scripts.",
	"",
	"    -f, --force           install: replace hooks that are not ours instead of keeping them",
	"    -h, --help            show this help",
	NULL,
};

static void print_result(const gm_hooks_result *res)
{
	size_t i;

	if (gm_global.verbosity < 0)
		return;
	fprintf(stderr, "hooks directory: %s\n", res->dir);
	for (i = 0; i < res->nr; i++) {
		const char *name = res->v[i].name;
		fprintf(stderr, "  %-22s ", name);
		switch (res->v[i].action) {
		case GM_HOOK_INSTALLED:
			fputs("installed\n", stderr);
			break;
		case GM_HOOK_KEPT:
			fprintf(stderr,
				"installed (your hook is kept as %s.local and runs "
				"first)\n",
				name);
			break;
		case GM_HOOK_REPLACED:
			fputs("installed (your hook was replaced: --force)\n", stderr);
			break;
		case GM_HOOK_UPDATED:
			fputs("updated\n", stderr);
			break;
		case GM_HOOK_UNCHANGED:
			fputs("up to date\n", stderr);
			break;
		case GM_HOOK_REMOVED:
			fputs("removed\n", stderr);
			break;
		case GM_HOOK_RESTORED:
			fprintf(stderr, "removed (your %s.local is back in its place)\n", name);
			break;
		case GM_HOOK_NOT_OURS:
			fputs("left alone (not a git-migrate hook)\n", stderr);
			break;
		case GM_HOOK_ABSENT:
			fputs("not installed\n", stderr);
			break;
		}
	}
}

int cmd_hooks(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gm_hooks_result res = GM_HOOKS_RESULT_INIT;
	gm_repo *repo = NULL;
	gm_config *cfg = NULL;
	const char *sub;
	bool force = false, done;
	int c, error, rc = EXIT_OK;

	while ((c = cmd_getopt(argc, argv, "f", opts, hooks_usage, &done)) != -1) {
		if (done)
			return c;
		if (c == 'f')
			force = true;
	}
	if (optind >= argc)
		return cmd_usage_error(hooks_usage, "name a subcommand: install, uninstall or "
						    "production");
	sub = argv[optind++];
	if (strcmp(sub, "install") && strcmp(sub, "uninstall") && strcmp(sub, "production"))
		return cmd_usage_error(hooks_usage, "unknown subcommand '%s'", sub);
	if (optind < argc)
		return cmd_usage_error(hooks_usage, "unexpected argument '%s'", argv[optind]);
	if (force && strcmp(sub, "install"))
		return cmd_usage_error(hooks_usage, "--force goes with install only");

	if (!strcmp(sub, "production")) {
		if ((error = cmd_open(&repo, &cfg)) < 0)
			return cmd_die_error(error);
		printf("%s\n", cfg->production);
		goto done;
	}
	if ((error = gm_repo_discover(&repo, NULL)) < 0)
		return cmd_die_error(error);
	if (!strcmp(sub, "install"))
		error = gm_hooks_install(&res, repo, force ? GM_HOOKS_FORCE : 0);
	else
		error = gm_hooks_uninstall(&res, repo);
	if (res.nr)
		print_result(&res);
	if (error < 0)
		rc = cmd_die_error(error);

done:
	gm_hooks_result_release(&res);
	gm_config_free(cfg);
	gm_repo_free(repo);
	return rc;
}
