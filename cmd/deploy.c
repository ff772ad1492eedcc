/* upgrade, downgrade, current, status, stamp, createdb: deploy to the target database
 * (DESIGN.md §3.9). The rules are core's (core/deploy*.c); this file parses and prints. */
#include <string.h>
#include <unistd.h>
#include "cmd.h"

#define TARGET_LINES                                                              \
	"The target is the config's `database`, or GIT_MIGRATE_DATABASE_URL, or", \
		"DATABASE_URL (libpq's PG* variables apply); its password is never printed."

const char *const upgrade_usage[] = {
	"git migrate upgrade [--sql] [<rev>|+<n>]",
	"",
	"Applies the pending revisions of the worktree's chain up to <rev> (default: the",
	"head; +<n>: the next <n>), each in its own transaction with its row in the version",
	"table. Refuses (exit 1) when an applied revision's file changed or the database",
	"holds revisions the worktree does not have.",
	TARGET_LINES,
	"",
	"    --sql                 print the SQL instead of running it (offline mode)",
	"    -h, --help            show this help",
	NULL,
};

const char *const downgrade_usage[] = {
	"git migrate downgrade [--sql] (<rev>|-<n>|base)",
	"",
	"Runs the down sections of the applied revisions, newest first, down to <rev>",
	"(which stays applied), <n> steps back, or everything (base). An irreversible",
	"revision (no down section) on the way is refused before anything runs.",
	TARGET_LINES,
	"",
	"    --sql                 print the SQL instead of running it (offline mode)",
	"    -h, --help            show this help",
	NULL,
};

const char *const current_usage[] = {
	"git migrate current [-v]",
	"",
	"Prints the applied head(s) of the target database.",
	"",
	"    -v, --verbose         every applied revision, applied_at, checksum state",
	"    -h, --help            show this help",
	NULL,
};

const char *const status_usage[] = {
	"git migrate status",
	"",
	"Lists every revision as applied, pending, changed (applied, the file changed",
	"since) or unknown (applied, but not in the worktree). Exits 1 when a revision is",
	"changed or unknown.",
	"",
	"    -h, --help            show this help",
	NULL,
};

const char *const stamp_usage[] = {
	"git migrate stamp [--purge] (<rev> | --from-alembic)",
	"",
	"Makes the version table say <rev> and its ancestors (base: nothing) without",
	"running any SQL of the revisions; --from-alembic takes the revisions from the",
	"target's alembic_version table (a database Alembic or Flask-Migrate deployed).",
	"",
	"    --from-alembic        stamp the revisions alembic_version holds",
	"    --purge               first empty the version table (also unknown revisions)",
	"    -h, --help            show this help",
	NULL,
};

const char *const createdb_usage[] = {
	"git migrate createdb",
	"",
	"Creates the target PostgreSQL database (nothing when it exists); on SQLite,",
	"creates the database file's directory.",
	"",
	"    -h, --help            show this help",
	NULL,
};

/* The target, masked, for messages. */
static void target(gm_buf *out, const gm_config *cfg)
{
	gm_url_mask(out, cfg->database);
}

/* Progress: on a tty, "upgrade k/n id message" to stderr; with -v, each one's time. */
static void on_step(const gm_deploy_step *s, void *payload)
{
	(void)payload;
	if (!s->done) {
		if (gm_global.verbosity >= 0 && isatty(2))
			fprintf(stderr, "\r\033[K%s %zu/%zu %s %s", s->up ? "upgrade" : "downgrade",
				s->k, s->n, s->id, s->message ? s->message : "");
		return;
	}
	if (gm_global.verbosity >= 0 && isatty(2))
		fputs("\r\033[K", stderr);
	if (s->skipped)
		cmd_info("%s: already %s by another run", s->id, s->up ? "applied" : "reverted");
	else if (gm_global.verbosity > 0)
		cmd_info("%s %s (%ld ms) %s", s->up ? "applied" : "reverted", s->id, s->ms,
			 s->message ? s->message : "");
}

