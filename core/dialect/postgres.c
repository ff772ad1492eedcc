/* PostgreSQL dialect: connections, scratch databases, exec, transactions, cancel. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libpq-fe.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/db.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "dialect/load.h"
#include "dialect/postgres.h"
#include "dialect/postgres_inspect.h"
#include "dialect/sql.h"
#include "util/file.h"
#include "util/strvec.h"
#include "db_int.h"
#include "schema_int.h"
#include "interrupt.h"
#include "util/banned.h"

#define DROP_SCRATCH "cannot drop scratch database"

static const char *const pg_schemes[] = { "postgres", "postgresql", NULL };

/* libpq prints notices (e.g. "table does not exist, skipping") to stderr: core never prints. */
static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* A libpq message on one line: whitespace runs (newlines, tabs) become one space. */
void gm_pg_one_line(gm_buf *out, const char *msg)
{
	bool space = false;

	for (; msg && *msg; msg++) {
		if (*msg == ' ' || *msg == '\n' || *msg == '\t' || *msg == '\r') {
			space = out->len > 0;
			continue;
		}
		if (space)
			gm_buf_putc(out, ' ');
		space = false;
		gm_buf_putc(out, *msg);
	}
}

/* gm_pg_one_line into out, cleared first. */
static void one_line(gm_buf *out, const char *msg)
{
	gm_buf_clear(out);
	gm_pg_one_line(out, msg);
}

static int connect_conninfo(struct gm_pg_conn **out, const char *conninfo, const char *masked)
{
	struct gm_pg_conn *c;
	PGconn *pg;

	*out = NULL;
	pg = PQconnectdb(conninfo ? conninfo : "");
	if (!pg)
		return gm_error_set(GM_EDB, "cannot connect to '%s': out of memory", masked);
	if (PQstatus(pg) != CONNECTION_OK) {
		gm_buf msg = GM_BUF_INIT;
		one_line(&msg, PQerrorMessage(pg));
		gm_error_set(GM_EDB, "cannot connect to '%s': %s", masked, msg.ptr);
		gm_buf_release(&msg);
		PQfinish(pg);
		return GM_EDB;
	}
	PQsetNoticeProcessor(pg, ignore_notice, NULL);

	c = gm_xcalloc(1, sizeof(*c));
	c->parent.dialect = &gm_dialect_postgres;
	c->pg = pg;
	c->cancel = PQgetCancel(pg);
	c->masked = gm_xstrdup(masked);
	*out = c;
	return 0;
}

static int pg_connect(gm_conn **out, const gm_url *url)
{
	struct gm_pg_conn *c = NULL;
	int error;

	*out = NULL;
	if ((error = connect_conninfo(&c, url->conninfo, url->masked)) < 0)
		return error;
	*out = &c->parent;
	return 0;
}

static void pg_disconnect(gm_conn *conn)
{
	struct gm_pg_conn *c = (struct gm_pg_conn *)conn;

	if (!c)
		return;
	if (c->cancel)
		PQfreeCancel(c->cancel);
	gm_pg_pipeline_forget(c);
	PQfinish(c->pg);
	gm_pg_prepared_free(c);
	gm_pg_memo_free(c->memo);
	free(c->masked);
	free(c);
}

int gm_pg_query(PGresult **out, struct gm_pg_conn *c, const char *what, const char *sql,
		const char *param1, const char *param2)
{
	const char *params[2];
	int nparams = 0;
	PGresult *res;
	ExecStatusType st;

	*out = NULL;
	if (param1)
		params[nparams++] = param1;
	if (param2)
		params[nparams++] = param2;
	res = PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		gm_buf msg = GM_BUF_INIT;
		const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		one_line(&msg, primary ? primary : PQerrorMessage(c->pg));
		gm_error_set(GM_EDB, "%s on '%s': %s", what, c->masked, msg.ptr);
		gm_buf_release(&msg);
		PQclear(res);
		return GM_EDB;
	}
	*out = res;
	return 0;
}

/* ---- exec: error locations ---- */

struct find_stmt {
	int index; /* the index-th statement (0-based), or -1: by line */
	int line;  /* by line: the last statement starting at or before it */
	int seen;
	char *text; /* the statement found */
	int text_line;
};

static int find_stmt_cb(const char *stmt, int line, void *payload)
{
	struct find_stmt *f = payload;

	if (f->index >= 0 ? f->seen == f->index : line <= f->line) {
		gm_set_str(&f->text, stmt);
		f->text_line = line;
	}
	f->seen++;
	if (f->index >= 0 && f->seen > f->index)
		return GM_ITEROVER;
	return 0;
}

