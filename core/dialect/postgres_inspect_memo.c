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
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
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

/* c's memo becomes (gen, s), both taken over. */
static void memo_set(struct gm_pg_conn *c, char *gen, gm_schema *s)
{
	struct gm_pg_memo *m = gm_xcalloc(1, sizeof(*m));

	m->gen = gen;
	m->s = s;
	gm_pg_memo_drop(c);
	c->memo = m;
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
	gm_schema *kept;
	size_t i;

	gm_schema_new(&kept);
	for (i = 0; i < s->tables_nr; i++)
		gm_schema_add_table_copy(kept, s->tables[i]);
	memo_set(c, gm_xstrdup(ch->gen), kept);
}

/* ---- a memo kept with a cache entry (postgres_cache.c) ---- */

#define BLOB_MAGIC "git-migrate-pg-memo 1\n"
#define BLOB_RESULTS GM_PG_PARTS /* tables, columns, constraints, indexes */

/* A string as "<length>\n<bytes>\n", NULL as "-\n". */
static void put_str(gm_buf *b, const char *s, size_t n)
{
	if (!s) {
		gm_buf_puts(b, "-\n");
		return;
	}
	gm_buf_printf(b, "%zu\n", n);
	gm_buf_put(b, s, n);
	gm_buf_putc(b, '\n');
}

/* The next string of a blob at *p (before end): true with *s (NULL for "-") and *n. */
static bool get_str(const char **p, const char *end, const char **s, size_t *n)
{
	const char *q = *p;
	size_t len = 0;

	if (q < end && *q == '-' && q + 1 < end && q[1] == '\n') {
		*s = NULL;
		*n = 0;
		*p = q + 2;
		return true;
	}
	if (q >= end || *q < '0' || *q > '9')
		return false;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		if (len > (SIZE_MAX - 9) / 10)
			return false;
		len = len * 10 + (size_t)(*q - '0');
	}
	if (q >= end || *q != '\n' || (size_t)(end - q - 1) < len + 1 || q[1 + len] != '\n')
		return false;
	*s = q + 1;
	*n = len;
	*p = q + 2 + len;
	return true;
}

static void put_result(gm_buf *b, const PGresult *res)
{
	int i, j, rows = PQntuples(res), cols = PQnfields(res);

	gm_buf_printf(b, "%d %d\n", rows, cols);
	for (i = 0; i < rows; i++)
		for (j = 0; j < cols; j++)
			put_str(b, PQgetisnull(res, i, j) ? NULL : PQgetvalue(res, i, j),
				(size_t)PQgetlength(res, i, j));
}

/* A result made from a blob's rows at *p; NULL when they are not well formed. */
static PGresult *get_result(const char **p, const char *end)
{
	PGresAttDesc att[32];
	PGresult *res;
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	int rows, cols, i, j, n = 0;

	if (!nl || sscanf(*p, "%d %d%n", &rows, &cols, &n) != 2 || *p + n != nl || rows < 0 ||
	    cols < 1 || cols > 32)
		return NULL;
	*p = nl + 1;
	memset(att, 0, sizeof(att));
	for (j = 0; j < cols; j++) { /* libpq copies names and values (its API says char *) */
		att[j].name = (char *)"c";
		att[j].typid = 25; /* text */
		att[j].typlen = -1;
		att[j].atttypmod = -1;
	}
	if (!(res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK)) ||
	    !PQsetResultAttrs(res, cols, att)) {
		PQclear(res);
		return NULL;
	}
	for (i = 0; i < rows; i++)
		for (j = 0; j < cols; j++) {
			const char *s;
			size_t len;
			if (!get_str(p, end, &s, &len) || len > INT_MAX ||
			    !PQsetvalue(res, i, j, (char *)s, s ? (int)len : -1)) {
				PQclear(res);
				return NULL;
			}
		}
	return res;
}

/* The memo's tables from the four results (tables, columns, constraints, indexes). */
static gm_schema *tables_of(PGresult *const res[GM_PG_PARTS])
{
	gm_schema *s;

	gm_schema_new(&s);
	gm_pg_parts_from(s, res);
	return s;
}

