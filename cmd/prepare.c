/* prepare: write the next revision, tested on a scratch database (DESIGN.md §3.6). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "cmd.h"

const char *const prepare_usage[] = {
	"git migrate prepare [-m <message>] [--production <ref>] [--dry-run] [--no-fixtures]",
	"                    [--allow-empty-models] [--allow-drop <table>[.<column>]] [--no-wait]",
	"                    [--no-cache]",
	"",
	"Replays the production branch's migrations (read from git, no checkout) and the",
	"worktree's local revisions on a scratch database, diffs that schema against the",
	"models, and writes the next revision after testing up, down and up again on it.",
	"",
	"A column holding data that disappears while a column of a compatible type appears",
	"in its table (or a table holding rows, while a table with the same columns appears)",
	"looks like a rename: on a terminal prepare asks \"Did you rename users.fullname to",
	"users.display_name? [y/N]\" (y writes RENAME); otherwise, or on N, it exits 1 and",
	"writes nothing, until the models say `was: fullname` (SQL models: a comment",
	"`-- git-migrate: was fullname` on the column's line, or on the CREATE TABLE line for",
	"a table) or --allow-drop confirms the loss.",
	"",
	"    -m, --message <msg>   the revision's message (default: from the changes)",
	"    --production <ref>    the ref holding the migrations history (default: config)",
	"    -n, --dry-run         plan and verify, print the SQL, write nothing",
	"    --no-fixtures         verify without loading the fixtures",
	"    --allow-empty-models  accept models with no table (drops every table)",
	"    --allow-drop <name>   drop this table or table.column although it holds data and",
	"                          looks renamed: the loss is meant (repeatable)",
	"    --no-wait             fail when another run in this worktree holds its lock",
	"    --no-cache            replay production's chain without the snapshot cache",
	"    -h, --help            show this help",
	NULL,
};

/* Print the summary and warnings of a run (shared with diff); with -v, the timing. */
void cmd_print_summary(const gm_prepare_result *res, FILE *f)
{
	size_t i;
	/* on stderr the summary is information: -q leaves it out (stdout output stays) */
	for (i = 0; i < res->summary_nr && (f != stderr || gm_global.verbosity >= 0); i++)
		fprintf(f, "  %s\n", res->summary[i]);
	for (i = 0; i < res->warnings_nr; i++)
		cmd_warning("%s", res->warnings[i]);
	for (i = 0; i < res->notes_nr; i++)
		cmd_info("note: %s", res->notes[i]);
	if (gm_global.verbosity > 0 && res->cache && *res->cache)
		fprintf(stderr, "cache: %s\n", res->cache);
	if (gm_global.verbosity > 0 && res->phases_nr) {
		fputs("timing:", stderr);
		for (i = 0; i < res->phases_nr; i++)
			fprintf(stderr, " %s %.3fs", res->phases[i].name, res->phases[i].seconds);
		fputc('\n', stderr);
	}
}

void cmd_print_replay_notes(const gm_findings *findings)
{
	if (gm_global.verbosity <= 0)
		return;
	if (findings->cache && *findings->cache)
		fprintf(stderr, "cache: %s\n", findings->cache);
	if (findings->timing && *findings->timing)
		fprintf(stderr, "timing: %s\n", findings->timing);
}