/* upgrade and downgrade: one <rev> argument (optional for upgrade), --sql. */
static int run_deploy(int argc, char **argv, const char *const *usage, bool up)
{
	static const struct option opts[] = {
		{ "sql", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gm_deploy_opts o = GM_DEPLOY_OPTS_INIT;
	gm_buf sql = GM_BUF_INIT, t = GM_BUF_INIT;
	gm_repo *repo = NULL;
	gm_config *cfg = NULL;
	const char *rev = NULL;
	bool done, print = false;
	size_t nr = 0;
	int c, error, rc = EXIT_OK;

	/* "-<n>" is a count of revisions, not an option: taken out before getopt sees it */
	for (c = 1; c < argc; c++) {
		if (argv[c][0] == '-' && argv[c][1] >= '0' && argv[c][1] <= '9') {
			rev = argv[c];
			memmove(&argv[c], &argv[c + 1], (size_t)(argc - c) * sizeof(*argv));
			argc--;
			break;
		}
	}
	while ((c = cmd_getopt(argc, argv, "", opts, usage, &done)) != -1) {
		if (done)
			return c;
		if (c == 'S')
			print = true;
	}
	if (optind < argc && !rev)
		rev = argv[optind++];
	if (optind < argc)
		return cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!up && !rev)
		return cmd_usage_error(usage, "which revision? (<rev>, -<n> or base)");
	if ((error = cmd_open(&repo, &cfg)) < 0)
		return cmd_die_error(error);
	gm_signals_install();
	target(&t, cfg);
	o.sql = print ? &sql : NULL;
	o.step = on_step;
	o.wait = cmd_on_wait;
	error = up ? gm_deploy_upgrade(&nr, repo, cfg, rev, &o)
		   : gm_deploy_downgrade(&nr, repo, cfg, rev, &o);
	if (error < 0) {
		rc = cmd_die_error(error);
	} else if (print) {
		fputs(sql.ptr ? sql.ptr : "", stdout);
	} else if (!nr) {
		cmd_info("%s is up to date", t.ptr);
	} else {
		cmd_info("%s %zu revision%s %s %s", up ? "applied" : "reverted", nr,
			 nr == 1 ? "" : "s", up ? "to" : "on", t.ptr);
	}
	gm_buf_release(&sql);
	gm_buf_release(&t);
	gm_config_free(cfg);
	gm_repo_free(repo);
	return cmd_finish_signal(rc);
}

int cmd_upgrade(int argc, char **argv)
{
	return run_deploy(argc, argv, upgrade_usage, true);
}

int cmd_downgrade(int argc, char **argv)
{
	return run_deploy(argc, argv, downgrade_usage, false);
}

static const char *const state_names[] = { "applied", "pending", "changed", "unknown" };

/* A current or status run: the state read and what it holds on to. */
struct state_run {
	gm_deploy_status st;
	gm_buf t; /* the target, masked */
	gm_repo *repo;
	gm_config *cfg;
};

/* current/status/createdb (no options but -h and the global ones): open the repository
 * and, with `status`, read the state. Returns -1 when done, else the exit code. */
static int read_state(struct state_run *s, int argc, char **argv, const char *const *usage,
		      bool status)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool done;
	int c, error;

	memset(s, 0, sizeof(*s));
	while ((c = cmd_getopt(argc, argv, "", opts, usage, &done)) != -1)
		if (done)
			return c;
	if (optind < argc)
		return cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if ((error = cmd_open(&s->repo, &s->cfg)) < 0)
		return cmd_die_error(error);
	target(&s->t, s->cfg);
	if (status && (error = gm_deploy_status_read(&s->st, s->repo, s->cfg)) < 0)
		return cmd_die_error(error);
	return -1;
}

static int state_done(struct state_run *s, int rc)
{
	gm_deploy_status_release(&s->st);
	gm_buf_release(&s->t);
	gm_config_free(s->cfg);
	gm_repo_free(s->repo);
	return rc;
}

/* current's line of an entry: -v every applied one, else the heads. */
static void print_current(const gm_deploy_entry *e)
{
	if (gm_global.verbosity > 0 && e->state != GM_DEPLOY_PENDING)
		printf("%s\t%s\t%s%s\n", e->id, e->applied_at,
		       e->state == GM_DEPLOY_APPLIED ? "checksum ok" : state_names[e->state],
		       e->head ? "\t(head)" : "");
	else if (gm_global.verbosity <= 0 && e->head)
		printf("%s%s\n", e->id,
		       e->state == GM_DEPLOY_APPLIED   ? ""
		       : e->state == GM_DEPLOY_CHANGED ? " (changed)"
						       : " (unknown)");
}