/* Line (1-based) and column of the pos-th character (1-based, UTF-8) of sql. */
static void position_of(const char *sql, long pos, int *line, int *col)
{
	const unsigned char *p = (const unsigned char *)sql;
	long chars = 0;

	*line = 1;
	*col = 0;
	for (; *p; p++) {
		if ((*p & 0xC0) == 0x80)
			continue;
		if (++chars >= pos)
			break;
		if (*p == '\n') {
			(*line)++;
			*col = 0;
		} else {
			(*col)++;
		}
	}
	(*col)++;
}

/*
 * Report a failed statement: "<origin>:<line>: <message> (SQLSTATE x)", the statement as
 * detail and the server's hint. `nth` is the index of the failing statement within sql
 * (-1 when unknown); the server's STATEMENT_POSITION, when given, is more precise.
 */
static int report(struct gm_pg_conn *c, const PGresult *res, const char *sql, int nth,
		  const char *origin, int first_line)
{
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *position = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
	struct find_stmt f = { -1, 0, 0, NULL, 0 };
	gm_buf msg = GM_BUF_INIT, tmp = GM_BUF_INIT;
	int line = 0, col = 0;

	one_line(&tmp, primary ? primary : PQerrorMessage(c->pg));
	gm_buf_puts(&msg, tmp.ptr);
	if (detail) {
		one_line(&tmp, detail);
		gm_buf_printf(&msg, ": %s", tmp.ptr);
	}
	if (state)
		gm_buf_printf(&msg, " (SQLSTATE %s)", state);

	if (position && atol(position) > 0) {
		position_of(sql, atol(position), &line, &col);
		f.line = line;
	} else if (nth >= 0) {
		f.index = nth;
	}
	if (f.index >= 0 || f.line > 0)
		gm_sql_split(sql, find_stmt_cb, &f);
	if (!line && f.text)
		line = f.text_line;

	if (state && !strcmp(state, "57014") && gm_interrupted()) {
		/* our own PQcancel, from the SIGINT/SIGTERM handler */
		gm_interrupt_error();
		if (f.text)
			gm_error_detail("%s", f.text);
		free(f.text);
		gm_buf_release(&tmp);
		gm_buf_release(&msg);
		return GM_EINTERRUPTED;
	}
	if (origin && line)
		gm_error_set_at(GM_EDB, origin, first_line + line - 1, col, "%s", msg.ptr);
	else if (origin)
		gm_error_set_at(GM_EDB, origin, 0, 0, "%s", msg.ptr);
	else
		gm_error_set(GM_EDB, "%s", msg.ptr);
	if (f.text)
		gm_error_detail("%s", f.text);
	if (gm_pg_hint_extension(primary, PQserverVersion(c->pg)))
		; /* which package to install, or another server: not the server's hint */
	else if (hint)
		gm_error_hint("%s", hint);
	else if (state && !strcmp(state, "25001"))
		/* active_sql_transaction: CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE
		 * (before 12), VACUUM, CREATE DATABASE, ... */
		gm_error_hint("add '-- transaction: false' to the revision header: its "
			      "statements then run one by one, outside a transaction");

	free(f.text);
	gm_buf_release(&tmp);
	gm_buf_release(&msg);
	return GM_EDB;
}

/* Collect the results of a sent query; report the first error. */
static int drain(struct gm_pg_conn *c, const char *sql, const char *origin, int first_line,
		 int nth_base)
{
	PGresult *res, *err = NULL;
	int done = 0, error = 0;

	while ((res = PQgetResult(c->pg)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE) {
			if (!err)
				err = res;
			else
				PQclear(res);
			continue;
		}
		if (st == PGRES_COPY_IN) {
			PQputCopyEnd(c->pg, "COPY FROM STDIN is not supported in SQL text; "
					    "use a CSV or YAML fixture");
		} else if (st == PGRES_COPY_OUT) {
			char *buf;
			while (PQgetCopyData(c->pg, &buf, 0) > 0)
				PQfreemem(buf);
		}
		if (!err)
			done++;
		PQclear(res);
	}
	if (err) {
		error = report(c, err, sql, nth_base >= 0 ? nth_base + done : -1, origin,
			       first_line);
		PQclear(err);
	} else if (PQstatus(c->pg) != CONNECTION_OK) {
		gm_buf msg = GM_BUF_INIT;
		one_line(&msg, PQerrorMessage(c->pg));
		error = gm_error_set(GM_EDB, "lost the connection to '%s': %s", c->masked, msg.ptr);
		gm_buf_release(&msg);
	}
	return error;
}

