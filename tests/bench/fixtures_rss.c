/*
 * fixtures_rss <repo> <dir> [<rev>]: load fixtures like `git migrate loaddata` into the
 * configured database and print the peak RSS (kB) of this process and of its children
 * (git cat-file) separately: "self_kB children_kB rows". Built by fixtures-memory.sh.
 */
#include <stdio.h>
#include <sys/resource.h>
#include "git-migrate/gm.h"

int main(int argc, char **argv)
{
	gm_fixtures_report rep = GM_FIXTURES_REPORT_INIT;
	gm_repo *repo = NULL;
	gm_config *cfg = NULL;
	struct rusage self, kids;
	int error;

	if (argc < 3) {
		fprintf(stderr, "usage: fixtures_rss <repo> <dir> [<rev>]\n");
		return 2;
	}
	gm_repo_global_init();
	if ((error = gm_repo_discover(&repo, argv[1])) < 0 ||
	    (error = gm_config_load(&cfg, gm_repo_workdir(repo), NULL)) < 0 ||
	    (error = gm_fixtures_loaddata(&rep, repo, cfg, argv[2], argc > 3 ? argv[3] : NULL,
					  NULL, NULL)) < 0) {
		fprintf(stderr, "fatal: %s\n", gm_error_last()->message);
		return 2;
	}
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	printf("%ld %ld %zu\n", self.ru_maxrss, kids.ru_maxrss, rep.rows);
	gm_fixtures_report_release(&rep);
	gm_config_free(cfg);
	gm_repo_free(repo);
	gm_repo_global_shutdown();
	return 0;
}
