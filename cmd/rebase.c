/* rebase: re-chain local revisions onto production's new head, after checking they still apply. */
#include "cmd.h"

const char *const rebase_usage[] = {
	"git migrate rebase [--production <ref>] [--dry-run] [--no-wait] [--no-cache]",
	"",
	"Production moved on since the local revisions were written. Re-chains the local",
	"revision that hangs off an older production revision onto production's head (its",
	"down_revision line is rewritten; several local heads are put in one line), after",
	"replaying production's chain and then every local revision on a scratch database,",
	"each with a down/up round trip. When a local revision no longer applies on top of",
	"production, names it and writes nothing. A local revision that changes an object a",
	"newer production revision changed too is named as a semantic conflict (a warning).",
	"",
	"    --production <ref>    the ref holding the migrations history (default: config)",
	"    -n, --dry-run         check only, rewrite nothing",
	"    --no-wait             fail when another run in this worktree holds its lock",
	"    --no-cache            replay production's chain without the snapshot cache",
	"    -h, --help            show this help",
	NULL,
};

/* The local revisions no longer apply: say which and why; nothing was rewritten. */
static void print_failure(const gm_rebase_result *res, const gm_findings *findings)
{
	size_t i;

	for (i = 0; i < findings->nr; i++) {
		const gm_finding *x = &findings->v[i];
		if (x->path && x->line > 0)
			fprintf(stderr, "error: %s:%d: %s\n", x->path, x->line, x->message);
		else
			fprintf(stderr, "error: %s\n", x->message);
	}
	if (res->items_nr > 1)
		cmd_hint("the local revisions no longer apply on top of production's "
			 "head; edit the one named above (or drop it and run 'git "
			 "migrate prepare' again)");
	else
		cmd_hint("revision %s no longer applies on top of production's head "
			 "%s; edit it (or drop it and run 'git migrate prepare' again)",
			 res->id, res->onto);
	cmd_info("nothing was rewritten");
}

/* What was (or would be) re-chained. */
static void print_result(const gm_rebase_result *res)
{
	size_t i;

	for (i = 0; res->written && i < res->items_nr; i++)
		printf("%s\n", res->items[i].path);
	if (res->items_nr == 1 && !res->linearized) {
		cmd_info("%s revision %s onto %s (was %s); %zu revision%s replayed, local "
			 "revisions round-trip",
			 res->written ? "re-chained" : "would re-chain", res->id, res->onto,
			 res->from, res->replayed, res->replayed == 1 ? "" : "s");
		return;
	}
	cmd_info("%s the %zu local revisions in one line onto %s (there were several "
		 "local heads); %zu revision%s replayed, local revisions round-trip:",
		 res->written ? "put" : "would put", res->local_nr, res->onto, res->replayed,
		 res->replayed == 1 ? "" : "s");
	for (i = 0; i < res->items_nr; i++)
		cmd_info("  %s: down_revision %s (was %s)", res->items[i].id, res->items[i].onto,
			 *res->items[i].from ? res->items[i].from : "none");
}

int cmd_rebase(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "production", required_argument, NULL, 'P' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "no-cache", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gm_rebase_opts o = GM_REBASE_OPTS_INIT;
	gm_rebase_result res = { 0 };
	gm_findings findings = GM_FINDINGS_INIT;
	gm_repo *repo = NULL;
	gm_config *cfg = NULL;
	bool done;
	int c, error, rc = EXIT_OK;
	size_t i;

	while ((c = cmd_getopt(argc, argv, "n", opts, rebase_usage, &done)) != -1) {
		if (done)
			return c;
		if (c == 'P')
			o.production = optarg;
		else if (c == 'n')
			o.dry_run = true;
		else if (c == 'W')
			o.no_wait = true;
		else if (c == 'C')
			o.no_cache = true;
	}
	if (optind < argc)
		return cmd_usage_error(rebase_usage, "unexpected argument '%s'", argv[optind]);
	if ((error = cmd_open(&repo, &cfg)) < 0)
		return cmd_die_error(error);

	o.progress = cmd_progress;
	o.wait = cmd_on_wait;
	if ((error = gm_rebase(&res, &findings, repo, cfg, &o)) < 0) {
		rc = cmd_die_error(error);
		goto done;
	}
	cmd_print_replay_notes(&findings);
	for (i = 0; i < findings.warnings_nr; i++)
		cmd_warning("%s", findings.warnings[i].message);
	if (!res.id) {
		cmd_info("nothing to rebase: the local revisions already chain onto "
			 "production's head");
		goto done;
	}
	if (findings.nr) {
		print_failure(&res, &findings);
		rc = EXIT_PROBLEM;
		goto done;
	}
	print_result(&res);

done:
	gm_findings_release(&findings);
	gm_rebase_result_release(&res);
	gm_config_free(cfg);
	gm_repo_free(repo);
	return cmd_finish_signal(rc);
}
