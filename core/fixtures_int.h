/*
 * Internals of the fixture loaders: the loader shared by fixtures.c (listing, foreign-key
 * order, the load), fixtures_yaml.c and fixtures_csv.c; and the core-only entry points.
 */
#ifndef GM_CORE_FIXTURES_INT_H
#define GM_CORE_FIXTURES_INT_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/fixtures.h"
#include "db_int.h"
#include "schema_int.h"
#include "repo_int.h"
#include "util/bounded.h"

typedef struct gm_fixtures_opts {
	const char *dir;    /* the fixtures directory, relative to the repository root */
	const char *commit; /* read it from this commit (id or revspec); NULL = worktree */
	/* Progress ("loading fixtures", rows done, 0): a gm_progress_cb. May be NULL. */
	void (*progress)(const char *what, size_t done, size_t total, void *payload);
	void *payload;
} gm_fixtures_opts;

/* clang-format off */
#define GM_FIXTURES_OPTS_INIT { NULL, NULL, NULL, NULL }
/* clang-format on */

/*
 * Load the fixtures directory into `conn`, whose inspected schema is `schema` (used for
 * the foreign-key order and to check table and column names), in one transaction (the
 * dialect's begin/commit; rolled back on any failure: nothing is loaded). The directory
 * is read through the tree of opts->commit or of the worktree (core/repo_int.h: its
 * rules on dotfiles and symlinks), and every file is streamed. A missing directory is
 * not an error: out->exists is false and nothing is loaded. Fills *out
 * (GM_FIXTURES_REPORT_INIT; release with gm_fixtures_report_release).
 *
 * Errors: GM_EINVALID at file:line:col for malformed YAML or CSV, a table or column that
 * does not exist (hint: the closest name; every missing table is named), and a row the
 * database refuses (file:line of the row, the table, the database's message; the row's
 * values as detail on SQLite); GM_EDB for SQL files and database failures; GM_EGIT;
 * GM_EINTERRUPTED. A failed load may be loaded a second time, diagnosing (dialect/load.h),
 * to name the first broken row: the error path only.
 */
int gm_fixtures_load(gm_fixtures_report *out, gm_repo *repo, gm_conn *conn, const gm_schema *schema,
		     const gm_fixtures_opts *opts);

/* Rows loaded into `table` (data files and SQL files; 0 when none). */
size_t gm_fixtures_rows(const gm_fixtures_report *report, const char *table);

/* ---- the loader, shared by fixtures.c, fixtures_yaml.c and fixtures_csv.c ---- */

enum gm_fx_kind {
	KIND_YAML,
	KIND_CSV,
	KIND_SQL
};

struct source {
	enum gm_fx_kind kind;
	gm_file file;            /* name, path (relative to the root), oid, len */
	const gm_table **tables; /* tables it holds (CSV: one) */
	size_t tables_nr, tables_alloc;
	char **csv_columns; /* CSV: the header (read by the load) */
	size_t csv_columns_nr;
};

/* A name the database does not have, for the error listing them all. */
struct unknown {
	char *name;
	char *path;
	int line, col;
};

struct loader {
	gm_repo *repo;
	gm_tree *tree; /* the commit's or the worktree's */
	gm_conn *conn;
	const gm_schema *schema;
	const gm_fixtures_opts *opts;
	gm_fixtures_report *out;
	char *dir; /* cleaned, relative to the root */
	struct source *src;
	size_t src_nr, src_alloc;
	struct unknown *unknown;
	size_t unknown_nr, unknown_alloc;
	int (*load_rows)(gm_conn *, const gm_table *, const char *const *, size_t, gm_row_next_fn,
			 void *);
	size_t rows_done;
	bool diagnosing; /* the second pass after a failure (dialect/load.h): no progress */
};

/* "table 'deals' has no column 'x'" at path:line:col, with a hint; GM_EINVALID. */
int gm_fx_unknown_column(const gm_table *t, const char *name, const char *path, int line, int col);
/* Note a table name the database does not have (once per name). */
void gm_fx_add_unknown(struct loader *L, const char *name, const char *path, int line, int col);
/* Note that src holds rows of t. */
void gm_fx_add_table(struct source *src, const gm_table *t);
/* Count a row loaded into t (and report progress). */
void gm_fx_count_row(struct loader *L, const gm_table *t);
/* List t in the report even when it gets no rows (a file with zero rows). */
void gm_fx_count_table(struct loader *L, const gm_table *t);

/* YAML files (fixtures_yaml.c): check names and note tables; load table t's rows. */
int gm_fx_scan_yaml(struct loader *L, struct source *src);
int gm_fx_load_yaml(struct loader *L, struct source *src, const gm_table *t);

/* CSV files (fixtures_csv.c): note the table (from the file name); check the header and
 * load the rows (one pass over the file). */
int gm_fx_scan_csv(struct loader *L, struct source *src);
int gm_fx_load_csv(struct loader *L, struct source *src, const gm_table *t);

/* ---- the CSV reader ---- */

/* A streaming RFC 4180 CSV reader: one record at a time, memory bounded by the record. */
typedef struct gm_csv gm_csv;

typedef struct gm_csv_record {
	const char *const *fields; /* NULL for an empty unquoted field; "" for "" */
	const int *cols;           /* 1-based column where each field starts */
	size_t nr;
	int line; /* 1-based line where the record starts */
} gm_csv_record;

/* Open a reader; `path` names the input in messages. Caller owns *out (gm_csv_free). */
void gm_csv_open(gm_csv **out, const char *path, gm_read_fn read, void *payload);

/*
 * The next record into *rec (borrowed until the next call). Fields are separated by ',',
 * records by LF, CRLF or CR; a field in double quotes may hold commas, newlines and ""
 * (one quote). A UTF-8 byte order mark at the start and blank lines are skipped.
 * Returns 0, GM_ITEROVER at the end, GM_EINVALID at path:line:col for an unterminated
 * quote, text after a closing quote, a quote inside an unquoted field or a NUL byte.
 */
int gm_csv_next(gm_csv *c, gm_csv_record *rec);
void gm_csv_free(gm_csv *c); /* NULL-safe */

/*
 * The replay session's call (core/replay.c): cfg->fixtures from `production_oid`
 * (fixtures_from: production) or from the worktree (fixtures_from: worktree). Same
 * contract as gm_fixtures_load: one transaction, nothing loaded on failure, a missing
 * directory loads nothing.
 */
int gm_fixtures_load_config(gm_fixtures_report *out, gm_repo *repo, const gm_config *cfg,
			    const char *production_oid, gm_conn *conn, const gm_schema *schema,
			    void (*progress)(const char *what, size_t done, size_t total,
					     void *payload),
			    void *payload);

#endif
