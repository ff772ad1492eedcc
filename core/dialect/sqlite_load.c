/*
 * SQLite fixture loader: one prepared INSERT reused for every row, inside the caller's
 * transaction. The dialect's begin turns foreign keys off (table rebuilds need that), so
 * each row's references to other tables are checked right after its INSERT: a missing
 * parent row is named with the row's file:line instead of only at commit. References of
 * a table to itself are left to the commit's foreign_key_check (rows may come in any
 * order within the table).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sqlite3.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/db.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "dialect/load.h"
#include "dialect/sql.h"
#include "dialect/sqlite.h"
#include "db_int.h"
#include "schema_int.h"
#include "interrupt.h"
#include "util/banned.h"

/* A prepared check of one foreign key for the row just inserted (by rowid). */
struct fk_check {
	const gm_fkey *fk;
	sqlite3_stmt *stmt;
};

static int column_index(const char *const *columns, size_t n, const char *name)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!strcmp(columns[i], name))
			return (int)i;
	return -1;
}

/* SELECT 1 FROM child AS c WHERE c.rowid = ?1 AND <cols not null> AND NOT EXISTS (parent). */
static void fk_check_sql(gm_buf *sql, const gm_table *t, const gm_fkey *fk)
{
	size_t i;

	gm_buf_puts(sql, "SELECT 1 FROM ");
	gm_sql_ident_quoted(sql, t->name);
	gm_buf_puts(sql, " AS c WHERE c.rowid = ?1");
	for (i = 0; i < fk->columns_nr; i++) {
		gm_buf_puts(sql, " AND c.");
		gm_sql_ident_quoted(sql, fk->columns[i]);
		gm_buf_puts(sql, " IS NOT NULL");
	}
	gm_buf_puts(sql, " AND NOT EXISTS (SELECT 1 FROM ");
	gm_sql_ident_quoted(sql, fk->ref_table);
	gm_buf_puts(sql, " AS p WHERE ");
	for (i = 0; i < fk->columns_nr && i < fk->ref_columns_nr; i++) {
		if (i)
			gm_buf_puts(sql, " AND ");
		gm_buf_puts(sql, "p.");
		gm_sql_ident_quoted(sql, fk->ref_columns[i]);
		gm_buf_puts(sql, " = c.");
		gm_sql_ident_quoted(sql, fk->columns[i]);
	}
	gm_buf_puts(sql, ")");
}

/* A row refused: GM_EINVALID (GM_EINTERRUPTED for an interrupt) at the row's place. */
static int row_error(sqlite3 *db, const gm_table *t, const gm_row *row, const char *const *columns,
		     size_t n, const char *message)
{
	gm_buf detail = GM_BUF_INIT;

	if ((sqlite3_extended_errcode(db) & 0xff) == SQLITE_INTERRUPT && !message)
		return gm_interrupt_error();
	gm_error_set_at(GM_EINVALID, row->path, row->line, 0, "table '%s': %s", t->name,
			message ? message : sqlite3_errmsg(db));
	gm_load_row_detail(&detail, columns, n, row->values);
	gm_error_detail("%s", detail.ptr);
	gm_buf_release(&detail);
	return GM_EINVALID;
}

/* The row inserted as rowid breaks a foreign key: say which, with the values. */
static int fk_error(sqlite3 *db, const gm_table *t, const gm_row *row, const char *const *columns,
		    size_t n, const gm_fkey *fk)
{
	gm_buf msg = GM_BUF_INIT;
	size_t i;
	int error;

	gm_buf_printf(&msg, "FOREIGN KEY constraint failed: (");
	for (i = 0; i < fk->columns_nr; i++)
		gm_buf_printf(&msg, "%s%s", i ? ", " : "", fk->columns[i]);
	gm_buf_puts(&msg, ")=(");
	for (i = 0; i < fk->columns_nr; i++) {
		int k = column_index(columns, n, fk->columns[i]);
		gm_buf_printf(&msg, "%s%s", i ? ", " : "",
			      k >= 0 && row->values[k] ? row->values[k] : "default");
	}
	gm_buf_printf(&msg, ") is not present in table '%s'", fk->ref_table);
	error = row_error(db, t, row, columns, n, msg.ptr);
	gm_buf_release(&msg);
	return error;
}

/* "true"/"false" (any case) for a boolean column: bound as 1/0, as SQLite spells them. */
static int boolean_value(const gm_column *c, const char *v)
{
	if (!c || !v || strcmp(c->type, "boolean"))
		return -1;
	if (!strcasecmp(v, "true") || !strcmp(v, "t"))
		return 1;
	if (!strcasecmp(v, "false") || !strcmp(v, "f"))
		return 0;
	return -1;
}

