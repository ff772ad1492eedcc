/* diff: what the models change that no revision covers yet (exit 1 when anything). */
#include "cmd.h"

const char *const diff_usage[] = {
	"git migrate diff [--sql] [--production <ref>] [--allow-empty-models] [--no-cache]",
	"",
	"Replays production's chain and the worktree's local revisions on a scratch",
	"database and compares that schema with the models. Writes nothing. Exits 1 when",
	"the models have changes that no revision covers (for CI), 0 when there are none.",
	"",
	"    --sql                 print the SQL (up section) instead of the change list",
	"    --production <ref>    the ref holding the migrations history (default: config)",
	"    --allow-empty-models  accept models with no table (shows every table dropped)",
	"    --no-cache            replay production's chain without the snapshot cache",
	"    -h, --help            show this help",
	NULL,
};

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sql", no_argument, NULL, 'S' },
		{ "production", required_argument, NULL, 'P' },
		{ "allow-empty-models", no_argument, NULL, 'E' },
		{ "no-cache", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gm_prepare_opts o = GM_PREPARE_OPTS_INIT;
	gm_prepare_result res = GM_PREPARE_RESULT_INIT;
	gm_repo *repo = NULL;
	gm_config *cfg = NULL;
	bool sql = false, done;
	int c, error, rc = EXIT_OK;

	while ((c = cmd_getopt(argc, argv, "", opts, diff_usage, &done)) != -1) {
		if (done)
			return c;
		if (c == 'S')
			sql = true;
		else if (c == 'P')
			o.production = optarg;
		else if (c == 'E')
			o.allow_empty_models = true;
		else if (c == 'C')
			o.no_cache = true;
	}
	if (optind < argc)
		return cmd_usage_error(diff_usage, "unexpected argument '%s'", argv[optind]);
	if ((error = cmd_open(&repo, &cfg)) < 0)
		return cmd_die_error(error);

	o.diff_only = true;
	o.progress = cmd_progress;
	if ((error = gm_prepare(&res, repo, cfg, &o)) < 0) {
		rc = cmd_die_error(error);
		goto done;
	}
	if (res.no_changes) {
		cmd_print_summary(&res, stderr);
		cmd_info("no changes");
		goto done;
	}
	rc = EXIT_PROBLEM;
	if (sql)
		fputs(res.up_sql, stdout);
	else
		cmd_print_summary(&res, stdout);

done:
	gm_prepare_result_release(&res);
	gm_config_free(cfg);
	gm_repo_free(repo);
	return cmd_finish_signal(rc);
}
