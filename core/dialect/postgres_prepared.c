/*
 * The inspection's catalog queries, prepared once per connection. Parsing and planning
 * them was 40% of an inspection (15 of 40 ms on 100 tables), and prepare inspects the
 * same scratch database four times (after the replay, then after up, down and up). The
 * version table's name goes into the text as a literal: a statement without parameters
 * runs its one generic plan every time (with a parameter, PostgreSQL plans each of the
 * first five executions again).
 *
 * They are sent ahead as one pipeline (gm_pg_pipeline_send): the server runs them back
 * to back without waiting for the client between them, and a connection whose pipeline
 * was sent early (the models cache entry's, during a snapshot copy) is read by the server
 * while the client inspects another database. The results are taken in order by
 * gm_pg_query_prepared; anything unexpected (another statement asked for, an error) ends
 * the pipeline and the statement runs the usual way, with the usual message.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "dialect/postgres.h"
#include "util/strvec.h"
#include "util/banned.h"

/* At most this many statements per connection (an inspection has 15). */
#define GM_PG_PREPARED_MAX 32

struct gm_pg_prepared {
	const char *sql; /* borrowed: the gm_pg_q_* constant */
	char *param;
};

/* sql with every "$1" replaced by param as a literal (sql itself when param is NULL). */
static bool inline_param(gm_buf *out, struct gm_pg_conn *c, const char *sql, const char *param)
{
	const char *p;
	char *lit;

	if (!param) {
		gm_buf_puts(out, sql);
		return true;
	}
	if (!(lit = PQescapeLiteral(c->pg, param, strlen(param))))
		return false;
	while ((p = strstr(sql, "$1")) != NULL) {
		gm_buf_put(out, sql, (size_t)(p - sql));
		gm_buf_puts(out, lit);
		sql = p + 2;
	}
	gm_buf_puts(out, sql);
	PQfreemem(lit);
	return true;
}

static void statement_name(char *name, size_t size, int i)
{
	snprintf(name, size, "gm_inspect_q%d", i);
}

/* The index of (sql, param) among c's statements, or -1. */
static int find(const struct gm_pg_conn *c, const char *sql, const char *param)
{
	size_t i;

	for (i = 0; i < c->prepared_nr; i++)
		if (c->prepared[i].sql == sql && gm_str_eq(c->prepared[i].param, param))
			return (int)i;
	return -1;
}

/* Add (sql, param) to c's statements, its text into *text: its index, or -1 when c has
 * no room left or param cannot be quoted. */
static int add(struct gm_pg_conn *c, gm_buf *text, const char *sql, const char *param)
{
	size_t i = c->prepared_nr;

	if (i >= GM_PG_PREPARED_MAX || !inline_param(text, c, sql, param))
		return -1;
	if (!c->prepared)
		c->prepared = gm_xcalloc(GM_PG_PREPARED_MAX, sizeof(*c->prepared));
	c->prepared[i].sql = sql;
	c->prepared[i].param = gm_xstrdup(param);
	c->prepared_nr++;
	return (int)i;
}

/* Take back the last add (its Parse failed or was never sent). */
static void forget_last(struct gm_pg_conn *c)
{
	c->prepared_nr--;
	free(c->prepared[c->prepared_nr].param);
	c->prepared[c->prepared_nr].param = NULL;
}

/* The index of (sql, param) among c's statements, preparing it; -1 when it cannot be. */
static int statement(struct gm_pg_conn *c, const char *sql, const char *param)
{
	gm_buf text = GM_BUF_INIT;
	char name[32];
	PGresult *res;
	int i = find(c, sql, param);
	bool ok;

	if (i >= 0)
		return i;
	if ((i = add(c, &text, sql, param)) < 0) {
		gm_buf_release(&text);
		return -1;
	}
	statement_name(name, sizeof(name), i);
	res = PQprepare(c->pg, name, text.ptr, 0, NULL);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	gm_buf_release(&text);
	if (!ok) {
		forget_last(c);
		return -1;
	}
	return i;
}

/* ---- the pipeline ---- */

