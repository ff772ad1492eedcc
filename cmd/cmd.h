/* The command layer: the command table, shared CLI helpers. Only cmd/ prints. */
#ifndef GM_CMD_H
#define GM_CMD_H
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include "git-migrate/gm.h"

/* Exit codes (DESIGN.md §3.5). */
enum {
	EXIT_OK = 0,
	EXIT_PROBLEM = 1,
	EXIT_CANNOT = 2
};

enum gm_cmd_flags {
	GM_NEED_REPO = (1 << 0), /* opens the repository and reads the config */
};

struct gm_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	unsigned flags;
	const char *summary;
	const char *const *usage;
};

/* Global options, set by main() before a command runs. */
struct gm_global {
	int verbosity;           /* -q: -1, default 0, -v: 1 */
	const char *config_path; /* --config */
	bool color;              /* resolved --color / NO_COLOR / isatty */
};
extern struct gm_global gm_global;

/* Every command's usage array (first line is the synopsis). */
extern const char *const init_usage[];
extern const char *const prepare_usage[];
extern const char *const diff_usage[];
extern const char *const rebase_usage[];
extern const char *const verify_usage[];
extern const char *const history_usage[];
extern const char *const heads_usage[];
extern const char *const show_usage[];
extern const char *const help_usage[];
extern const char *const loaddata_usage[];
extern const char *const hooks_usage[];
extern const char *const upgrade_usage[];
extern const char *const downgrade_usage[];
extern const char *const current_usage[];
extern const char *const status_usage[];
extern const char *const stamp_usage[];
extern const char *const createdb_usage[];
extern const char *const cache_usage[];
extern const char *const import_usage[];

int cmd_init(int argc, char **argv);
int cmd_prepare(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_rebase(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_heads(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_loaddata(int argc, char **argv);
int cmd_hooks(int argc, char **argv);
int cmd_upgrade(int argc, char **argv);
int cmd_downgrade(int argc, char **argv);
int cmd_current(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_stamp(int argc, char **argv);
int cmd_createdb(int argc, char **argv);
int cmd_cache(int argc, char **argv);
int cmd_import(int argc, char **argv);

/* The command table, NULL-terminated by name. */
extern const struct gm_cmd gm_commands[];
const struct gm_cmd *gm_cmd_find(const char *name);

/* Print usage lines to f ("usage: " before the first). */
void usage_print(FILE *f, const char *const *usage);

/*
 * Parse a command's options with getopt_long. Handles -h (usage to stdout), --help (the
 * manual page git-migrate-<argv[0]>(1), else the usage) and the global options -q, -v,
 * --config, --color (accepted among the command's own; a command may not use those
 * letters or names), returning 0 with *done set after -h/--help; bad usage ("error: ..."
 * naming the option as typed, and the usage, to stderr) returns EXIT_CANNOT with *done
 * set. Returns the next option character otherwise; -1 when options end.
 * Typical loop:  while ((c = cmd_getopt(argc, argv, "m:", opts, usage, &done)) != -1) { if (done) return c; ... }
 */
int cmd_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
	       const char *const *usage, bool *done);

/*
 * After getopt_long returned '?' or ':' (opts: the table it was given): the message
 * naming the option as the user typed it, e.g. "option '--dry-run' takes no value",
 * "unknown option '-Z'", "option '--re' is ambiguous (could be --rev, --replay)".
 */
void cmd_option_message(gm_buf *out, int c, char **argv, const struct option *opts);

/* --color=<when>: sets gm_global.color; -1 when <when> is not auto, always or never. */
int cmd_set_color(const char *when);

/*
 * --help: replace the process with `man <page>` (so MANPAGER, PAGER and MANPATH apply).
 * Returns only when man or the page is missing, after a warning on stderr: the caller
 * then prints the usage.
 */
void cmd_exec_man(const char *page);

/*
 * At exit (git's close_stdout): flush and close stdout; a write error prints "fatal:
 * cannot write to standard output: <reason>" and returns EXIT_CANNOT (EPIPE: dies of
 * SIGPIPE), else returns rc.
 */
int cmd_close_stdout(int rc);

/* Bad usage: prints "error: <msg>" and the usage to stderr; returns EXIT_CANNOT. */
int cmd_usage_error(const char *const *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Print the last core error as git does ("fatal: path:line:col: message", detail
 * indented, "hint: ...") and map the core code to an exit code (GM_ECHECK → 1, else 2).
 */
int cmd_die_error(int code);

/* "error: ..." / "fatal: ..." / "warning: ..." / "hint: ..." to stderr (warning suppressed by -q). */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cmd_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cmd_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cmd_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Informational line to stderr unless -q. */
void cmd_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Color helpers: return the escape when color is on, "" otherwise. */
const char *cmd_color(const char *code); /* e.g. cmd_color("31") */
const char *cmd_reset(void);

/* Open the repository (from cwd) and load its config (honouring --config). */
int cmd_open(gm_repo **repo_out, gm_config **cfg_out);

/* prepare/diff: print a run's change summary to f and its warnings to stderr. */
void cmd_print_summary(const gm_prepare_result *res, FILE *f);

/* With -v, on stderr: what the snapshot cache did and the phases' times of a replay. */
void cmd_print_replay_notes(const gm_findings *findings);

/* After cleanup: if a signal interrupted us, re-raise it; else return rc. */
int cmd_finish_signal(int rc);

/* gm_wait_cb for prepare, rebase and verify --replay: say once that we wait for another run. */
void cmd_on_wait(const char *message, void *payload);

/* Progress line on stderr when stderr is a terminal (and not -q); silent otherwise. */
void cmd_progress(const char *what, size_t done, size_t total, void *payload);

#endif