/* "INSERT INTO t (columns) VALUES (?, ...)" into sql; cols[i] := the columns' models. */
static void insert_sql(gm_buf *sql, const gm_table *t, const char *const *columns, size_t ncolumns,
		       const gm_column **cols)
{
	size_t i;

	gm_buf_puts(sql, "INSERT INTO ");
	gm_sql_ident_quoted(sql, t->name);
	if (!ncolumns) {
		gm_buf_puts(sql, " DEFAULT VALUES");
		return;
	}
	gm_buf_puts(sql, " (");
	for (i = 0; i < ncolumns; i++) {
		if (i)
			gm_buf_puts(sql, ", ");
		gm_sql_ident_quoted(sql, columns[i]);
		cols[i] = gm_table_column(t, columns[i]);
	}
	gm_buf_puts(sql, ") VALUES (");
	for (i = 0; i < ncolumns; i++)
		gm_buf_puts(sql, i ? ", ?" : "?");
	gm_buf_puts(sql, ")");
}

/* The per-row foreign-key checks of t into checks (room for t->fkeys_nr); their count. */
static size_t prepare_fk_checks(struct fk_check *checks, sqlite3 *db, const gm_table *t,
				gm_buf *sql)
{
	size_t i, n = 0;

	for (i = 0; i < t->fkeys_nr; i++) {
		const gm_fkey *fk = t->fkeys[i];
		sqlite3_stmt *stmt = NULL;
		if (!strcmp(fk->ref_table, t->name) || !fk->columns_nr ||
		    fk->columns_nr != fk->ref_columns_nr)
			continue;
		gm_buf_clear(sql);
		fk_check_sql(sql, t, fk);
		/* A WITHOUT ROWID table cannot be checked by rowid: the commit's check covers it. */
		if (sqlite3_prepare_v2(db, sql->ptr, -1, &stmt, NULL) != SQLITE_OK)
			continue;
		checks[n].fk = fk;
		checks[n++].stmt = stmt;
	}
	return n;
}

int gm_sqlite_load_rows(gm_conn *conn, const gm_table *t, const char *const *columns,
			size_t ncolumns, gm_row_next_fn next, void *payload)
{
	sqlite3 *db = gm_sqlite_db(conn);
	sqlite3_stmt *insert = NULL;
	struct fk_check *checks = NULL;
	const gm_column **cols = NULL;
	size_t i, checks_nr = 0;
	gm_buf sql = GM_BUF_INIT;
	gm_row row;
	int rc, error = 0;

	GM_ASSERT_ARG(conn && t && next && (columns || !ncolumns));
	cols = gm_xcalloc(ncolumns ? ncolumns : 1, sizeof(*cols));
	insert_sql(&sql, t, columns, ncolumns, cols);
	if (sqlite3_prepare_v2(db, sql.ptr, -1, &insert, NULL) != SQLITE_OK) {
		error = gm_error_set(GM_EDB, "cannot load rows into '%s': %s", t->name,
				     sqlite3_errmsg(db));
		goto done;
	}

	checks = gm_xcalloc(t->fkeys_nr ? t->fkeys_nr : 1, sizeof(*checks));
	checks_nr = prepare_fk_checks(checks, db, t, &sql);

	for (;;) {
		memset(&row, 0, sizeof(row));
		if ((error = next(&row, payload)) < 0) {
			if (error == GM_ITEROVER)
				error = 0;
			goto done;
		}
		sqlite3_reset(insert);
		for (i = 0; i < ncolumns; i++) {
			const char *v = row.values[i];
			int b = boolean_value(cols[i], v);
			if (!v)
				rc = sqlite3_bind_null(insert, (int)i + 1);
			else if (b >= 0)
				rc = sqlite3_bind_int(insert, (int)i + 1, b);
			else
				rc = sqlite3_bind_text(insert, (int)i + 1, v, -1, SQLITE_STATIC);
			if (rc != SQLITE_OK) {
				error = row_error(db, t, &row, columns, ncolumns, NULL);
				goto done;
			}
		}
		if (sqlite3_step(insert) != SQLITE_DONE) {
			error = row_error(db, t, &row, columns, ncolumns, NULL);
			goto done;
		}
		for (i = 0; i < checks_nr; i++) {
			sqlite3_stmt *st = checks[i].stmt;
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, sqlite3_last_insert_rowid(db));
			rc = sqlite3_step(st);
			if (rc == SQLITE_ROW) {
				error = fk_error(db, t, &row, columns, ncolumns, checks[i].fk);
				goto done;
			}
			if (rc != SQLITE_DONE) {
				error = row_error(db, t, &row, columns, ncolumns, NULL);
				goto done;
			}
		}
	}
done:
	if (checks)
		for (i = 0; i < checks_nr; i++)
			sqlite3_finalize(checks[i].stmt);
	free(checks);
	sqlite3_finalize(insert);
	free(cols);
	gm_buf_release(&sql);
	return error;
}