static int send_and_drain(struct gm_pg_conn *c, const char *sql, const char *origin, int first_line,
			  int nth_base)
{
	/* a signal between statements: the cancel found nothing running, stop here */
	if (gm_interrupted())
		return gm_interrupt_error();
	if (!PQsendQuery(c->pg, sql)) {
		gm_buf msg = GM_BUF_INIT;
		one_line(&msg, PQerrorMessage(c->pg));
		gm_error_set(GM_EDB, "cannot send a query to '%s': %s", c->masked, msg.ptr);
		gm_buf_release(&msg);
		return GM_EDB;
	}
	return drain(c, sql, origin, first_line, nth_base);
}

struct each_stmt {
	struct gm_pg_conn *c;
	const char *origin;
	int first_line;
};

static int exec_one(const char *stmt, int line, void *payload)
{
	struct each_stmt *e = payload;
	return send_and_drain(e->c, stmt, e->origin, e->first_line + line - 1, 0);
}

/*
 * Inside a transaction the whole text goes in one round trip (simple protocol, many
 * statements). Outside one (autocommit, e.g. a `transaction: false` revision with
 * CREATE INDEX CONCURRENTLY), each statement is sent alone, as psql does: a
 * multi-statement query would be one implicit transaction.
 */
static int pg_exec(gm_conn *conn, const char *sql, const char *origin, int first_line)
{
	struct gm_pg_conn *c = (struct gm_pg_conn *)conn;
	struct each_stmt e;

	if (first_line < 1)
		first_line = 1;
	if (PQtransactionStatus(c->pg) == PQTRANS_INTRANS)
		return send_and_drain(c, sql, origin, first_line, 0);
	e.c = c;
	e.origin = origin;
	e.first_line = first_line;
	return gm_sql_split(sql, exec_one, &e);
}

/* One query, each row handed to fn (values as text, NULL for SQL NULL); see db.h. */
static int pg_query(gm_conn *conn, const char *sql,
		    int (*fn)(const char *const *values, size_t n, void *payload), void *payload)
{
	struct gm_pg_conn *c = (struct gm_pg_conn *)conn;
	const char **vals;
	PGresult *res;
	ExecStatusType st;
	int i, j, rows, cols, error = 0;

	if (gm_interrupted())
		return gm_interrupt_error();
	res = PQexec(c->pg, sql);
	st = PQresultStatus(res);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		error = report(c, res, sql, 0, NULL, 1);
		PQclear(res);
		return error;
	}
	rows = PQntuples(res);
	cols = PQnfields(res);
	vals = gm_xcalloc((size_t)cols + 1, sizeof(*vals));
	for (i = 0; i < rows && error >= 0; i++) {
		for (j = 0; j < cols; j++)
			vals[j] = PQgetisnull(res, i, j) ? NULL : PQgetvalue(res, i, j);
		error = fn(vals, (size_t)cols, payload);
	}
	free(vals);
	PQclear(res);
	return error < 0 ? error : 0;
}

static int simple(gm_conn *conn, const char *sql, const char *what)
{
	struct gm_pg_conn *c = (struct gm_pg_conn *)conn;
	PGresult *res = NULL;
	int error;

	if ((error = gm_pg_query(&res, c, what, sql, NULL, NULL)) < 0)
		return error;
	PQclear(res);
	return 0;
}

static int pg_begin(gm_conn *conn)
{
	return simple(conn, "BEGIN", "cannot begin a transaction");
}

static int pg_commit(gm_conn *conn)
{
	return simple(conn, "COMMIT", "cannot commit");
}

static int pg_rollback(gm_conn *conn)
{
	return simple(conn, "ROLLBACK", "cannot roll back");
}

static void pg_interrupt(gm_conn *conn)
{
	struct gm_pg_conn *c = (struct gm_pg_conn *)conn;
	char errbuf[256];

	if (c && c->cancel)
		PQcancel(c->cancel, errbuf, (int)sizeof(errbuf));
}

/* ---- scratch databases ---- */

static bool is_url(const char *conninfo)
{
	return !strncmp(conninfo, "postgres://", 11) || !strncmp(conninfo, "postgresql://", 13);
}