int gm_pg_memo_save(gm_buf *out, struct gm_pg_conn *c, const gm_pg_changes *ch,
		    PGresult *const res[GM_PG_PARTS])
{
	PGresult *st = NULL;
	size_t i;
	int error;

	if ((error = gm_pg_query(&st, c, "cannot read the inspection's state",
				 "SELECT pg_catalog.current_setting('git_migrate.inspect_key'),"
				 " pg_catalog.current_setting('git_migrate.inspect_oids'),"
				 " pg_catalog.current_setting('git_migrate.inspect_sigs')",
				 NULL, NULL)) < 0)
		return error;
	gm_buf_puts(out, BLOB_MAGIC);
	put_str(out, ch->gen, strlen(ch->gen));
	for (i = 0; i < 3; i++)
		put_str(out, PQgetvalue(st, 0, (int)i), (size_t)PQgetlength(st, 0, (int)i));
	PQclear(st);
	for (i = 0; i < BLOB_RESULTS; i++)
		put_result(out, res[i]);
	gm_buf_puts(out, "end\n");

	memo_set(c, gm_xstrdup(ch->gen), tables_of(res));
	return 0;
}

/* Set the session's state to v[0..4) (generation, key, oids, signatures; n their
 * lengths), nothing kept clean. GM_EDB when the server refuses. */
static int set_state(struct gm_pg_conn *c, const char *const v[4], const size_t n[4])
{
	const char *sql = "SELECT pg_catalog.set_config('git_migrate.inspect_gen', $1, false),"
			  " pg_catalog.set_config('git_migrate.inspect_key', $2, false),"
			  " pg_catalog.set_config('git_migrate.inspect_oids', $3, false),"
			  " pg_catalog.set_config('git_migrate.inspect_sigs', $4, false),"
			  " pg_catalog.set_config('git_migrate.inspect_clean', '', false)";
	char *values[4];
	PGresult *res;
	size_t i;
	int error = 0;

	for (i = 0; i < 4; i++)
		values[i] = gm_xstrndup(v[i], n[i]);
	res = PQexecParams(c->pg, sql, 4, NULL, (const char *const *)values, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		error = gm_error_set(GM_EDB, "cannot set the inspection's state: %s",
				     PQerrorMessage(c->pg));
	PQclear(res);
	for (i = 0; i < 4; i++)
		free(values[i]);
	return error;
}

int gm_pg_memo_load(struct gm_pg_conn *c, const char *blob, size_t len)
{
	const char *p = blob, *end = blob + len, *v[4];
	size_t n[4], i;
	PGresult *res[BLOB_RESULTS] = { NULL };
	int error = 0;

	if (len < strlen(BLOB_MAGIC) || memcmp(p, BLOB_MAGIC, strlen(BLOB_MAGIC)))
		return gm_error_set(GM_EINVALID, "not a kept inspection");
	p += strlen(BLOB_MAGIC);
	for (i = 0; i < 4; i++)
		if (!get_str(&p, end, &v[i], &n[i]) || !v[i] || memchr(v[i], '\0', n[i]))
			return gm_error_set(GM_EINVALID, "a kept inspection's state is damaged");
	for (i = 0; i < BLOB_RESULTS && !error; i++)
		if (!(res[i] = get_result(&p, end)))
			error = gm_error_set(GM_EINVALID, "a kept inspection's rows are damaged");
	if (!error && ((size_t)(end - p) != 4 || memcmp(p, "end\n", 4)))
		error = gm_error_set(GM_EINVALID, "a kept inspection is cut short");
	/* the server's state first: a memo whose state is not there is never used */
	if (!error && (error = set_state(c, v, n)) == 0)
		memo_set(c, gm_xstrndup(v[0], n[0]), tables_of(res));
	for (i = 0; i < BLOB_RESULTS; i++)
		PQclear(res[i]);
	return error;
}
