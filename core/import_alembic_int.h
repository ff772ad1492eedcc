/*
 * `import alembic` inside core: reading Alembic revision files (import_alembic_parse.c)
 * and cutting Alembic's offline SQL into each revision's own, cleaned up
 * (import_alembic_sql.c). Pure functions: no files, no processes.
 */
#ifndef GM_CORE_IMPORT_ALEMBIC_INT_H
#define GM_CORE_IMPORT_ALEMBIC_INT_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/buf.h"
#include "git-migrate/revision.h"

/*
 * Read an Alembic revision file (text, NUL-terminated; path for messages) as a
 * gm_revision with no sections yet (up and down not present; transaction true): the
 * top-level assignments `revision = '<id>'` and `down_revision = None | '<id>' |
 * ('<id>', '<id>')` (a list works too, over several lines; a type annotation before '='
 * is allowed) and the docstring's first non-blank line as the message (NULL without
 * one); path is copied into it. Caller owns *out (gm_revision_free). GM_ENOTFOUND when
 * there is no `revision` assignment; GM_EINVALID at path:line for a value that is not a
 * literal of those shapes, an id that git-migrate cannot take (1-64 of [A-Za-z0-9_-]),
 * or more than two parents.
 */
int gm_alembic_parse(gm_revision **out, const char *path, const char *text);

/* One revision's part of an offline run's output. */
typedef struct gm_alembic_block {
	char *id;  /* the revision the block runs */
	char *sql; /* the raw text between its marker and the next */
} gm_alembic_block;

typedef struct gm_alembic_blocks {
	gm_alembic_block *v;
	size_t nr, alloc;
} gm_alembic_blocks;

void gm_alembic_blocks_release(gm_alembic_blocks *b);

/*
 * Cut the standard output of `alembic upgrade --sql` (upgrade true) or `alembic
 * downgrade --sql` at Alembic's marker lines, "-- Running upgrade <parents> -> <id>" and
 * "-- Running downgrade <id> -> <parents>": one block per marker, for the revision it
 * runs, holding the text up to the next marker. What comes before the first marker (the
 * run's BEGIN, the version table's CREATE TABLE) is dropped. Appends to out; a marker
 * whose id is missing is GM_EINVALID.
 */
int gm_alembic_split(gm_alembic_blocks *out, const char *output, bool upgrade);

/*
 * Clean one block: drop the statements on Alembic's version table `version_table`
 * (CREATE/DROP TABLE, INSERT, UPDATE, DELETE; any schema, quoted or not) and every
 * BEGIN/COMMIT; append the rest to out, each statement ending with ";" and a blank line
 * between them. *no_transaction is set when a COMMIT is followed, after some statement
 * of the revision's own, by a BEGIN: Alembic's autocommit_block around statements that
 * cannot run in a transaction (a COMMIT and BEGIN side by side are the run's, between
 * two revisions, and mean nothing). Returns the number of statements appended.
 */
size_t gm_alembic_clean(gm_buf *out, bool *no_transaction, const char *block,
			const char *version_table);

/*
 * The command that runs Alembic (import_alembic_run.c): "<prefix> <subcommand><extra>
 * --sql <target>" by /bin/sh in directory dir.
 */
typedef struct gm_alembic_cmd {
	char *prefix; /* "flask db", "alembic -c alembic.ini", or the user's --command */
	char *extra;  /* after the subcommand: " --directory <from>" for flask db, else "" */
	char *dir;    /* absolute: where it runs */
} gm_alembic_cmd;

void gm_alembic_cmd_release(gm_alembic_cmd *c);

/*
 * The command for the Alembic directory `from` (relative to cfg->root): `command` (run in
 * the root) when not NULL; else `flask db` (in the root, with --directory) when
 * from/env.py mentions flask_migrate or current_app, else `alembic -c alembic.ini` run
 * where that file is: in `from`, else in its parent. GM_ENOTFOUND naming the missing
 * env.py or alembic.ini (nothing was run). Caller releases *out.
 */
int gm_alembic_cmd_detect(gm_alembic_cmd *out, const char *root, const char *from,
			  const char *command);

/* The command line "<prefix> <sub><extra> --sql <target>", appended to line. */
void gm_alembic_cmd_line(gm_buf *line, const gm_alembic_cmd *c, const char *sub,
			 const char *target);

/*
 * Run a command line of gm_alembic_cmd_line in c->dir: its stdout is appended to out,
 * its stderr to err. GM_ERROR when it does not exit 0: "'<line>' (in '<dir>') failed
 * with exit status N", the detail the tail of its stderr; or run.h's errors.
 */
int gm_alembic_cmd_run(gm_buf *out, gm_buf *err, const gm_alembic_cmd *c, const char *line);

/*
 * The dialect Alembic's offline run wrote SQL for, read from its log on stderr ("Context
 * impl PostgresqlImpl."): "postgres", "sqlite", another impl's name in lower case, or
 * NULL when the log does not say (a logging config that hides INFO). Caller frees.
 */
char *gm_alembic_dialect(const char *err);

#endif
