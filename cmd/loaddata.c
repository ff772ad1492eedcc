/* loaddata: load fixtures into the target database (DESIGN.md §3.4, §3.5). */
#include <string.h>
#include "cmd.h"

const char *const loaddata_usage[] = {
	"git migrate loaddata [--rev <rev>] [<dir>]",
	"",
	"Loads the fixtures directory (default: the config's `fixtures`, relative to the",
	"repository root) into the target database (`database`, or GIT_MIGRATE_DATABASE_URL,",
	"or DATABASE_URL) in one transaction, tables in foreign-key order, and prints the rows",
	"loaded per table. The fixtures are read from the worktree (production-like data for",
	"local work); --rev reads them from a git revision instead. Every table must already",
	"exist in the database: nothing is loaded otherwise.",
	"",
	"    --rev <rev>           read the fixtures from this git revision (e.g. production)",
	"    -h, --help            show this help",
	NULL,
};

int cmd_loaddata(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rev", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gm_fixtures_report rep = GM_FIXTURES_REPORT_INIT;
	gm_repo *repo = NULL;
	gm_config *cfg = NULL;
	gm_buf target = GM_BUF_INIT;
	const char *rev = NULL, *dir = NULL;
	bool done;
	size_t i;
	int c, error, rc = EXIT_OK;

	while ((c = cmd_getopt(argc, argv, "", opts, loaddata_usage, &done)) != -1) {
		if (done)
			return c;
		if (c == 'R')
			rev = optarg;
	}
	if (optind < argc)
		dir = argv[optind++];
	if (optind < argc)
		return cmd_usage_error(loaddata_usage, "unexpected argument '%s'", argv[optind]);
	if ((error = cmd_open(&repo, &cfg)) < 0)
		return cmd_die_error(error);

	gm_signals_install();
	gm_url_mask(&target, cfg->database);
	if ((error = gm_fixtures_loaddata(&rep, repo, cfg, dir, rev, cmd_progress, NULL)) < 0) {
		rc = cmd_die_error(error);
		goto done;
	}
	if (!rep.exists) {
		const char *d = dir ? dir : cfg->fixtures;
		if (dir || rev) {
			cmd_error("fixtures directory '%s' does not exist%s%s", d,
				  rev ? " in " : "", rev ? rev : "");
			rc = EXIT_CANNOT;
		} else {
			cmd_info("nothing to load: no fixtures directory '%s'", d);
		}
		goto done;
	}
	for (i = 0; i < rep.nr; i++)
		printf("%s\t%zu\n", rep.v[i].table, rep.v[i].rows);
	cmd_info("loaded %zu row%s into %zu table%s of %s%s", rep.rows, rep.rows == 1 ? "" : "s",
		 rep.nr, rep.nr == 1 ? "" : "s", target.ptr,
		 rep.sql_files ? " (and ran the SQL files)" : "");
done:
	gm_buf_release(&target);
	gm_fixtures_report_release(&rep);
	gm_config_free(cfg);
	gm_repo_free(repo);
	return cmd_finish_signal(rc);
}
