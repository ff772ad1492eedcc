/*
 * SQLite fixture loader: one prepared INSERT reused for every row, inside the caller's
 * transaction. The dialect's begin turns foreign keys off (table rebuilds need that), and
 * its commit checks them all (PRAGMA foreign_key_check) but names no file:line. So a load
 * checks no key itself: a broken one fails the commit, and fixtures.c loads again in the
 * diagnosing mode (load.h), where the loader checks the rows' references to other tables,
 * set-based: every CHECK_BATCH rows (and at the end) one statement per foreign key looks
 * for a broken reference among the rowids the batch inserted. Only when it finds one are
 * the batch's rows checked one by one, in file order, to name the first with its
 * file:line and values (kept for the batch only: memory stays flat in the row count). A
 * later row's error (malformed, refused) first checks the rows before it, so the first
 * error in the file is the one reported. References of a table to itself are left to the
 * commit's check (rows may come in any order within the table).
 *
 * Why not check in the first pass: the commit's check runs anyway, and a second check of
 * every row as it loads cost as much again (on the bench's 100k rows, 0.04 s of a 0.41 s
 * floor); the diagnosing pass costs a second load, on the error path only.
 */
#include <stdbool.h>
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

/* Rows inserted between two set-based checks; a batch's copy of its rows is bounded by it. */
#define CHECK_BATCH 1024
/*
 * A batch is checked by the range of its rowids (lowest to highest) when the range is at
 * most this many times the batch (rowids given in order, or assigned by SQLite); rows of
 * the table in the range that the batch did not insert are checked too, at no harm. A
 * wider spread (ids in random order) is checked rowid by rowid.
 */
#define CHECK_SPREAD 4

/* A prepared check of one foreign key for the rows of a rowid range (?1 to ?2). */
struct fk_check {
	const gm_fkey *fk;
	sqlite3_stmt *stmt;
};

/* The rows inserted since the last check: rowids, and a copy of what a message needs. */
struct batch {
	sqlite3_int64 *rowid;
	int *line;
	size_t *off; /* each row's copy in text: its path, then its values */
	size_t nr;
	sqlite3_int64 lo, hi;
	gm_buf text;
};

/* One load_rows call: the table, its columns, the checks and the batch. */
struct load {
	sqlite3 *db;
	const gm_table *t;
	const char *const *columns;
	size_t ncolumns;
	bool *boolean; /* column i is a boolean column */
	size_t *len;   /* the length of the current row's value i */
	sqlite3_stmt *insert;
	struct fk_check *checks;
	size_t checks_nr;
	struct batch b;
};

static int column_index(const char *const *columns, size_t n, const char *name)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!strcmp(columns[i], name))
			return (int)i;
	return -1;
}

/*
 * SELECT 1 FROM child AS c WHERE c.rowid BETWEEN ?1 AND ?2 AND <cols not null> AND NOT
 * EXISTS (parent) LIMIT 1.
 */
static void fk_check_sql(gm_buf *sql, const gm_table *t, const gm_fkey *fk)
{
	size_t i;

	gm_buf_puts(sql, "SELECT 1 FROM ");
	gm_sql_ident_quoted(sql, t->name);
	gm_buf_puts(sql, " AS c WHERE c.rowid BETWEEN ?1 AND ?2");
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
	gm_buf_puts(sql, ") LIMIT 1");
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
static int boolean_value(bool boolean, const char *v)
{
	if (!boolean)
		return -1;
	if (!strcasecmp(v, "true") || !strcmp(v, "t"))
		return 1;
	if (!strcasecmp(v, "false") || !strcmp(v, "f"))
		return 0;
	return -1;
}

/* "INSERT INTO t (columns) VALUES (?, ...)" into sql; boolean[i] := column i is boolean. */
static void insert_sql(gm_buf *sql, const gm_table *t, const char *const *columns, size_t ncolumns,
		       bool *boolean)
{
	const gm_column *c;
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
		c = gm_table_column(t, columns[i]);
		boolean[i] = c && !strcmp(c->type, "boolean");
	}
	gm_buf_puts(sql, ") VALUES (");
	for (i = 0; i < ncolumns; i++)
		gm_buf_puts(sql, i ? ", ?" : "?");
	gm_buf_puts(sql, ")");
}

/* The foreign-key checks of t into checks (room for t->fkeys_nr); their count. */
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

