/*
 * Fixtures (DESIGN.md §3.4): rows loaded into a database so that revisions are tested
 * against realistic data. A fixtures directory holds
 *
 *   *.yml, *.yaml   a mapping of table → list of rows, each a mapping column → value;
 *                   one or many tables a file. `~`/`null`/an empty plain value is NULL;
 *                   quoted values are kept exactly ('~' is the string "~").
 *   *.csv           the file name is the table, the header row names the columns
 *                   (RFC 4180: quoted fields may hold commas, quotes as "" and newlines;
 *                   LF or CRLF). An empty unquoted field is NULL, "" is the empty string.
 *   *.sql           executed as is, after the data files, in file name order.
 *
 * Tables are filled in foreign-key order across all files (parents first; a file's rows
 * are loaded when its table's turn comes; ties and cycles in name order). Loading
 * streams: a row at a time from the file (and from git objects) to the database, so
 * memory does not grow with the number of rows. Other files are ignored.
 */
#ifndef GM_FIXTURES_H
#define GM_FIXTURES_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/config.h"
#include "git-migrate/db.h"
#include "git-migrate/repo.h"
#include "git-migrate/schema.h"

/* Rows loaded into one table: from the data files, plus the rows the SQL files added. */
typedef struct gm_fixture_count {
	char *table;
	size_t rows;
} gm_fixture_count;

typedef struct gm_fixtures_report {
	gm_fixture_count *v; /* tables with fixture rows: data files in load order, then
	                           * tables the SQL files added rows to */
	size_t nr, alloc;
	size_t rows;                     /* all rows loaded: data files, and rows SQL files added */
	size_t files;                    /* data files (YAML, CSV) read */
	size_t sql_files;                /* SQL files executed */
	bool exists;                     /* the fixtures directory exists */
	char tree_oid[GM_OID_HEXSZ + 1]; /* its git tree id when read from a commit, else "" */
} gm_fixtures_report;

/* clang-format off */
#define GM_FIXTURES_REPORT_INIT { NULL, 0, 0, 0, 0, 0, false, "" }
/* clang-format on */

/* Free the contents; NULL-safe; the report is GM_FIXTURES_REPORT_INIT again. */
void gm_fixtures_report_release(gm_fixtures_report *report);

/*
 * `git migrate loaddata`: load fixtures directory `dir` (relative to the repository root;
 * NULL = cfg->fixtures) read from the worktree, or from git revision `rev` when not NULL,
 * into the target database cfg->database, in one transaction. The tables must exist there
 * (every missing one is named; nothing is loaded). A SQLite target file that does not
 * exist is GM_ENOTFOUND (it is not created). Otherwise one transaction: nothing is loaded
 * on failure.
 */
int gm_fixtures_loaddata(gm_fixtures_report *out, gm_repo *repo, const gm_config *cfg,
			 const char *dir, const char *rev,
			 void (*progress)(const char *what, size_t done, size_t total,
					  void *payload),
			 void *payload);

#endif