struct gm_pg_pipeline {
	size_t nr, next; /* statements sent; the next one to take */
	struct {
		int index;  /* among c->prepared */
		bool parse; /* its Parse was sent in the pipeline */
	} v[GM_PG_PREPARED_MAX];
	bool bad; /* a result was an error: c->prepared may name statements the server lacks */
};

#ifdef LIBPQ_HAS_PIPELINING
/* Connections with a pipeline sent (at most a few: the scratch's, a cache entry's): while
 * one is read, the others' results are taken off their sockets, so that their servers
 * do not stop on a full socket buffer. */
#define GM_PG_PIPED_MAX 8
static struct gm_pg_conn *piped[GM_PG_PIPED_MAX];

static void piped_set(struct gm_pg_conn *c, bool on)
{
	size_t i;

	for (i = 0; i < GM_PG_PIPED_MAX; i++)
		if (on ? !piped[i] : piped[i] == c) {
			piped[i] = on ? c : NULL;
			return;
		}
}

static void consume_others(const struct gm_pg_conn *c)
{
	size_t i;

	for (i = 0; i < GM_PG_PIPED_MAX; i++)
		if (piped[i] && piped[i] != c)
			(void)PQconsumeInput(piped[i]->pg);
}

/* Send what libpq holds for c (a non-blocking connection), taking results meanwhile. */
static bool flush_all(struct gm_pg_conn *c)
{
	int r;

	while ((r = PQflush(c->pg)) == 1) {
		struct pollfd pfd = { PQsocket(c->pg), POLLIN | POLLOUT, 0 };
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return false;
		if ((pfd.revents & POLLIN) && !PQconsumeInput(c->pg))
			return false;
	}
	return r == 0;
}

/* Everything up to the pipeline's end taken; whether a result was an error. */
static bool drain(struct gm_pg_conn *c)
{
	PGresult *res;
	bool bad = false;
	int nulls = 0;

	/* NULL ends one statement's results; two in a row: nothing is left to read */
	while (nulls < 2 && PQstatus(c->pg) == CONNECTION_OK) {
		ExecStatusType st;
		if (!(res = PQgetResult(c->pg))) {
			nulls++;
			continue;
		}
		nulls = 0;
		st = PQresultStatus(res);
		PQclear(res);
		if (st == PGRES_PIPELINE_SYNC)
			break;
		if (st == PGRES_FATAL_ERROR || st == PGRES_PIPELINE_ABORTED)
			bad = true;
	}
	return bad;
}

void gm_pg_pipeline_end(struct gm_pg_conn *c)
{
	struct gm_pg_pipeline *p = c->pipeline;
	bool bad;

	if (!p)
		return;
	bad = drain(c) || p->bad;
	(void)PQexitPipelineMode(c->pg);
	piped_set(c, false);
	free(p);
	c->pipeline = NULL;
	if (bad) {
		/* which of the statements the server holds is unknown: none, from now on */
		PQclear(PQexec(c->pg, "DEALLOCATE ALL"));
		gm_pg_prepared_free(c);
	}
}

bool gm_pg_pipeline_send(struct gm_pg_conn *c, const gm_pg_stmt *v, size_t n)
{
	struct gm_pg_pipeline *p;
	size_t k;

	if (c->pipeline || n > GM_PG_PREPARED_MAX || PQpipelineStatus(c->pg) != PQ_PIPELINE_OFF ||
	    PQisBusy(c->pg) || PQsetnonblocking(c->pg, 1) != 0)
		return false;
	if (!PQenterPipelineMode(c->pg)) {
		(void)PQsetnonblocking(c->pg, 0);
		return false;
	}
	c->pipeline = p = gm_xcalloc(1, sizeof(*p));
	piped_set(c, true);
	for (k = 0; k < n; k++) {
		char name[32];
		int i = find(c, v[k].sql, v[k].param);
		bool parse = i < 0;
		if (parse) {
			gm_buf text = GM_BUF_INIT;
			bool sent = (i = add(c, &text, v[k].sql, v[k].param)) >= 0;
			if (sent) {
				statement_name(name, sizeof(name), i);
				if (!(sent = PQsendPrepare(c->pg, name, text.ptr, 0, NULL)))
					forget_last(c);
			}
			gm_buf_release(&text);
			if (!sent)
				break;
		}
		statement_name(name, sizeof(name), i);
		/* an unsent Parse is counted as bad: the server may hold it or not */
		p->bad |= !PQsendQueryPrepared(c->pg, name, 0, NULL, NULL, NULL, 0);
		if (p->bad)
			break;
		p->v[p->nr].index = i;
		p->v[p->nr].parse = parse;
		p->nr++;
	}
	if (!PQpipelineSync(c->pg) || !flush_all(c))
		p->bad = true;
	(void)PQsetnonblocking(c->pg, 0);
	if (p->bad || p->nr < n) {
		gm_pg_pipeline_end(c);
		return false;
	}
	return true;
}