/* ---- the batch: rows inserted since the last check ---- */

/* Room for CHECK_BATCH rows (only when there are checks to run). */
static void batch_init(struct batch *b)
{
	b->rowid = gm_xcalloc(CHECK_BATCH, sizeof(*b->rowid));
	b->line = gm_xcalloc(CHECK_BATCH, sizeof(*b->line));
	b->off = gm_xcalloc(CHECK_BATCH, sizeof(*b->off));
	gm_buf_init(&b->text);
}

static void batch_release(struct batch *b)
{
	if (!b->rowid)
		return;
	free(b->rowid);
	free(b->line);
	free(b->off);
	gm_buf_release(&b->text);
}

/*
 * Note the row just inserted as rowid. Its copy in b->text: the path and NUL, then each
 * value as 'N' (NULL) or 'V', the text and NUL.
 */
static void batch_add(struct batch *b, const gm_row *row, const size_t *len, size_t n,
		      sqlite3_int64 rowid)
{
	size_t i;

	if (!b->nr) {
		gm_buf_clear(&b->text);
		b->lo = b->hi = rowid;
	}
	b->lo = rowid < b->lo ? rowid : b->lo;
	b->hi = rowid > b->hi ? rowid : b->hi;
	b->rowid[b->nr] = rowid;
	b->line[b->nr] = row->line;
	b->off[b->nr++] = b->text.len;
	gm_buf_put(&b->text, row->path ? row->path : "", strlen(row->path ? row->path : "") + 1);
	for (i = 0; i < n; i++) {
		const char *v = row->values[i];
		if (!v) {
			gm_buf_putc(&b->text, 'N');
			continue;
		}
		gm_buf_putc(&b->text, 'V');
		gm_buf_put(&b->text, v, len[i] + 1);
	}
}

/* Row i of the batch back from its copy; values into vals (room for n). Borrowed from b. */
static void batch_row(gm_row *row, const char **vals, const struct batch *b, size_t i, size_t n)
{
	const char *p = b->text.ptr + b->off[i];
	size_t k;

	row->path = p;
	row->line = b->line[i];
	p += strlen(p) + 1;
	for (k = 0; k < n; k++) {
		if (*p++ == 'N') {
			vals[k] = NULL;
			continue;
		}
		vals[k] = p;
		p += strlen(p) + 1;
	}
	row->values = vals;
}

/*
 * Run every check on the rowids lo to hi: SQLITE_DONE, *hit the first foreign key a row
 * breaks (NULL when none); another SQLite code when a check fails.
 */
static int check_range(struct load *L, sqlite3_int64 lo, sqlite3_int64 hi, const gm_fkey **hit)
{
	size_t i;
	int rc = SQLITE_DONE;

	*hit = NULL;
	for (i = 0; i < L->checks_nr && rc == SQLITE_DONE; i++) {
		sqlite3_stmt *st = L->checks[i].stmt;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, lo);
		sqlite3_bind_int64(st, 2, hi);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*hit = L->checks[i].fk;
			rc = SQLITE_DONE;
			break;
		}
	}
	return rc;
}

/*
 * Check the batch and empty it: 0, or the first of its rows (in file order) that breaks a
 * foreign key, as GM_EINVALID at its file:line. A check SQLite fails is GM_EDB (the
 * interrupt: GM_EINTERRUPTED); with `quiet` (another error is being reported) it is 0.
 */
static int batch_check(struct load *L, bool quiet)
{
	struct batch *b = &L->b;
	const gm_fkey *fk = NULL;
	size_t i = 0;
	int rc = SQLITE_DONE, error = 0;

	if (!L->checks_nr || !b->nr)
		goto done;
	/* Set-based first: one statement per key for the whole batch (the usual case). */
	if ((sqlite3_uint64)(b->hi - b->lo) < (sqlite3_uint64)b->nr * CHECK_SPREAD &&
	    ((rc = check_range(L, b->lo, b->hi, &fk)) != SQLITE_DONE || !fk))
		goto done;
	/* A broken key in the range (or ids spread wide): find the row, in file order. */
	for (i = 0, fk = NULL; i < b->nr && !fk && rc == SQLITE_DONE; i++)
		rc = check_range(L, b->rowid[i], b->rowid[i], &fk);
	if (fk) {
		const char **vals = gm_xcalloc(L->ncolumns + 1, sizeof(*vals));
		gm_row row;
		batch_row(&row, vals, b, i - 1, L->ncolumns);
		error = fk_error(L->db, L->t, &row, L->columns, L->ncolumns, fk);
		free(vals);
	}
	/* Else the broken row is one the batch did not insert: the commit's check names it. */
done:
	b->nr = 0;
	if (rc != SQLITE_DONE && !quiet)
		error = (sqlite3_extended_errcode(L->db) & 0xff) == SQLITE_INTERRUPT
				? gm_interrupt_error()
				: gm_error_set(GM_EDB, "cannot check the foreign keys of '%s': %s",
					       L->t->name, sqlite3_errmsg(L->db));
	return error;
}

