/*
 * The inspection's catalog queries, prepared once per connection. Parsing and planning
 * them was 40% of an inspection (15 of 40 ms on 100 tables), and prepare inspects the
 * same scratch database four times (after the replay, then after up, down and up). The
 * version table's name goes into the text as a literal: a statement without parameters
 * runs its one generic plan every time (with a parameter, PostgreSQL plans each of the
 * first five executions again).
 */
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "dialect/postgres.h"
#include "util/strvec.h"
#include "util/banned.h"

/* At most this many statements per connection (an inspection has 13). */
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

/* The index of (sql, param) among c's statements, preparing it; -1 when it cannot be. */
static int statement(struct gm_pg_conn *c, const char *sql, const char *param)
{
	gm_buf text = GM_BUF_INIT;
	char name[32];
	PGresult *res;
	size_t i;
	bool ok;

	for (i = 0; i < c->prepared_nr; i++)
		if (c->prepared[i].sql == sql && gm_str_eq(c->prepared[i].param, param))
			return (int)i;
	if (i >= GM_PG_PREPARED_MAX || !inline_param(&text, c, sql, param))
		return -1;
	snprintf(name, sizeof(name), "gm_inspect_q%zu", i);
	res = PQprepare(c->pg, name, text.ptr, 0, NULL);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	gm_buf_release(&text);
	if (!ok)
		return -1;
	if (!c->prepared)
		c->prepared = gm_xcalloc(GM_PG_PREPARED_MAX, sizeof(*c->prepared));
	c->prepared[i].sql = sql;
	c->prepared[i].param = gm_xstrdup(param);
	c->prepared_nr++;
	return (int)i;
}

int gm_pg_query_prepared(PGresult **out, struct gm_pg_conn *c, const char *what, const char *sql,
			 const char *param)
{
	char name[32];
	PGresult *res;
	int i = statement(c, sql, param);

	*out = NULL;
	if (i < 0)
		return gm_pg_query(out, c, what, sql, param, NULL);
	snprintf(name, sizeof(name), "gm_inspect_q%d", i);
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
