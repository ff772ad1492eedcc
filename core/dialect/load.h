/*
 * Fixture loaders of the dialects: the gm_dialect.load_rows slot (see db_int.h for the
 * contract). sqlite_load.c and postgres_load.c; load.c holds what both share.
 */
#ifndef GM_DIALECT_LOAD_H
#define GM_DIALECT_LOAD_H
#include "git-migrate/buf.h"
#include "git-migrate/db.h"
#include "db_int.h"

/* sqlite_load.c: one prepared INSERT reused; foreign keys checked per row. */
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

#endif
