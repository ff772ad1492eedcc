/*
 * PostgreSQL fixture loader: COPY "t" (cols) FROM STDIN in text format, rows streamed
 * with PQputCopyData, inside the caller's transaction. Rows go in batches of BATCH rows,
 * one COPY each, so that the file line of every row of the running batch is known: a
 * COPY error's CONTEXT ("COPY deals, line 3, column amount: ...") is mapped back to the
 * fixture's file:line with a memory cost bounded by the batch, not the row count.
 * Foreign keys are checked at the end of each COPY statement, so rows of one table may
 * reference each other within a batch; the server's error then names no COPY line, only
 * the key ("Key (contact_id)=(99) is not present in table ..."), so the batch also keeps
 * each row's foreign-key values (bounded by the batch) to find the first row with that
 * key. A later row's error (a malformed row) first ends the running COPY, so that an
 * earlier row's broken key is the error reported, as on SQLite. Diagnosing (load.h, after
 * a failed commit), deferred constraints are made immediate.
 */
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/db.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "dialect/load.h"
#include "dialect/postgres.h"
#include "dialect/sql.h"
#include "db_int.h"
#include "interrupt.h"
#include "util/banned.h"

#define BATCH 10000

/* A foreign key of the table whose columns are all loaded: their indexes in the columns. */
struct fk_cols {
	const gm_fkey *fk;
	size_t *idx;
	char *prefix; /* "Key (a, b)=(" */
};

struct copy {
	struct gm_pg_conn *c;
	const gm_table *t;
	char *sql;  /* the COPY statement */
	int *lines; /* file line of each row of the running batch */
	size_t nr;  /* rows in the running batch */
	char *path; /* the file of the batch's rows */
	bool open;  /* a COPY is in progress */
	struct fk_cols *fks;
	size_t fks_nr;
	size_t *key_off; /* each row's "Key (cols)=(values)" lines in keys, one per key */
	gm_buf keys;
};

static int conn_error(struct copy *cp, const char *what)
{
	gm_buf msg = GM_BUF_INIT;
	gm_pg_one_line(&msg, PQerrorMessage(cp->c->pg));
	gm_error_set(GM_EDB, "%s '%s': %s", what, cp->t->name, msg.ptr);
	gm_buf_release(&msg);
	return GM_EDB;
}

static int copy_begin(struct copy *cp)
{
	PGresult *res = PQexec(cp->c->pg, cp->sql);
	int error = 0;

	if (PQresultStatus(res) != PGRES_COPY_IN) {
		const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		gm_buf msg = GM_BUF_INIT;
		gm_pg_one_line(&msg, primary ? primary : PQerrorMessage(cp->c->pg));
		error = gm_error_set(GM_EDB, "cannot load rows into '%s': %s", cp->t->name,
				     msg.ptr);
		gm_buf_release(&msg);
	} else {
		cp->open = true;
		cp->nr = 0;
	}
	PQclear(res);
	return error;
}

/* The line number of the COPY data and the column, from "COPY t, line N, column c: ...". */
static void parse_context(const char *context, long *line, gm_buf *column)
{
	const char *p = context ? strstr(context, ", line ") : NULL;
	char *end;

	*line = 0;
	if (!p)
		return;
	*line = strtol(p + 7, &end, 10);
	if (!strncmp(end, ", column ", 9)) {
		const char *c = end + 9, *e = strchr(c, ':');
		if (e)
			gm_buf_put(column, c, (size_t)(e - c));
	}
}

/* "Key (a, b)=(": how the server starts naming a key of fk in a violation. Caller frees. */
static char *key_prefix(const gm_fkey *fk)
{
	gm_buf b = GM_BUF_INIT;
	size_t k;

	gm_buf_puts(&b, "Key (");
	for (k = 0; k < fk->columns_nr; k++) {
		if (k)
			gm_buf_puts(&b, ", ");
		gm_buf_puts(&b, fk->columns[k]);
	}
	gm_buf_puts(&b, ")=(");
	return gm_buf_detach(&b);
}

/* The foreign keys of t whose columns are all among `columns` (the ones a row's values name). */
static void fk_cols_init(struct copy *cp, const char *const *columns, size_t ncolumns)
{
	size_t i, k, j;

	cp->fks = gm_xcalloc(cp->t->fkeys_nr + 1, sizeof(*cp->fks));
	for (i = 0; i < cp->t->fkeys_nr; i++) {
		const gm_fkey *fk = cp->t->fkeys[i];
		size_t *idx = gm_xcalloc(fk->columns_nr + 1, sizeof(*idx));
		for (k = 0; k < fk->columns_nr; k++) {
			for (j = 0; j < ncolumns && strcmp(columns[j], fk->columns[k]); j++)
				;
			idx[k] = j;
			if (j == ncolumns)
				break;
		}
		if (!fk->columns_nr || k < fk->columns_nr) {
			free(idx);
			continue;
		}
		cp->fks[cp->fks_nr].fk = fk;
		cp->fks[cp->fks_nr].idx = idx;
		cp->fks[cp->fks_nr++].prefix = key_prefix(fk);
	}
	if (cp->fks_nr)
		cp->key_off = gm_xcalloc(BATCH, sizeof(*cp->key_off));
}