/* The next statement's result (its Parse's first, when it was sent); NULL when either
 * failed. */
static PGresult *take(struct gm_pg_conn *c, bool parse)
{
	PGresult *res;

	consume_others(c);
	if (parse) {
		res = PQgetResult(c->pg);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			PQclear(res);
			return NULL;
		}
		PQclear(res);
		PQclear(PQgetResult(c->pg)); /* the NULL ending it */
	}
	res = PQgetResult(c->pg);
	if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK) {
		PQclear(res);
		return NULL;
	}
	PQclear(PQgetResult(c->pg));
	return res;
}

/* The result of (sql, param) when it is the pipeline's next statement and succeeded;
 * else NULL, the pipeline ended. */
static PGresult *from_pipeline(struct gm_pg_conn *c, const char *sql, const char *param)
{
	struct gm_pg_pipeline *p = c->pipeline;
	PGresult *res = NULL;
	int i = find(c, sql, param);

	if (i >= 0 && p->next < p->nr && p->v[p->next].index == i) {
		res = take(c, p->v[p->next].parse);
		p->next++;
	}
	if (!res) {
		p->bad = true;
		gm_pg_pipeline_end(c);
	}
	return res;
}

void gm_pg_pipeline_forget(struct gm_pg_conn *c)
{
	piped_set(c, false);
	free(c->pipeline);
	c->pipeline = NULL;
}
#else
bool gm_pg_pipeline_send(struct gm_pg_conn *c, const gm_pg_stmt *v, size_t n)
{
	return false;
}

void gm_pg_pipeline_end(struct gm_pg_conn *c)
{
}

void gm_pg_pipeline_forget(struct gm_pg_conn *c)
{
}

static PGresult *from_pipeline(struct gm_pg_conn *c, const char *sql, const char *param)
{
	return NULL;
}
#endif

int gm_pg_query_prepared(PGresult **out, struct gm_pg_conn *c, const char *what, const char *sql,
			 const char *param)
{
	char name[32];
	PGresult *res;
	int i;

	*out = NULL;
	if (c->pipeline && (*out = from_pipeline(c, sql, param)) != NULL)
		return 0;
	if ((i = statement(c, sql, param)) < 0)
		return gm_pg_query(out, c, what, sql, param, NULL);
	statement_name(name, sizeof(name), i);
	res = PQexecPrepared(c->pg, name, 0, NULL, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK) {
		*out = res;
		return 0;
	}
	/* A revision ran DEALLOCATE or DISCARD (26000): prepare again next time. Any other
	 * failure: the query as text gives the message gm_pg_query gives. */
	if (gm_str_eq(PQresultErrorField(res, PG_DIAG_SQLSTATE), "26000"))
		gm_pg_prepared_free(c);
	PQclear(res);
	return gm_pg_query(out, c, what, sql, param, NULL);
}

void gm_pg_prepared_free(struct gm_pg_conn *c)
{
	size_t i;

	for (i = 0; i < c->prepared_nr; i++)
		free(c->prepared[i].param);
	free(c->prepared);
	c->prepared = NULL;
	c->prepared_nr = 0;
}
