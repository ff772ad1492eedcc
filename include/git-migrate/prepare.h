/* The pipelines: prepare (DESIGN.md §3.6), diff, and verify (§3.7). */
#ifndef GM_PREPARE_H
#define GM_PREPARE_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/config.h"
#include "git-migrate/diff.h"
#include "git-migrate/finding.h"
#include "git-migrate/repo.h"
#include "git-migrate/revision.h"

/* Progress callback: what ("replay"), done of total. May be NULL. */
typedef void (*gm_progress_cb)(const char *what, size_t done, size_t total, void *payload);

/*
 * Called once when a run must wait for another git-migrate run in the same worktree
 * (prepare, rebase and verify --replay take a lock per worktree), with the line to show:
 * "waiting for another git-migrate run in this worktree (pid N)...". May be NULL.
 */
typedef void (*gm_wait_cb)(const char *message, void *payload);

/*
 * A change that looks like a rename: in one table a column holding data disappears and a
 * column of a compatible type appears (table NULL: a table holding rows disappears and a
 * table with the same columns appears).
 */
typedef struct gm_rename_question {
	const char *table; /* the columns' table; NULL for a table rename */
	const char *from;  /* the name that disappears (column or table) */
	const char *to;    /* the name that appears */
	const char *type;  /* the new column's type; NULL for a table */
	size_t rows;       /* rows holding data that a drop would lose */
} gm_rename_question;

/*
 * Asks the user whether q is a rename (on a terminal). True: prepare writes a rename
 * instead of drop + add. False: not confirmed, as without a terminal (prepare refuses,
 * unless --allow-drop). May be NULL (no one to ask).
 */
typedef bool (*gm_rename_cb)(const gm_rename_question *q, void *payload);

typedef struct gm_prepare_opts {
	const char *message;    /* -m; NULL = derived from the changes */
	const char *production; /* --production; NULL = cfg->production */
	bool dry_run;           /* plan and verify, write nothing */
	bool no_fixtures;
	bool diff_only;          /* `git migrate diff`: stop after the diff (and plan) */
	bool allow_empty_models; /* models with no table may drop every table */
	gm_progress_cb progress;
	void *payload;   /* for progress, wait and ask_rename */
	bool no_wait;    /* another run holds the worktree lock: fail (GM_ERROR) */
	gm_wait_cb wait; /* else called once before waiting for it */
	/* --allow-drop: "table" or "table.column" whose drop loses data on purpose */
	const char *const *allow_drop;
	size_t allow_drop_nr;
	gm_rename_cb ask_rename; /* NULL: rename-like changes are refused (no terminal) */
	bool no_cache;           /* --no-cache: the snapshot cache is neither read nor saved */
} gm_prepare_opts;

/* clang-format off */
#define GM_PREPARE_OPTS_INIT { NULL, NULL, false, false, false, false, NULL, NULL, false, NULL, NULL, 0, NULL, false }
/* clang-format on */

#define GM_PHASES_MAX 16

typedef struct gm_prepare_result {
	bool no_changes;
	char *path;              /* written revision file (relative to root), NULL when none */
	char *id;                /* the new revision id */
	char *parent;            /* its down_revision ("" for a base) */
	char *up_sql, *down_sql; /* the planned sections */
	char **summary;          /* one line per change */
	size_t summary_nr, summary_alloc;
	char **warnings; /* data loss, rebuilds, enum swaps, unsupported objects */
	size_t warnings_nr, warnings_alloc;
	char **notes; /* how the run went where it differs from the usual */
	size_t notes_nr, notes_alloc;
	size_t replayed;      /* revisions replayed */
	size_t fixture_rows;  /* rows loaded from fixture data files */
	size_t fixture_files; /* fixture files read (data and SQL) */
	struct {
		const char *
			name; /* "read", "cache", "replay", "fixtures", "cache-save", "replay-local",
			       * "inspect", "models", "diff+plan", "verify", "write" */
		double seconds;
	} phases[GM_PHASES_MAX]; /* how long each phase took, in order (for -v and make bench) */
	size_t phases_nr;
	char *cache; /* what the snapshot cache did, for -v ("hit (12 of 12 revisions ...") */
} gm_prepare_result;

/* clang-format off */
#define GM_PREPARE_RESULT_INIT { 0 }
/* clang-format on */

/*
 * Run prepare (or, with opts->diff_only, the diff) for the repository. On success fills
 * *out (release with gm_prepare_result_release). Errors: GM_EINVALID (bad input, with
 * location), GM_EDB, GM_EGIT, GM_ECHECK (the chain is behind production: hint set; the
 * verification on scratch failed; or a rename-like change that neither opts->ask_rename
 * nor opts->allow_drop resolved: a dropped column holding data with a compatible column
 * added in its table, or a dropped table holding rows with a table of the same columns
 * added; its detail names both ways out), GM_EINTERRUPTED, GM_ERROR (opts->no_wait and another
 * run holds the worktree's lock). Prepare (not diff) runs under the worktree's lock,
 * taken before the chains are read: a run that waited for another one chains onto what
 * that one wrote. Nothing is written on failure and every scratch database is dropped.
 * A data-losing change is written (its warning counts the rows; the summary says what the
 * down cannot restore, "down: re-creates table b empty (its 3 rows are not restored)");
 * the rows the down section cannot take back are deleted from the scratch database
 * before it runs (a note names them), so the round trip checks the schema.
 */