/*
 * Keep the row's keys as the server would name them in a violation: for each foreign key,
 * "Key (a, b)=(1, 2)" and a NUL ("" when a value is NULL: such a key is never checked).
 */
static void keep_keys(struct copy *cp, const char *const *values)
{
	size_t i, k;

	if (!cp->fks_nr)
		return;
	if (!cp->nr)
		gm_buf_clear(&cp->keys);
	cp->key_off[cp->nr] = cp->keys.len;
	for (i = 0; i < cp->fks_nr; i++) {
		const struct fk_cols *f = &cp->fks[i];
		size_t start = cp->keys.len;
		gm_buf_puts(&cp->keys, f->prefix);
		for (k = 0; k < f->fk->columns_nr && values[f->idx[k]]; k++) {
			if (k)
				gm_buf_puts(&cp->keys, ", ");
			gm_buf_puts(&cp->keys, values[f->idx[k]]);
		}
		if (k < f->fk->columns_nr)
			gm_buf_truncate(&cp->keys, start);
		else
			gm_buf_putc(&cp->keys, ')');
		gm_buf_put(&cp->keys, "", 1);
	}
}

/*
 * The line of the first row of the batch whose key the server's DETAIL names ("Key
 * (contact_id)=(99) is not present in table ..."); 0 when none matches (a value the
 * server spells otherwise than the file, or a message without the key).
 */
static int key_row_line(const struct copy *cp, const char *detail)
{
	size_t i, k;

	if (!detail || !cp->fks_nr)
		return 0;
	for (i = 0; i < cp->nr; i++) {
		const char *key = cp->keys.ptr + cp->key_off[i];
		for (k = 0; k < cp->fks_nr; k++, key += strlen(key) + 1) {
			size_t n = strlen(key);
			if (n && !strncmp(detail, key, n) &&
			    !strncmp(detail + n, " is not present", 15))
				return cp->lines[i];
		}
	}
	return 0;
}

/* A COPY failed: GM_EINVALID at the row's file:line (when the server names the row). */
static int copy_error(struct copy *cp, const PGresult *res)
{
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *context = PQresultErrorField(res, PG_DIAG_CONTEXT);
	gm_buf msg = GM_BUF_INIT, column = GM_BUF_INIT;
	long n;
	int line = 0;

	if (state && !strcmp(state, "57014") && gm_interrupted())
		return gm_interrupt_error();
	parse_context(context, &n, &column);
	if (n >= 1 && (size_t)n <= cp->nr)
		line = cp->lines[n - 1];
	else if (state && !strcmp(state, "23503")) /* foreign_key_violation */
		line = key_row_line(cp, detail);
	gm_buf_printf(&msg, "table '%s': ", cp->t->name);
	if (column.len)
		gm_buf_printf(&msg, "column '%s': ", column.ptr);
	gm_pg_one_line(&msg, primary ? primary : PQerrorMessage(cp->c->pg));
	if (detail) {
		gm_buf_puts(&msg, ": ");
		gm_pg_one_line(&msg, detail);
	}
	gm_error_set_at(GM_EINVALID, cp->path, line, 0, "%s", msg.ptr);
	if (hint)
		gm_error_hint("%s", hint);
	gm_buf_release(&column);
	gm_buf_release(&msg);
	return GM_EINVALID;
}

/* End the running COPY (aborting it with `abort_msg` when set) and collect its result. */
static int copy_end(struct copy *cp, const char *abort_msg)
{
	PGresult *res, *err = NULL;
	int error = 0;

	if (!cp->open)
		return 0;
	cp->open = false;
	if (PQputCopyEnd(cp->c->pg, abort_msg) != 1)
		error = conn_error(cp, "cannot load rows into");
	while ((res = PQgetResult(cp->c->pg)) != NULL) {
		ExecStatusType st = PQresultStatus(res);
		if ((st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE) && !err) {
			err = res;
			continue;
		}
		PQclear(res);
	}
	if (err && !error && !abort_msg)
		error = copy_error(cp, err);
	PQclear(err);
	cp->nr = 0;
	return error;
}

/*
 * Diagnosing (load.h): deferred constraints checked at the end of each COPY, as the
 * others, so that a broken deferred key is named by its row instead of failing the commit.
 */
