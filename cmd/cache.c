/* cache: list or clear the snapshot and models cache of this repository (DESIGN.md §7). */
#include <string.h>
#include <time.h>
#include "cmd.h"
#include "git-migrate/cache.h"

const char *const cache_usage[] = {
	"git migrate cache [list]",
	"       git migrate cache clear",
	"",
	"The snapshot cache keeps the scratch database's state after production's chain was",
	"replayed and the fixtures loaded, so that prepare, diff, verify --replay and rebase",
	"start from it instead of replaying again. SQLite: files under",
	"$(git rev-parse --git-common-dir)/git-migrate/cache/; PostgreSQL: template databases",
	"gm_cache_<repo>_<key> on the scratch server, and models entries",
	"gm_cache_<repo>_models_<key>: the database the models make, only inspected on a hit.",
	"list prints this repository's entries, newest first; clear removes them all.",
	"--no-cache on those commands leaves it alone.",
	"",
	"    -h, --help            show this help",
	NULL,
};

static void print_entry(const gm_cache_entry_info *e)
{
	char when[32] = "unknown time";
	time_t t = (time_t)e->created;
	struct tm tm;

	if (!e->valid) {
		printf("%s  (half-written or unreadable: the next run rebuilds it)\n", e->name);
		return;
	}
	if (t && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	if (e->models) {
		printf("%s  models: %zu table%s, %s\n", e->name, e->tables,
		       e->tables == 1 ? "" : "s", when);
		return;
	}
	printf("%s  %zu revision%s up to %s, %zu fixture row%s, %s\n", e->name, e->revisions,
	       e->revisions == 1 ? "" : "s", e->head, e->rows, e->rows == 1 ? "" : "s", when);
}

static int list(gm_repo *repo, gm_config *cfg)
{
	gm_cache_list l = { NULL, 0, 0, NULL };
	size_t i;
	int error;

	if ((error = gm_cache_list_entries(&l, repo, cfg)) < 0)
		return cmd_die_error(error);
	for (i = 0; i < l.nr; i++)
		print_entry(&l.v[i]);
	cmd_info("%zu cache entr%s (%s)", l.nr, l.nr == 1 ? "y" : "ies", l.where);
	gm_cache_list_release(&l);
	return EXIT_OK;
}

static int clear(gm_repo *repo, gm_config *cfg)
{
	size_t removed = 0;
	int error;

	if ((error = gm_cache_clear(&removed, repo, cfg)) < 0)
		return cmd_die_error(error);
	cmd_info("removed %zu cache entr%s", removed, removed == 1 ? "y" : "ies");
	return EXIT_OK;
}

int cmd_cache(int argc, char **argv)
{
	gm_repo *repo = NULL;
	gm_config *cfg = NULL;
	const char *what = "list";
	bool done;
	int c, error, rc;

	while ((c = cmd_getopt(argc, argv, "", NULL, cache_usage, &done)) != -1)
		if (done)
			return c;
	if (optind < argc)
		what = argv[optind++];
	if (optind < argc)
		return cmd_usage_error(cache_usage, "unexpected argument '%s'", argv[optind]);
	if (strcmp(what, "list") && strcmp(what, "clear"))
		return cmd_usage_error(cache_usage, "unknown subcommand '%s'", what);
	if ((error = cmd_open(&repo, &cfg)) < 0)
		return cmd_die_error(error);
	rc = !strcmp(what, "list") ? list(repo, cfg) : clear(repo, cfg);
	gm_config_free(cfg);
	gm_repo_free(repo);
	return rc;
}
