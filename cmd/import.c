/* import alembic: an Alembic / Flask-Migrate history as revision files (core/import_alembic.c). */
#include <string.h>
#include <unistd.h>
#include "cmd.h"
#include "git-migrate/import.h"

const char *const import_usage[] = {
	"git migrate import alembic [--from <dir>] [--command <cmd>]",
	"",
	"Converts the Alembic history of <dir> (default: migrations, Flask-Migrate's) into",
	"revision files in the migrations directory: same ids and parents (merges stay",
	"merges), the docstring's first line as the message, the up and down SQL from",
	"Alembic's offline mode, run with your Python: `flask db upgrade --sql` when",
	"<dir>/env.py uses Flask-Migrate, else `alembic -c alembic.ini upgrade --sql` (from",
	"<dir> or its parent). The app's database URL decides the SQL's dialect: it must be",
	"the target database's. The alembic_version statements are left out; a revision",
	"with an autocommit block becomes `-- transaction: false`; one whose downgrade is",
	"empty or fails has no down section. Nothing is written unless every revision",
	"converted, and never over an existing revision.",
	"",
	"    --from <dir>          the Alembic directory (env.py, versions/), relative to",
	"                          the repository root",
	"    --command <cmd>       run Alembic with <cmd> (in the repository root) instead,",
	"                          e.g. 'python -m flask db', 'alembic -c db/alembic.ini'",
	"    -h, --help            show this help",
	NULL,
};

/* One line per step on stderr when stderr is a terminal, or with -v. */
static void on_progress(const char *line, void *payload)
{
	(void)payload;
	if (gm_global.verbosity > 0 || (gm_global.verbosity == 0 && isatty(2)))
		fprintf(stderr, "%s\n", line);
}

static void print_summary(const gm_import_result *res, const char *from)
{
	gm_buf heads = GM_BUF_INIT;
	size_t i;

	for (i = 0; i < res->paths_nr; i++)
		printf("%s\n", res->paths[i]);
	for (i = 0; i < res->heads_nr; i++)
		gm_buf_printf(&heads, "%s%s", i ? ", " : "", res->heads[i]);
	cmd_info("imported %zu revision%s from '%s' with '%s'; head%s: %s", res->paths_nr,
		 res->paths_nr == 1 ? "" : "s", from, res->command, res->heads_nr == 1 ? "" : "s",
		 heads.ptr ? heads.ptr : "");
	if (res->irreversible)
		cmd_info("%zu without a down section (irreversible)", res->irreversible);
	if (res->no_transaction)
		cmd_info("%zu with '-- transaction: false'", res->no_transaction);
	gm_buf_release(&heads);
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'F' },
		{ "command", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gm_import_opts o = { NULL, NULL, on_progress, NULL };
	gm_import_result res = GM_IMPORT_RESULT_INIT;
	gm_repo *repo = NULL;
	gm_config *cfg = NULL;
	bool done;
	int c, error, rc = EXIT_OK;

	while ((c = cmd_getopt(argc, argv, "", opts, import_usage, &done)) != -1) {
		if (done)
			return c;
		if (c == 'F')
			o.from = optarg;
		else if (c == 'c')
			o.command = optarg;
	}
	if (optind >= argc)
		return cmd_usage_error(import_usage, "which history? 'alembic' is the one kind");
	if (strcmp(argv[optind], "alembic"))
		return cmd_usage_error(import_usage,
				       "cannot import '%s': 'alembic' is the one kind",
				       argv[optind]);
	if (++optind < argc)
		return cmd_usage_error(import_usage, "unexpected argument '%s'", argv[optind]);
	if ((error = cmd_open(&repo, &cfg)) < 0)
		return cmd_die_error(error);

	gm_signals_install();
	if ((error = gm_import_alembic(&res, repo, cfg, &o)) < 0)
		rc = cmd_die_error(error);
	else
		print_summary(&res, o.from ? o.from : "migrations");
	gm_import_result_release(&res);
	gm_config_free(cfg);
	gm_repo_free(repo);
	return cmd_finish_signal(rc);
}