int gm_prepare(gm_prepare_result *out, gm_repo *repo, const gm_config *cfg,
	       const gm_prepare_opts *opts);
void gm_prepare_result_release(gm_prepare_result *res);

typedef struct gm_verify_opts {
	const char *production; /* NULL = cfg->production */
	const char *rev;        /* check this git revision; NULL = the worktree */
	bool replay;
	bool no_wait;    /* replay: fail when another run holds the worktree lock */
	gm_wait_cb wait; /* replay: else called once before waiting for it */
	void *payload;   /* for wait */
	bool no_cache;   /* replay: --no-cache (the snapshot cache is neither read nor saved) */
} gm_verify_opts;

/* clang-format off */
#define GM_VERIFY_OPTS_INIT { NULL, NULL, false, false, NULL, NULL, false }
/* clang-format on */

/* Names of the checks, in the order they run: "parse", "graph", "immutable", "chained". */
extern const char *const gm_verify_checks[];

/*
 * Run the checks of DESIGN.md §3.7; problems are appended to *findings (returns 0 even
 * when there are findings). < 0 only when verification could not run (e.g. the
 * production ref does not resolve: GM_ENOTFOUND).
 *
 * With opts->replay, and when the other checks pass, also the replay check: production's
 * chain, then the checked tree's local revisions, on a scratch database; each local
 * revision round-trips (down restores the schema from before it, up again the one after
 * it; a revision without a down section is skipped); the models have no change that no
 * revision covers. Problems are "replay" findings (with file:line when known). Semantic
 * conflicts are "semantic" warnings (findings->warnings, failing nothing): a local
 * revision that changes an object (table, column, index, constraint, enum) which a
 * production revision newer than the branch's fork changed too, both read from the
 * schema delta of their replay. The fork is git's: where the checked commit (HEAD or
 * opts->rev) forked from production for the file of its first local revision
 * (gm_repo_fork_point); production's revisions that the fork commit does not have are
 * the newer ones, and only they and the local revisions are inspected. The replay's
 * own errors: < 0 only when it could not run (database unreachable, interrupted;
 * GM_ERROR with opts->no_wait when another run holds the worktree's lock, which a
 * replaying verify takes before it reads the chains). Every scratch database is dropped.
 */
int gm_verify(gm_findings *findings, gm_repo *repo, const gm_config *cfg,
	      const gm_verify_opts *opts);

typedef struct gm_rebase_opts {
	const char *production; /* NULL = cfg->production */
	bool dry_run;           /* check, write nothing */
	gm_progress_cb progress;
	void *payload;   /* for progress and wait */
	bool no_wait;    /* another run holds the worktree lock: fail (GM_ERROR) */
	gm_wait_cb wait; /* else called once before waiting for it */
	bool no_cache;   /* --no-cache: the snapshot cache is neither read nor saved */
} gm_rebase_opts;

/* clang-format off */
#define GM_REBASE_OPTS_INIT { NULL, false, NULL, NULL, false, NULL, false }
/* clang-format on */

typedef struct gm_rebase_item {
	char *id;   /* a re-chained local revision */
	char *path; /* its file */
	char *from; /* its old down_revision (ids joined with ", "; "" for none) */
	char *onto; /* its new one */
} gm_rebase_item;

typedef struct gm_rebase_result {
	char *id;              /* the first re-chained revision, NULL when nothing to do */
	char *path;            /* its file */
	char *from, *onto;     /* its old parent(s), new parent (production's head) */
	gm_rebase_item *items; /* every re-chained revision, in line order (items[0]: above) */
	size_t items_nr;
	bool linearized; /* several local heads or roots were put in one line */
	size_t local_nr; /* local revisions */
	size_t replayed; /* revisions replayed in the check */
	bool written;    /* the files were rewritten */
} gm_rebase_result;

/*
 * Production moved on since the local revisions were written: re-chain them onto
 * production's head (down_revision lines rewritten in place, atomically), after checking
 * on a scratch database that production's chain and then every local revision apply and
 * round-trip. Local revisions in one line (a → b → c, a's parent an older production
 * revision): only a is re-chained. Several local heads (or roots: revisions that hang off
 * different production revisions): all of them are put in one line (parents first,
 * then by created, then by file name), the first onto production's head and each onto
 * the one before it (out->linearized; out->items says what changed). When they no longer apply,
 * the failing revision and the database's message are "replay" findings and nothing is
 * written. A local revision that changes an object which a production revision newer
 * than its fork (not an ancestor of the older production revision it hung off) changed
 * too is a "semantic" warning (findings->warnings), which does not stop the rebase.
 * Nothing to do (already chained, one head): returns 0 with out->id NULL. Runs under the
 * worktree's lock, as gm_prepare; the files are rewritten only when they still hold what
 * was checked (else GM_ERROR, "changed while rebasing", nothing written), and keep their
 * mode; when one of several cannot be replaced, those rewritten before it are put back.
 * Errors as gm_prepare. Release with gm_rebase_result_release.
 */
int gm_rebase(gm_rebase_result *out, gm_findings *findings, gm_repo *repo, const gm_config *cfg,
	      const gm_rebase_opts *opts);
void gm_rebase_result_release(gm_rebase_result *res);

#endif