static void put_kv_value(gm_buf *out, const char *v)
{
	gm_buf_putc(out, '\'');
	for (; *v; v++) {
		if (*v == '\'' || *v == '\\')
			gm_buf_putc(out, '\\');
		gm_buf_putc(out, *v);
	}
	gm_buf_putc(out, '\'');
}

/*
 * The server's conninfo with the database replaced by dbname: a URL stays a URL (path
 * replaced), anything else becomes a key=value string. GM_EINVALID when libpq cannot
 * parse it.
 */
static int conninfo_with_db(gm_buf *out, const char *conninfo, const char *dbname)
{
	PQconninfoOption *opts, *o;
	char *err = NULL;

	gm_buf_clear(out);
	conninfo = conninfo ? conninfo : "";
	if (is_url(conninfo)) {
		const char *auth = strstr(conninfo, "://") + 3;
		size_t path = strcspn(auth, "/?");
		const char *query = strchr(auth + path, '?');

		gm_buf_put(out, conninfo, (size_t)(auth - conninfo) + path);
		gm_buf_printf(out, "/%s", dbname);
		if (query)
			gm_buf_puts(out, query);
		return 0;
	}
	if (!(opts = PQconninfoParse(conninfo, &err))) {
		gm_error_set(GM_EINVALID, "cannot parse connection string: %s",
			     err ? err : "out of memory");
		PQfreemem(err);
		return GM_EINVALID;
	}
	for (o = opts; o->keyword; o++) {
		if (!o->val || !strcmp(o->keyword, "dbname"))
			continue;
		gm_buf_printf(out, "%s=", o->keyword);
		put_kv_value(out, o->val);
		gm_buf_putc(out, ' ');
	}
	gm_buf_puts(out, "dbname=");
	put_kv_value(out, dbname);
	PQconninfoFree(opts);
	return 0;
}

/* The dbname a conninfo names, or NULL. Caller frees. */
static char *conninfo_db(const char *conninfo)
{
	PQconninfoOption *opts, *o;
	char *err = NULL, *db = NULL;

	if (!(opts = PQconninfoParse(conninfo ? conninfo : "", &err))) {
		PQfreemem(err);
		return NULL;
	}
	for (o = opts; o->keyword; o++)
		if (!strcmp(o->keyword, "dbname") && o->val && *o->val)
			db = gm_xstrdup(o->val);
	PQconninfoFree(opts);
	return db;
}

/* Connect to a maintenance database of the server named by conninfo: `db` when set,
 * else "postgres", then "template1". */
int gm_pg_connect_admin(struct gm_pg_conn **out, const char *conninfo, const char *db,
			const char *masked)
{
	static const char *const fallbacks[] = { "postgres", "template1", NULL };
	gm_buf ci = GM_BUF_INIT;
	int error = 0;
	size_t i;

	if (db) {
		if ((error = conninfo_with_db(&ci, conninfo, db)) >= 0)
			error = connect_conninfo(out, ci.ptr, masked);
		gm_buf_release(&ci);
		return error;
	}
	for (i = 0; fallbacks[i]; i++) {
		if ((error = conninfo_with_db(&ci, conninfo, fallbacks[i])) < 0)
			break;
		if ((error = connect_conninfo(out, ci.ptr, masked)) >= 0)
			break;
		if (!fallbacks[i + 1])
			break;
	}
	gm_buf_release(&ci);
	return error;
}

/*
 * Run a DROP DATABASE; while the database is still in use (SQLSTATE 55006: WITH (FORCE)
 * waits 5 seconds at most for the sessions it ends, and a busy server may take longer),
 * try again every 200 ms for up to 3 seconds more, since a leftover is dropped only by a
 * later run. GM_EDB "<what> on '<server>': <message>" otherwise, the SQLSTATE in state.
 */
static int drop_retrying(struct gm_pg_conn *c, const char *sql, const char *what, char state[6])
{
	int tries;

	for (tries = 0;; tries++) {
		PGresult *res = PQexec(c->pg, sql);
		const char *st = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		struct timespec pause = { 0, 200 * 1000 * 1000 };
		gm_buf msg = GM_BUF_INIT;

		if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			PQclear(res);
			return 0;
		}
		if (tries < 15 && st && !strcmp(st, "55006")) {
			PQclear(res);
			nanosleep(&pause, NULL);
			continue;
		}
		snprintf(state, 6, "%s", st ? st : "");
		one_line(&msg, primary ? primary : PQerrorMessage(c->pg));
		gm_error_set(GM_EDB, "%s on '%s': %s", what, c->masked, msg.ptr);
		gm_buf_release(&msg);
		PQclear(res);
		return GM_EDB;
	}
}

