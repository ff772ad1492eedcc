/*
 * What an inspection of a scratch database keeps for the next one on the same connection,
 * so that a verification step reads what its revision changed, not the whole schema.
 *
 * A table's columns, constraints and indexes (its "parts": gm_pg_q_columns,
 * gm_pg_q_constraints, gm_pg_q_indexes, 23 of an inspection's 34 ms on 100 tables) are
 * what costs. Each inspection first runs gm_pg_q_changes, which finds the tables none of
 * whose catalog rows changed since the connection's last inspection (postgres_catalog.c
 * says which rows and how), remembers their oids in the session, and names them. The
 * three queries then skip those tables (NOT_CLEAN), and the inspection copies their parts
 * from the tables it kept here. Everything else (the table list, comments, enums, objects,
 * unsupported lines) is read every time.
 *
 * The server's state and the connection's memo carry the same generation: the query
 * returns the one it compared with, and a memo of another generation (an inspection that
 * failed half-way, one rolled back with its transaction, a session reset) is never used:
 * the state is cleared and the inspection starts again, reading everything.
 *
 * With GIT_MIGRATE_TEST_INSPECT_CHECK set (the test suite), each inspection that kept
 * tables is checked against a full one (gm_schema_memo_check).
 */
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include "git-migrate/alloc.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "git-migrate/schema.h"
#include "dialect/postgres.h"
#include "dialect/postgres_catalog.h"
#include "dialect/postgres_inspect.h"
#include "schema_int.h"
#include "util/strvec.h"
#include "util/banned.h"

struct gm_pg_memo {
	char *gen;    /* the generation gm_pg_q_changes gave the inspection */
	gm_schema *s; /* its tables, as read: only their parts are used */
};

void gm_pg_memo_free(struct gm_pg_memo *m)
{
	if (!m)
		return;
	free(m->gen);
	gm_schema_free(m->s);
	free(m);
}

void gm_pg_memo_drop(struct gm_pg_conn *c)
{
	gm_pg_memo_free(c->memo);
	c->memo = NULL;
}

void gm_pg_changes_release(gm_pg_changes *ch)
{
	free(ch->gen);
	gm_strvec_release(&ch->clean);
	memset(ch, 0, sizeof(*ch));
}

static void add_clean(void *ch, const char *name)
{
	gm_strvec_push(&((gm_pg_changes *)ch)->clean, name);
}

int gm_pg_changes_read(gm_pg_changes *ch, struct gm_pg_conn *c, const char *vt)
{
	PGresult *res = NULL;
	const char *prev;
	int error;

	memset(ch, 0, sizeof(*ch));
	if ((error = gm_pg_query_prepared(&res, c,
					  "cannot read what changed since the last "
					  "inspection",
					  gm_pg_q_changes, vt)) < 0) {
		gm_pg_memo_drop(c);
		return error;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		gm_pg_memo_drop(c);
		return gm_error_set(GM_EDB, "cannot read what changed since the last inspection: "
					    "no result");
	}
	ch->asked = true;
	prev = gm_pg_val(res, 0, 0);
	ch->gen = gm_xstrdup(PQgetvalue(res, 0, 1));
	gm_pg_each_name(gm_pg_val(res, 0, 6), ch, add_clean);
	/* tables to copy from a memo of another generation (or none): read again */
	ch->stale = ch->clean.nr && (!c->memo || !prev || strcmp(prev, c->memo->gen));
	PQclear(res);
	return 0;
}

int gm_pg_changes_reset(struct gm_pg_conn *c)
{
	PGresult *res = NULL;
	int error;

	gm_pg_memo_drop(c);
	if ((error = gm_pg_query(
		     &res, c, "cannot reset the inspection's state",
		     "SELECT pg_catalog.set_config('git_migrate.inspect_key', '', false),"
		     " pg_catalog.set_config('git_migrate.inspect_clean', '', false)",
		     NULL, NULL)) < 0)
		return error;
	PQclear(res);
	return 0;
}

/* The index of the table called name in s from *at on (tables come in the same order in
 * both schemas), or s->tables_nr. */
static size_t find_table(const gm_schema *s, const char *name, size_t *at)
{
	size_t i;

	for (i = *at; i < s->tables_nr; i++)
		if (!strcmp(s->tables[i]->name, name))
			return *at = i;
	for (i = 0; i < *at && i < s->tables_nr; i++)
		if (!strcmp(s->tables[i]->name, name))
			return *at = i;
	return s->tables_nr;
}

int gm_pg_memo_merge(gm_schema *s, struct gm_pg_conn *c, const gm_pg_changes *ch)
{
	size_t k, at = 0, mat = 0;

	for (k = 0; k < ch->clean.nr; k++) {
		const char *name = ch->clean.v[k];
		size_t i = find_table(s, name, &at);
		size_t m = c->memo ? find_table(c->memo->s, name, &mat) : 0;
		gm_table *t;
		char *comment;

		if (i == s->tables_nr || !c->memo || m == c->memo->s->tables_nr)
			return gm_error_set(GM_EDB,
					    "inspection: table %s was not read again, and "
					    "the last inspection did not read it",
					    name);
		/* the comment is the table list's, read this time */
		comment = s->tables[i]->comment;
		s->tables[i]->comment = NULL;
		t = gm_schema_set_table_copy(s, i, c->memo->s->tables[m]);
		free(t->comment);
		t->comment = comment;
	}
	return 0;
}

void gm_pg_memo_keep(struct gm_pg_conn *c, const gm_schema *s, const gm_pg_changes *ch)
{
	struct gm_pg_memo *m = gm_xcalloc(1, sizeof(*m));
	size_t i;

	m->gen = gm_xstrdup(ch->gen);
	gm_schema_new(&m->s);
	for (i = 0; i < s->tables_nr; i++)
		gm_schema_add_table_copy(m->s, s->tables[i]);
	gm_pg_memo_drop(c);
	c->memo = m;
}
