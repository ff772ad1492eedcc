/* main(): global options, the command table, exit codes. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd.h"

struct gm_global gm_global = { 0, NULL, false };

const struct gm_cmd gm_commands[] = {
	{ "init", cmd_init, 0, "create .gitmigrate.yml, the migrations folder and an example model",
	  init_usage },
	{ "prepare", cmd_prepare, GM_NEED_REPO,
	  "write the next revision, tested on a scratch database", prepare_usage },
	{ "diff", cmd_diff, GM_NEED_REPO, "show what the models change that no revision covers yet",
	  diff_usage },
	{ "rebase", cmd_rebase, GM_NEED_REPO, "re-chain local revisions onto production's new head",
	  rebase_usage },
	{ "verify", cmd_verify, GM_NEED_REPO, "check a revision chain (for CI and hooks)",
	  verify_usage },
	{ "history", cmd_history, GM_NEED_REPO, "list the revisions of a chain", history_usage },
	{ "heads", cmd_heads, GM_NEED_REPO, "list the heads of a chain", heads_usage },
	{ "show", cmd_show, GM_NEED_REPO, "print one revision", show_usage },
	{ "loaddata", cmd_loaddata, GM_NEED_REPO, "load the fixtures into the target database",
	  loaddata_usage },
	{ "upgrade", cmd_upgrade, GM_NEED_REPO,
	  "apply the pending revisions to the target database", upgrade_usage },
	{ "downgrade", cmd_downgrade, GM_NEED_REPO,
	  "revert applied revisions of the target database", downgrade_usage },
	{ "current", cmd_current, GM_NEED_REPO, "show the revisions applied to the target database",
	  current_usage },
	{ "status", cmd_status, GM_NEED_REPO,
	  "list revisions as applied, pending, changed or unknown", status_usage },
	{ "stamp", cmd_stamp, GM_NEED_REPO, "set the version table without running SQL",
	  stamp_usage },
	{ "createdb", cmd_createdb, GM_NEED_REPO, "create the target database", createdb_usage },
	{ "import", cmd_import, GM_NEED_REPO,
	  "convert an Alembic / Flask-Migrate history into revision files", import_usage },
	{ "hooks", cmd_hooks, GM_NEED_REPO,
	  "install the git hooks that guard the production branch", hooks_usage },
	{ "cache", cmd_cache, GM_NEED_REPO, "list or clear the snapshot cache", cache_usage },
	{ "help", cmd_help, 0, "show help for a command", help_usage },
	{ NULL, NULL, 0, NULL, NULL },
};

static const char *const main_usage[] = {
	"git migrate [-q | -v] [--config <file>] [--color=<when>] <command> [<args>]",
	"",
	"global options:",
	"    -q, --quiet           only errors",
	"    -v, --verbose         more detail",
	"    --config <file>       read this file instead of .gitmigrate.yml",
	"    --color[=<when>]      auto, always or never (NO_COLOR is respected)",
	"    -h, --help            show this help",
	"    --version             print the version",
	NULL,
};

static void print_main_usage(FILE *f)
{
	size_t i;
	usage_print(f, main_usage);
	fputs("\ncommands:\n", f);
	for (i = 0; gm_commands[i].name; i++)
		fprintf(f, "    %-10s %s\n", gm_commands[i].name, gm_commands[i].summary);
	fputs("\nGlobal options are accepted among a command's options too. See 'git migrate\n"
	      "help <command>' for one command's options, 'git migrate <command> --help' for\n"
	      "its manual page.\n",
	      f);
}

const struct gm_cmd *gm_cmd_find(const char *name)
{
	size_t i;
	for (i = 0; gm_commands[i].name; i++)
		if (!strcmp(gm_commands[i].name, name))
			return &gm_commands[i];
	return NULL;
}

/* Everything but the final check of stdout, which main() does for every path. */
/* Core's warnings (gm_warn), as they happen. */
static void print_warning(const char *message, void *payload)
{
	(void)payload;
	cmd_warning("%s", message);
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "config", required_argument, NULL, 'C' },
		{ "color", optional_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *color = "auto";
	const struct gm_cmd *cmd;
	int c, rc, idx;

	opterr = 0;
	while ((idx = -1, c = getopt_long(argc, argv, "+:qvh", opts, &idx)) != -1) {
		switch (c) {
		case 'q':
			gm_global.verbosity = -1;
			break;
		case 'v':
			gm_global.verbosity = 1;
			break;
		case 'C':
			gm_global.config_path = optarg;
			break;
		case 'K':
			color = optarg ? optarg : "always";
			break;
		case 'h':
			if (idx >= 0) /* --help: git-migrate(1); `git migrate --help` is git's */
				cmd_exec_man("git-migrate");
			print_main_usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("git-migrate version %s\n", GM_VERSION);
			return EXIT_OK;
		default: {
			gm_buf msg = GM_BUF_INIT;
			cmd_option_message(&msg, c, argv, opts);
			cmd_error("%s", msg.ptr);
			gm_buf_release(&msg);
			print_main_usage(stderr);
			return EXIT_CANNOT;
		}
		}
	}
	if (cmd_set_color(color) < 0) {
		fprintf(stderr, "error: --color takes auto, always or never, not '%s'\n", color);
		return EXIT_CANNOT;
	}

	if (optind >= argc) {
		print_main_usage(stderr);
		return EXIT_CANNOT;
	}
	cmd = gm_cmd_find(argv[optind]);
	if (!cmd) {
		fprintf(stderr, "error: '%s' is not a git-migrate command\n", argv[optind]);
		fputs("hint: see 'git migrate -h' for the list of commands\n", stderr);
		return EXIT_CANNOT;
	}

	argc -= optind;
	argv += optind;
	optind = 0; /* glibc: full re-initialization for the command's own getopt */
	opterr = 0;
	gm_warning_handler(print_warning, NULL);
	gm_repo_global_init();
	rc = cmd->fn(argc, argv);
	gm_repo_global_shutdown();
	gm_error_clear();
	return rc;
}

int main(int argc, char **argv)
{
	return cmd_close_stdout(run(argc, argv));
}
