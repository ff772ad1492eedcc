/*
 * Fixture loaders of the dialects: the gm_dialect.load_rows slot (see db_int.h for the
 * contract). sqlite_load.c and postgres_load.c; load.c holds what both share.
 */
#ifndef GM_DIALECT_LOAD_H
#define GM_DIALECT_LOAD_H
#include <stdbool.h>
#include "git-migrate/buf.h"
#include "git-migrate/db.h"
#include "db_int.h"

/* sqlite_load.c: one prepared INSERT reused; foreign keys left to the commit's check, or
 * (diagnosing) checked a batch of rows at a time and the first broken row named. */
int gm_sqlite_load_rows(gm_conn *conn, const gm_table *t, const char *const *columns,
			size_t ncolumns, gm_row_next_fn next, void *payload);

/* postgres_load.c: COPY ... FROM STDIN (text format), in batches of rows. */
int gm_pg_load_rows(gm_conn *conn, const gm_table *t, const char *const *columns, size_t ncolumns,
		    gm_row_next_fn next, void *payload);

/*
 * load.c: the values of a row for an error's detail: "col = 'value'" lines, long values
 * cut. Appends to out.
 */
void gm_load_row_detail(gm_buf *out, const char *const *columns, size_t ncolumns,
			const char *const *values);

/*
 * load.c: the loaders' diagnosing mode, process-wide (the tool is single-threaded), off
 * by default. Off, SQLite's loader checks no foreign key: the commit's foreign_key_check
 * finds a broken row, but cannot name its file:line. On, it checks every row's references
 * to other tables as it loads (a batch of rows at a time) and names the first broken row
 * by its file:line, before any later row's error; PostgreSQL's loader makes deferred
 * constraints immediate, so that they are checked with the COPY that loads the row.
 * fixtures.c loads again in this mode when a load fails (gm_load_rerun).
 */
void gm_load_set_diagnose(bool on);
bool gm_load_diagnose(void);

/*
 * Whether a load on `conn` that failed with `error` (at its commit when `at_commit`) is
 * worth loading again diagnosing: on SQLite any row or database error (the first pass
 * checked no key: a broken key may come before the reported error, or be it); on
 * PostgreSQL a failed commit (a deferred constraint). Never for an interrupt.
 */
bool gm_load_rerun(const gm_conn *conn, int error, bool at_commit);

#endif
