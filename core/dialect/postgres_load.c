/*
 * PostgreSQL fixture loader: COPY "t" (cols) FROM STDIN in text format, rows streamed
 * with PQputCopyData, inside the caller's transaction. Rows go in batches of BATCH rows,
 * one COPY each, so that the file line of every row of the running batch is known: a
 * COPY error's CONTEXT ("COPY deals, line 3, column amount: ...") is mapped back to the
 * fixture's file:line with a memory cost bounded by the batch, not the row count.
 * Foreign keys are checked at the end of each COPY statement, so rows of one table may
 * reference each other within a batch.
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

struct copy {
	struct gm_pg_conn *c;
	const gm_table *t;
	char *sql;  /* the COPY statement */
	int *lines; /* file line of each row of the running batch */
	size_t nr;  /* rows in the running batch */
	char *path; /* the file of the batch's rows */
	bool open;  /* a COPY is in progress */
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

	for (;;) {
		memset(&row, 0, sizeof(row));
		if ((error = next(&row, payload)) < 0) {
			if (error == GM_ITEROVER) {
				error = copy_end(&cp, NULL);
			} else {
				copy_end(&cp, "fixture load stopped");
			}
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
			cp.lines[cp.nr++] = row.line;
			if ((error = copy_end(&cp, NULL)) == 0)
				error = conn_error(&cp, "cannot load rows into");
			goto done;
		}
		cp.lines[cp.nr++] = row.line;
		if (cp.nr == BATCH && (error = copy_end(&cp, NULL)) < 0)
			goto done;
	}
done:
	if (cp.open)
		copy_end(&cp, "fixture load stopped");
	free(cp.lines);
	free(cp.path);
	free(cp.sql);
	gm_buf_release(&line);
	return error;
}