/* DROP DATABASE IF EXISTS name, ending its sessions when force, into sql. */
static void drop_sql(gm_buf *sql, const char *name, bool force)
{
	gm_buf_puts(sql, "DROP DATABASE IF EXISTS ");
	gm_sql_ident(sql, name);
	if (force)
		gm_buf_puts(sql, " WITH (FORCE)");
}

int gm_pg_drop_database(struct gm_pg_conn *c, const char *name, bool force, const char *what)
{
	gm_buf sql = GM_BUF_INIT;
	char state[6] = "";
	int error;

	drop_sql(&sql, name, force);
	error = drop_retrying(c, sql.ptr, what, state);
	/* 42601: before PostgreSQL 13; 42501: a session this role may not end */
	if (error < 0 && force && (!strcmp(state, "42601") || !strcmp(state, "42501"))) {
		gm_error_clear();
		gm_buf_truncate(&sql, sql.len - strlen(" WITH (FORCE)"));
		error = drop_retrying(c, sql.ptr, what, state);
	}
	gm_buf_release(&sql);
	return error;
}

/*
 * Drop the scratch databases left by runs that were SIGKILLed (scratch_is_stale) that
 * nobody is connected to. Best effort: errors are ignored (the database may belong to
 * another user).
 */
static void drop_stale(struct gm_pg_conn *c)
{
	gm_strvec names = GM_STRVEC_INIT;
	size_t i;

	gm_pg_stale_scratches(&names, c);
	for (i = 0; i < names.nr; i++)
		if (gm_pg_drop_database(c, names.v[i], false, DROP_SCRATCH) < 0)
			gm_error_clear();
	gm_strvec_release(&names);
}

static uint32_t random32(void)
{
	uint32_t r = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	struct timespec ts;

	if (fd >= 0) {
		ssize_t n = read(fd, &r, sizeof(r));
		close(fd);
		if (n == (ssize_t)sizeof(r))
			return r;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint32_t)ts.tv_nsec ^ ((uint32_t)ts.tv_sec << 7) ^ (uint32_t)getpid();
}

/*
 * Revisions replayed on scratch run with the scratch role's rights; a superuser's include
 * COPY ... TO PROGRAM, a shell on the server. Said once per run (README: Security).
 */
static void warn_superuser(struct gm_pg_conn *admin, const gm_url *server)
{
	PGresult *res = PQexec(admin->pg, "SELECT rolsuper FROM pg_roles "
					  "WHERE rolname = current_user");

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
	    !strcmp(PQgetvalue(res, 0, 0), "t"))
		gm_warn("the scratch role of '%s' is a superuser: the revisions replayed there "
			"(other people's branches too, in a hook) run with its rights, which "
			"include running programs on the server; use a role with CREATEDB and "
			"nothing else",
			server->masked);
	PQclear(res);
}

static int pg_scratch_create(gm_conn **out, gm_url **url_out, const gm_url *server,
			     const gm_scratch_from *from)
{
	struct gm_pg_conn *admin = NULL, *c = NULL;
	gm_buf name = GM_BUF_INIT, sql = GM_BUF_INIT, ci = GM_BUF_INIT;
	gm_url *url = NULL;
	PGresult *res = NULL;
	char tag[GM_OWNER_TAG_MAX];
	int error = 0;

	*out = NULL;
	*url_out = NULL;
	if ((error = gm_pg_connect_admin(&admin, server->conninfo, server->dbname,
					 server->masked)) < 0)
		goto done;
	drop_stale(admin);
	warn_superuser(admin, server);

	/* gm_scratch_<host>_<pid>_<created>_<random>: at most 11+8+1+10+1+20+1+8 = 60
	 * bytes, within PostgreSQL's 63-byte identifiers */
	gm_owner_tag(tag);
	gm_buf_printf(&name, GM_PG_SCRATCH_PREFIX "%s_%lld_%08x", tag, (long long)time(NULL),
		      (unsigned)random32());
	if (from && gm_pg_db_in_use(admin, from->template)) {
		error = gm_error_set(GM_EEXISTS, "a session is connected to it");
		goto done;
	}
	gm_pg_create_sql(&sql, admin, name.ptr, from ? from->template : NULL);
	res = gm_pg_exec_meanwhile(admin, sql.ptr, from);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		gm_buf msg = GM_BUF_INIT;

		one_line(&msg, primary ? primary : PQerrorMessage(admin->pg));
		/* 55006: the template is in use (a session came after the check) */
		error = gm_error_set(state && !strcmp(state, "55006") ? GM_EEXISTS : GM_EDB,
				     "cannot create scratch database on '%s': %s", server->masked,
				     msg.ptr);
		if (state && !strcmp(state, "42501"))
			gm_error_hint("point 'scratch:' in .gitmigrate.yml at a PostgreSQL "
				      "server where this user may create databases");
		gm_buf_release(&msg);
		goto done;
	}

	if ((error = conninfo_with_db(&ci, server->conninfo, name.ptr)) < 0 ||
	    (error = gm_url_parse(&url, ci.ptr, ".")) < 0 ||
	    (error = connect_conninfo(&c, url->conninfo, url->masked)) < 0) {
		if (gm_pg_drop_database(admin, name.ptr, true, DROP_SCRATCH) < 0)
			gm_error_prefix("cannot connect to the new scratch database");
		goto done;
	}
	gm_pg_scratch_session(c);
	*out = &c->parent;
	*url_out = url;
	url = NULL;