/* gm_rename_cb on a terminal: ask as Django's makemigrations does; only y/yes is a yes. */
static bool ask_rename(const gm_rename_question *q, void *payload)
{
	char line[32];

	(void)payload;
	if (q->table)
		fprintf(stderr, "Did you rename %s.%s to %s.%s? [y/N] ", q->table, q->from,
			q->table, q->to);
	else
		fprintf(stderr, "Did you rename table %s to %s? [y/N] ", q->from, q->to);
	fflush(stderr);
	/* a signal (no SA_RESTART) or end of input: no; core then sees the signal */
	if (!fgets(line, sizeof(line), stdin)) {
		clearerr(stdin);
		fputc('\n', stderr);
		return false;
	}
	if (!strchr(line, '\n')) { /* the rest of a long answer is not the next answer */
		int c;
		while ((c = getchar()) != EOF && c != '\n')
			;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return !strcasecmp(line, "y") || !strcasecmp(line, "yes");
}

/* What a successful run did: no changes, the dry run's SQL, or the written file. */
static void print_result(const gm_prepare_result *res, bool dry_run)
{
	if (res->no_changes) {
		cmd_print_summary(res, stderr);
		cmd_info("no changes: the models match production%s (%zu revision%s replayed)",
			 res->replayed > 0 ? "'s chain" : "", res->replayed,
			 res->replayed == 1 ? "" : "s");
		return;
	}
	if (dry_run) {
		printf("-- +migrate up\n%s\n-- +migrate down\n%s", res->up_sql, res->down_sql);
		cmd_info("dry run: revision %s would chain onto %s; verified up, down and up "
			 "again on a scratch database; nothing written",
			 res->id, *res->parent ? res->parent : "nothing (a base)");
		cmd_print_summary(res, stderr);
		return;
	}
	printf("%s\n", res->path);
	cmd_info("wrote revision %s (chained onto %s), verified up, down and up again on a "
		 "scratch database with %zu revision%s replayed and %zu fixture row%s:",
		 res->id, *res->parent ? res->parent : "nothing: it is the base", res->replayed,
		 res->replayed == 1 ? "" : "s", res->fixture_rows,
		 res->fixture_rows == 1 ? "" : "s");
	cmd_print_summary(res, stderr);
}

int cmd_prepare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "message", required_argument, NULL, 'm' },
		{ "production", required_argument, NULL, 'P' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "no-fixtures", no_argument, NULL, 'F' },
		{ "allow-empty-models", no_argument, NULL, 'E' },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "no-cache", no_argument, NULL, 'C' },
		{ "allow-drop", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gm_prepare_opts o = GM_PREPARE_OPTS_INIT;
	gm_prepare_result res = GM_PREPARE_RESULT_INIT;
	gm_repo *repo = NULL;
	gm_config *cfg = NULL;
	const char **allow = NULL;
	size_t allow_nr = 0, allow_alloc = 0;
	bool done;
	int c, error, rc = EXIT_OK;

	while ((c = cmd_getopt(argc, argv, "m:n", opts, prepare_usage, &done)) != -1) {
		if (done)
			return c;
		switch (c) {
		case 'm':
			o.message = optarg;
			break;
		case 'P':
			o.production = optarg;
			break;
		case 'n':
			o.dry_run = true;
			break;
		case 'F':
			o.no_fixtures = true;
			break;
		case 'E':
			o.allow_empty_models = true;
			break;
		case 'W':
			o.no_wait = true;
			break;
		case 'C':
			o.no_cache = true;
			break;
		case 'D':
			GM_ALLOC_GROW(allow, allow_nr + 1, allow_alloc);
			allow[allow_nr++] = optarg;
			break;
		}
	}
	if (optind < argc) {
		free(allow);
		return cmd_usage_error(prepare_usage, "unexpected argument '%s'", argv[optind]);
	}
	if ((error = cmd_open(&repo, &cfg)) < 0) {
		free(allow);
		return cmd_die_error(error);
	}

	o.progress = cmd_progress;
	o.wait = cmd_on_wait;
	o.allow_drop = allow;
	o.allow_drop_nr = allow_nr;
	/* Django's question needs someone to answer it: stdin and stderr on a terminal */
	if (isatty(0) && isatty(2))
		o.ask_rename = ask_rename;
	if ((error = gm_prepare(&res, repo, cfg, &o)) < 0)
		rc = cmd_die_error(error);
	else
		print_result(&res, o.dry_run);

	gm_prepare_result_release(&res);
	free(allow);
	gm_config_free(cfg);
	gm_repo_free(repo);
	return cmd_finish_signal(rc);
}