/* A later row failed with `error`: an earlier row's broken key comes first, if any. */
static int first_error(struct load *L, int error)
{
	int earlier;

	if (error == GM_EINTERRUPTED)
		return error;
	earlier = batch_check(L, true);
	return earlier < 0 ? earlier : error;
}

/* Bind the row's values and run the INSERT: 0, or the row's error. */
static int insert_row(struct load *L, const gm_row *row)
{
	sqlite3_stmt *insert = L->insert;
	size_t i;
	int rc;

	sqlite3_reset(insert);
	for (i = 0; i < L->ncolumns; i++) {
		const char *v = row->values[i];
		int b;
		if (!v) {
			rc = sqlite3_bind_null(insert, (int)i + 1);
		} else {
			L->len[i] = strlen(v);
			b = boolean_value(L->boolean[i], v);
			rc = b >= 0 ? sqlite3_bind_int(insert, (int)i + 1, b)
				    : sqlite3_bind_text64(insert, (int)i + 1, v, L->len[i],
							  SQLITE_STATIC, SQLITE_UTF8);
		}
		if (rc != SQLITE_OK)
			return row_error(L->db, L->t, row, L->columns, L->ncolumns, NULL);
	}
	if (sqlite3_step(insert) != SQLITE_DONE)
		return row_error(L->db, L->t, row, L->columns, L->ncolumns, NULL);
	return 0;
}

int gm_sqlite_load_rows(gm_conn *conn, const gm_table *t, const char *const *columns,
			size_t ncolumns, gm_row_next_fn next, void *payload)
{
	struct load L = { 0 };
	gm_buf sql = GM_BUF_INIT;
	gm_row row;
	size_t i;
	int error = 0;

	GM_ASSERT_ARG(conn && t && next && (columns || !ncolumns));
	L.db = gm_sqlite_db(conn);
	L.t = t;
	L.columns = columns;
	L.ncolumns = ncolumns;
	L.boolean = gm_xcalloc(ncolumns ? ncolumns : 1, sizeof(*L.boolean));
	L.len = gm_xcalloc(ncolumns ? ncolumns : 1, sizeof(*L.len));
	insert_sql(&sql, t, columns, ncolumns, L.boolean);
	if (sqlite3_prepare_v2(L.db, sql.ptr, -1, &L.insert, NULL) != SQLITE_OK) {
		error = gm_error_set(GM_EDB, "cannot load rows into '%s': %s", t->name,
				     sqlite3_errmsg(L.db));
		goto done;
	}
	L.checks = gm_xcalloc(t->fkeys_nr ? t->fkeys_nr : 1, sizeof(*L.checks));
	if (gm_load_diagnose() && (L.checks_nr = prepare_fk_checks(L.checks, L.db, t, &sql)))
		batch_init(&L.b);

	for (;;) {
		memset(&row, 0, sizeof(row));
		if ((error = next(&row, payload)) < 0) {
			error = error == GM_ITEROVER ? batch_check(&L, false)
						     : first_error(&L, error);
			goto done;
		}
		if ((error = insert_row(&L, &row)) < 0) {
			error = first_error(&L, error);
			goto done;
		}
		if (!L.checks_nr)
			continue;
		batch_add(&L.b, &row, L.len, ncolumns, sqlite3_last_insert_rowid(L.db));
		if (L.b.nr == CHECK_BATCH && (error = batch_check(&L, false)) < 0)
			goto done;
	}
done:
	for (i = 0; i < L.checks_nr; i++)
		sqlite3_finalize(L.checks[i].stmt);
	free(L.checks);
	batch_release(&L.b);
	sqlite3_finalize(L.insert);
	free(L.len);
	free(L.boolean);
	gm_buf_release(&sql);
	return error;
}
