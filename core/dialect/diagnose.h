/*
 * Data diagnosis: why a change list cannot apply to the rows in a database, in the user's
 * terms (which table and column, which values, how many rows), and row counts for
 * warnings. The SQL is portable (SQLite and PostgreSQL), so it lives here once.
 */
#ifndef GM_DIALECT_DIAGNOSE_H
#define GM_DIALECT_DIAGNOSE_H
#include <stddef.h>
#include "git-migrate/buf.h"
#include "git-migrate/db.h"
#include "git-migrate/diff.h"

/*
 * For each change of `changes` that the rows in conn break (NOT NULL without a default on
 * a table with rows, NULLs in a column becoming NOT NULL, enum labels removed that rows
 * hold, duplicates under a new unique key, rows failing a new check, rows referencing
 * missing rows under a new foreign key), append one line to `out` and advice to `hint`.
 * The database must be in the state before the changes. Returns the number of problems
 * found (0 when the data is not the cause), < 0 when a query failed.
 */
int gm_diagnose(gm_buf *out, gm_buf *hint, gm_conn *conn, const gm_changes *changes);

/* Rows of a table (column NULL), or its rows where column is not NULL. */
int gm_count_rows(size_t *out, gm_conn *conn, const char *table, const char *column);

/*
 * Rows of each of the n tables into out[0..n), in one query per 200 tables (a round trip
 * per table costs more than most counts); (size_t)-1 where a table cannot be counted.
 * Never fails: errors are cleared.
 */
void gm_count_rows_many(size_t *out, gm_conn *conn, char *const *tables, size_t n);

/* Delete every row of a table (a scratch database's, for prepare's round trip). GM_EDB. */
int gm_delete_rows(gm_conn *conn, const char *table);

#endif
