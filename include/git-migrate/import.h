/* `git migrate import alembic`: an Alembic / Flask-Migrate history as revision files. */
#ifndef GM_IMPORT_H
#define GM_IMPORT_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/config.h"
#include "git-migrate/repo.h"

typedef struct gm_import_opts {
	const char *from;    /* the Alembic directory (env.py, versions/), relative to the
			      * repository root; NULL: "migrations" (Flask-Migrate's) */
	const char *command; /* shell command that takes Alembic's subcommands (`upgrade
			      * --sql heads`), run in the repository root; NULL: detected */
	/* One line of progress ("running ...", "imported <id> <message>"); may be NULL. */
	void (*progress)(const char *line, void *payload);
	void *payload;
} gm_import_opts;

typedef struct gm_import_result {
	char *command; /* the command that ran Alembic ("flask db", or --command's) */
	char **paths;  /* the files written, relative to the repository root */
	size_t paths_nr;
	char **heads; /* the imported history's heads, sorted */
	size_t heads_nr;
	size_t irreversible;   /* revisions imported without a down section */
	size_t no_transaction; /* revisions written with "-- transaction: false" */
} gm_import_result;

/* clang-format off */
#define GM_IMPORT_RESULT_INIT { NULL, NULL, 0, NULL, 0, 0, 0 }
/* clang-format on */

/* Free what a result holds; it is GM_IMPORT_RESULT_INIT again. */
void gm_import_result_release(gm_import_result *res);

/*
 * Convert the Alembic history of opts->from into revision files in cfg->migrations: each
 * with the Alembic revision's id, parent(s) and docstring's first line, its up and down
 * sections from Alembic's offline mode (`<command> upgrade --sql heads`, `<command>
 * downgrade --sql heads:base`, cut at Alembic's "-- Running" markers; see
 * core/import_alembic.c), without the alembic_version statements; an autocommit block
 * makes the revision `transaction: false`; an empty downgrade (of a revision whose
 * upgrade is not empty) or one that fails leaves it without a down section (a warning
 * names the failure). The command is Flask-Migrate's `flask db` when env.py uses
 * flask_migrate or current_app, else `alembic -c <alembic.ini>`. Files are written at
 * the end, each atomically, and only when every revision converted. Fills *out (caller
 * releases). Errors: GM_ENOTFOUND (no versions directory, env.py or alembic.ini),
 * GM_EINVALID (a revision file Alembic's way of writing it does not match; SQL for
 * another dialect than the target database's), GM_EEXISTS (a revision with that id, or
 * the file, exists: nothing written), GM_ERROR (the command failed: the message names
 * it, the detail holds its stderr's tail).
 */
int gm_import_alembic(gm_import_result *out, gm_repo *repo, const gm_config *cfg,
		      const gm_import_opts *opts);

#endif