int cmd_current(int argc, char **argv)
{
	struct state_run s;
	size_t i, heads = 0;
	int rc;

	if ((rc = read_state(&s, argc, argv, current_usage, true)) >= 0)
		return state_done(&s, rc);
	for (i = 0; i < s.st.nr; i++) {
		print_current(&s.st.v[i]);
		heads += s.st.v[i].head;
	}
	if (!heads)
		cmd_info("no revision is applied to %s", s.t.ptr);
	return state_done(&s, EXIT_OK);
}

int cmd_status(int argc, char **argv)
{
	struct state_run s;
	size_t i, n[4] = { 0, 0, 0, 0 };
	int rc;

	if ((rc = read_state(&s, argc, argv, status_usage, true)) >= 0)
		return state_done(&s, rc);
	for (i = 0; i < s.st.nr; i++) {
		const gm_deploy_entry *e = &s.st.v[i];
		n[e->state]++;
		printf("%-8s %s%s%s\n", state_names[e->state], e->id, e->message ? " " : "",
		       e->message ? e->message : "");
	}
	cmd_info("%s: %zu applied, %zu pending, %zu changed, %zu unknown", s.t.ptr,
		 n[GM_DEPLOY_APPLIED] + n[GM_DEPLOY_CHANGED], n[GM_DEPLOY_PENDING],
		 n[GM_DEPLOY_CHANGED], n[GM_DEPLOY_UNKNOWN]);
	if (n[GM_DEPLOY_CHANGED])
		cmd_hint("a changed revision's file differs from the one applied: restore it "
			 "('git migrate stamp' accepts it deliberately)");
	if (n[GM_DEPLOY_UNKNOWN])
		cmd_hint("an unknown revision is applied but not in the worktree (another "
			 "branch?); 'git migrate stamp --purge <rev>' rewrites the table");
	return state_done(&s,
			  n[GM_DEPLOY_CHANGED] || n[GM_DEPLOY_UNKNOWN] ? EXIT_PROBLEM : EXIT_OK);
}

/* stamp's arguments: exactly one of <rev> and --from-alembic. */
static int stamp_args(int argc, char **argv, bool alembic)
{
	if (alembic && optind < argc)
		return cmd_usage_error(stamp_usage, "--from-alembic takes no <rev> ('%s')",
				       argv[optind]);
	if (!alembic && optind + 1 != argc)
		return optind < argc
			       ? cmd_usage_error(stamp_usage, "unexpected argument '%s'",
						 argv[optind + 1])
			       : cmd_usage_error(stamp_usage, "which revision? (<rev> or base)");
	return -1;
}

int cmd_stamp(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "purge", no_argument, NULL, 'P' },
		{ "from-alembic", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gm_buf t = GM_BUF_INIT, heads = GM_BUF_INIT;
	gm_repo *repo = NULL;
	gm_config *cfg = NULL;
	bool done, purge = false, alembic = false;
	int c, error, rc = EXIT_OK;

	while ((c = cmd_getopt(argc, argv, "", opts, stamp_usage, &done)) != -1) {
		if (done)
			return c;
		if (c == 'P')
			purge = true;
		else if (c == 'A')
			alembic = true;
	}
	if ((rc = stamp_args(argc, argv, alembic)) >= 0)
		return rc;
	rc = EXIT_OK;
	if ((error = cmd_open(&repo, &cfg)) < 0)
		return cmd_die_error(error);
	gm_signals_install();
	target(&t, cfg);
	if (alembic)
		error = gm_deploy_stamp_alembic(&heads, repo, cfg, purge);
	else
		error = gm_deploy_stamp(repo, cfg, argv[optind], purge);
	if (error < 0)
		rc = cmd_die_error(error);
	else
		cmd_info("stamped %s at %s%s%s", t.ptr, alembic ? heads.ptr : argv[optind],
			 alembic ? " (from alembic_version)" : "", purge ? " (purged first)" : "");
	gm_buf_release(&heads);
	gm_buf_release(&t);
	gm_config_free(cfg);
	gm_repo_free(repo);
	return cmd_finish_signal(rc);
}

int cmd_createdb(int argc, char **argv)
{
	struct state_run s;
	bool existed = false;
	int rc, error;

	if ((rc = read_state(&s, argc, argv, createdb_usage, false)) >= 0)
		return state_done(&s, rc);
	if ((error = gm_deploy_createdb(&existed, s.cfg)) < 0)
		return state_done(&s, cmd_die_error(error));
	cmd_info(existed ? "database %s already exists" : "created database %s", s.t.ptr);
	return state_done(&s, EXIT_OK);
}