done:
	gm_url_free(url);
	PQclear(res);
	pg_disconnect(admin ? &admin->parent : NULL);
	gm_buf_release(&ci);
	gm_buf_release(&sql);
	gm_buf_release(&name);
	return error;
}

/* The name of the scratch database of `scratch`, a scratch database's or NULL (the error
 * set). Caller frees. */
static char *scratch_name(const gm_url *scratch)
{
	char *db = conninfo_db(scratch->conninfo);

	if (!db && scratch->dbname)
		db = gm_xstrdup(scratch->dbname);
	if (!db || strncmp(db, GM_PG_SCRATCH_PREFIX, strlen(GM_PG_SCRATCH_PREFIX))) {
		gm_error_set(GM_EINVALID, "refusing to drop '%s': not a scratch database",
			     scratch->masked);
		free(db);
		return NULL;
	}
	return db;
}

static int pg_scratch_drop(const gm_url *scratch)
{
	struct gm_pg_conn *admin = NULL;
	char *db = scratch_name(scratch);
	int error;

	if (!db)
		return GM_EINVALID;
	if ((error = gm_pg_connect_admin(&admin, scratch->conninfo, NULL, scratch->masked)) < 0)
		goto done;
	error = gm_pg_drop_database(admin, db, true, DROP_SCRATCH);
	/* again at the end: a killed run's leftover that a session was still using (or that a
	 * CREATE DATABASE still made) when this run started is free by now */
	drop_stale(admin);

done:
	pg_disconnect(admin ? &admin->parent : NULL);
	free(db);
	return error;
}

/* DROP DATABASE sent on a new connection to the server, not waited for (db_int.h). */
static int pg_scratch_drop_send(gm_conn **out, const gm_url *scratch)
{
	struct gm_pg_conn *admin = NULL;
	gm_buf sql = GM_BUF_INIT;
	char *db = scratch_name(scratch);
	int error;

	*out = NULL;
	if (!db)
		return GM_EINVALID;
	drop_sql(&sql, db, true);
	if ((error = gm_pg_connect_admin(&admin, scratch->conninfo, NULL, scratch->masked)) == 0 &&
	    (error = gm_pg_exec_send(&admin->parent, sql.ptr)) == 0)
		*out = &admin->parent;
	else
		pg_disconnect(admin ? &admin->parent : NULL);
	gm_buf_release(&sql);
	free(db);
	return error;
}

const gm_dialect gm_dialect_postgres = {
	.name = "postgres",
	.schemes = pg_schemes,
	.caps = GM_DIALECT_NATIVE_ENUM | GM_DIALECT_ALTER_COLUMN | GM_DIALECT_TRANSACT_DDL,
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.scratch_create = pg_scratch_create,
	.scratch_drop = pg_scratch_drop,
	.scratch_drop_send = pg_scratch_drop_send,
	.exec = pg_exec,
	.query = pg_query,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.inspect = gm_pg_inspect,
	.inspect_send = gm_pg_inspect_send,
	.normalize = gm_pg_normalize,
	.plan = gm_pg_plan,
	.interrupt = pg_interrupt,
	.exec_send = gm_pg_exec_send,
	.exec_wait = gm_pg_exec_wait,
	.version_sql = gm_pg_version_sql,
	.deploy_lock = gm_pg_deploy_lock,
	.deploy_unlock = gm_pg_deploy_unlock,
	.create_database = gm_pg_create_database,
	.load_rows = gm_pg_load_rows,
};