static int constraints_immediate(struct copy *cp)
{
	PGresult *res = PQexec(cp->c->pg, "SET CONSTRAINTS ALL IMMEDIATE");
	int error = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		error = conn_error(cp, "cannot make the constraints immediate to load");
	PQclear(res);
	return error;
}

/*
 * The rows stopped with `error` (next()'s). GM_ITEROVER: end the COPY, its result is the
 * load's. Else the error is a row's further down: end the COPY all the same (unless
 * interrupted), and should one of its rows fail (an earlier row) report that one instead.
 */
static int end_on(struct copy *cp, int error)
{
	int earlier;

	if (error == GM_ITEROVER)
		return copy_end(cp, NULL);
	if (error == GM_EINTERRUPTED) {
		copy_end(cp, "fixture load stopped");
		return error;
	}
	earlier = copy_end(cp, NULL);
	return earlier < 0 ? earlier : error;
}

/* One row in COPY text format: tab-separated, \N for NULL, \\ \t \n \r escaped. */
static void put_row(gm_buf *out, const char *const *values, size_t n)
{
	size_t i;
	const char *p;

	gm_buf_clear(out);
	for (i = 0; i < n; i++) {
		if (i)
			gm_buf_putc(out, '\t');
		if (!values[i]) {
			gm_buf_puts(out, "\\N");
			continue;
		}
		for (p = values[i]; *p; p++) {
			switch (*p) {
			case '\\':
				gm_buf_puts(out, "\\\\");
				break;
			case '\t':
				gm_buf_puts(out, "\\t");
				break;
			case '\n':
				gm_buf_puts(out, "\\n");
				break;
			case '\r':
				gm_buf_puts(out, "\\r");
				break;
			default:
				gm_buf_putc(out, *p);
			}
		}
	}
	gm_buf_putc(out, '\n');
}

int gm_pg_load_rows(gm_conn *conn, const gm_table *t, const char *const *columns, size_t ncolumns,
		    gm_row_next_fn next, void *payload)
{
	struct copy cp = { 0 };
	gm_buf sql = GM_BUF_INIT, line = GM_BUF_INIT;
	gm_row row;
	size_t i;
	int error = 0;

	GM_ASSERT_ARG(conn && t && next && (columns || !ncolumns));
	cp.c = (struct gm_pg_conn *)conn;
	cp.t = t;
	cp.lines = gm_xcalloc(BATCH, sizeof(*cp.lines));
	gm_buf_init(&cp.keys);
	fk_cols_init(&cp, columns, ncolumns);
	gm_buf_puts(&sql, "COPY ");
	gm_sql_qname(&sql, t->name);
	if (ncolumns) {
		gm_buf_puts(&sql, " (");
		for (i = 0; i < ncolumns; i++) {
			if (i)
				gm_buf_puts(&sql, ", ");
			gm_sql_ident(&sql, columns[i]);
		}
		gm_buf_puts(&sql, ")");
	}
	gm_buf_puts(&sql, " FROM STDIN");
	cp.sql = gm_buf_detach(&sql);
	if (gm_load_diagnose() && (error = constraints_immediate(&cp)) < 0)
		goto done;

	for (;;) {
		memset(&row, 0, sizeof(row));
		if ((error = next(&row, payload)) < 0) {
			error = end_on(&cp, error);
			goto done;
		}
		if (cp.path && strcmp(cp.path, row.path ? row.path : "")) {
			/* Rows of another file: a new batch, so lines map to the right file. */
			if ((error = copy_end(&cp, NULL)) < 0)
				goto done;
			free(cp.path);
			cp.path = NULL;
		}
		if (!cp.path)
			cp.path = gm_xstrdup(row.path ? row.path : "");
		if (!cp.open && (error = copy_begin(&cp)) < 0)
			goto done;
		/* COPY of zero columns takes empty lines: one per row, all defaults. */
		put_row(&line, row.values, ncolumns);
		if (PQputCopyData(cp.c->pg, line.ptr, (int)line.len) != 1) {
			/* The server gave up on the COPY: its error names the row. */
			keep_keys(&cp, row.values);
			cp.lines[cp.nr++] = row.line;
			if ((error = copy_end(&cp, NULL)) == 0)
				error = conn_error(&cp, "cannot load rows into");
			goto done;
		}
		keep_keys(&cp, row.values);
		cp.lines[cp.nr++] = row.line;
		if (cp.nr == BATCH && (error = copy_end(&cp, NULL)) < 0)
			goto done;
	}
done:
	if (cp.open)
		copy_end(&cp, "fixture load stopped");
	for (i = 0; i < cp.fks_nr; i++) {
		free(cp.fks[i].idx);
		free(cp.fks[i].prefix);
	}
	free(cp.fks);
	free(cp.key_off);
	gm_buf_release(&cp.keys);
	free(cp.lines);
	free(cp.path);
	free(cp.sql);
	gm_buf_release(&line);
	return error;
}
